package io.sluice.cli;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.GraphFactory;
import io.sluice.kafka.KafkaDeployments;
import io.sluice.kafka.KafkaOptions;
import io.sluice.server.ServerOptions;
import io.sluice.server.SluiceServer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice serve}: the coordinator endpoint of a graph running on Kafka, wherever its workers run — status from
 * the status topic, results from the results topics.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Serve the HTTP API and dashboard of a graph running on Kafka, wherever its workers run, until"
                + " Ctrl-C. Stopping through the API stops nothing: the workers belong to whoever started them.")
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "FILE",
            description = "the pipeline file (or use --factory)")
    String file;

    @Option(names = "--factory", paramLabel = "CLASS", description = "the graph's GraphFactory")
    String factory;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "the Kafka cluster")
    String bootstrap;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT", description = "(default: ${DEFAULT-VALUE})")
    int port;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            paramLabel = "HOST",
            description = "(default: ${DEFAULT-VALUE}); beyond loopback every route needs the token")
    String host;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            description = "the token clients send (Authorization: Bearer TOKEN); default: SLUICE_API_TOKEN, else one"
                    + " made now and printed once, with the address to open")
    String token;

    private final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws InterruptedException {
        if ((file == null) == (factory == null)) {
            throw new IllegalArgumentException("name the graph once: a pipeline FILE or --factory CLASS");
        }
        ComputationalGraph graph = GraphFactory.load(file != null ? file : factory);
        Deployment attached = KafkaDeployments.attach(graph, KafkaOptions.of(bootstrap));
        try (SluiceServer server = SluiceServer.start(
                attached, ServerOptions.port(port).withHost(host).withToken(token))) {
            PrintWriter out = spec.commandLine().getOut();
            out.println("Serving graph '" + graph.name() + "' on Kafka at " + bootstrap + ": " + server.uri());
            out.flush();
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "sluice-serve-stop"));
            stop.await();
        }
        return 0;
    }

    /** Stops serving, as Ctrl-C does. */
    void stop() {
        stop.countDown();
    }
}
