package io.sluice.cli;

import io.sluice.testkit.KafkaBroker;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice kafka dev}: a real single-node Kafka broker for people who have none. */
@Command(
        name = "kafka",
        mixinStandardHelpOptions = true,
        description = "Kafka helpers.",
        subcommands = {KafkaCommand.Dev.class})
final class KafkaCommand {

    @Command(
            name = "dev",
            mixinStandardHelpOptions = true,
            description = "Start a real single-node KRaft Kafka broker in this process, on loopback, until Ctrl-C. Its"
                    + " data is deleted when it stops. Prints the bootstrap address to pass to KafkaOptions.of(…).")
    static final class Dev implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        private final CountDownLatch stop = new CountDownLatch(1);

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            try (KafkaBroker broker = KafkaBroker.start()) {
                Thread hook = new Thread(stop::countDown, "sluice-kafka-dev-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                out.println("Kafka broker ready at " + broker.bootstrapServers() + " — press Ctrl-C to stop");
                out.flush();
                stop.await();
                out.println("Stopping the broker");
                out.flush();
            }
            return 0;
        }

        /** Stops the broker, as Ctrl-C does. */
        void stop() {
            stop.countDown();
        }
    }
}
