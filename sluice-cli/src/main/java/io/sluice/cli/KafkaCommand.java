package io.sluice.cli;

import io.sluice.GraphFactory;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.OnExisting;
import io.sluice.kafka.TopicPlan;
import io.sluice.testkit.KafkaBroker;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice kafka dev}: a real single-node Kafka broker for people who have none. */
@Command(
        name = "kafka",
        mixinStandardHelpOptions = true,
        description = "Kafka helpers.",
        subcommands = {KafkaCommand.Dev.class, KafkaCommand.Plan.class})
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

    @Command(
            name = "plan",
            mixinStandardHelpOptions = true,
            description = "Print the topics a graph needs on Kafka — names, partitions, replication — without touching"
                    + " any cluster (the dry run of a deployment); with --create, create them as a deployment would,"
                    + " refusing topics an earlier deployment left unless --on-existing says otherwise.")
    static final class Plan implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Parameters(
                paramLabel = "GRAPH",
                description = "a pipeline file, or the class name of a GraphFactory")
        String graph;

        @Option(names = "--create", description = "create the topics on the cluster --bootstrap names")
        boolean create;

        @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "the cluster, with --create")
        String bootstrap;

        @Option(names = "--replication", defaultValue = "1", paramLabel = "N", description = "replicas per topic")
        int replication;

        @Option(
                names = "--on-existing",
                defaultValue = "refuse",
                paramLabel = "refuse|fresh|continue",
                description = "with --create, when some of the topics exist: refuse (default), start fresh (delete"
                        + " them and the graph's committed offsets first), or continue (create only what is missing)")
        String onExisting;

        @Override
        public Integer call() {
            if (create && bootstrap == null) {
                throw new IllegalArgumentException("--create needs --bootstrap HOST:PORT");
            }
            OnExisting existing;
            try {
                existing = OnExisting.of(onExisting);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--on-existing: " + e.getMessage());
            }
            KafkaOptions options = KafkaOptions.of(create ? bootstrap : "dry-run:0")
                    .withReplicationFactor(replication)
                    .withOnExisting(existing);
            io.sluice.ComputationalGraph built = GraphFactory.load(graph);
            TopicPlan plan = create ? io.sluice.kafka.KafkaTopics.create(built, options) : TopicPlan.of(built, options);
            spec.commandLine().getOut().print(plan.describe());
            if (create) {
                spec.commandLine().getOut().println("Created (or found) every topic on " + bootstrap);
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
