package io.sluice.cli;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.LocalOptions;
import io.sluice.SystemType;
import io.sluice.examples.Examples;
import io.sluice.kafka.KafkaOptions;
import io.sluice.server.ServerOptions;
import io.sluice.server.SluiceServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice example [NAME]}: runs a bundled example graph on the LOCAL system, or lists them. */
@Command(
        name = "example",
        mixinStandardHelpOptions = true,
        description = "Run a bundled example graph on the embedded LOCAL system; without a name, list the examples.")
final class ExampleCommand implements Callable<Integer> {

    /**
     * With --api-port, starts the HTTP API on each deployment as it is made. The port was found free before anything
     * was deployed; should it be taken meanwhile, the deployment is closed again (on Kafka that deletes its topics).
     */
    private Function<ComputationalGraph, Deployment> served(
            Function<ComputationalGraph, Deployment> deploy, PrintWriter out) {
        if (apiPort == null) {
            return deploy;
        }
        return graph -> {
            Deployment deployment = deploy.apply(graph);
            try {
                server = SluiceServer.start(
                        deployment, ServerOptions.port(apiPort).withToken(token));
            } catch (RuntimeException e) {
                deployment.close();
                throw e;
            }
            out.println("API and dashboard at " + server.uri());
            out.flush();
            return deployment;
        };
    }

    /** Refuses a taken --api-port before anything is deployed, so that a failed start leaves nothing behind. */
    private void requireFreePort() {
        if (apiPort == null || apiPort == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as the server's connector does
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), apiPort));
        } catch (IOException e) {
            throw new IllegalArgumentException("--api-port " + apiPort + ": the port is taken on 127.0.0.1 ("
                    + e.getMessage() + "); choose another, or 0 for any free port");
        }
    }

    /** LOCAL options: the latest --keep-results results of each end node, all of them unless serving. */
    private LocalOptions localOptions() {
        long kept = keepResults != null ? keepResults : apiPort != null ? DEFAULT_KEPT_WHILE_SERVING : Long.MAX_VALUE;
        if (kept < 1) {
            throw new IllegalArgumentException("--keep-results must be ≥ 1, found " + kept);
        }
        return LocalOptions.defaults().withKeptResults(kept);
    }

    /**
     * Deploys on the chosen system; on Kafka, an example always starts fresh (what a run stopped by Ctrl-C left is
     * deleted), and its topics are deleted afterwards.
     */
    private Function<ComputationalGraph, Deployment> deployer() {
        return switch (system) {
            case "local" -> {
                LocalOptions options = localOptions();
                yield graph -> graph.deploy(SystemType.LOCAL, options);
            }
            case "kafka" -> {
                if (bootstrap == null) {
                    throw new IllegalArgumentException(
                            "--system kafka needs --bootstrap HOST:PORT; start a broker" + " with: sluice kafka dev");
                }
                if (keepResults != null) {
                    throw new IllegalArgumentException("--keep-results is for --system local; on kafka an end node's"
                            + " results are kept by its results topic (its retention)");
                }
                KafkaOptions options = KafkaOptions.of(bootstrap)
                        .withDeleteTopicsOnClose(true)
                        .withOnExisting(io.sluice.kafka.OnExisting.FRESH);
                yield graph -> graph.deploy(SystemType.KAFKA, options);
            }
            default -> throw new IllegalArgumentException("--system must be local or kafka, found '" + system + "'");
        };
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "wordcount, revenue or airports")
    String name;

    @Option(
            names = "--input",
            paramLabel = "FILE",
            description = "the text file wordcount reads (default: a bundled text)")
    Path input;

    @Option(
            names = "--output",
            paramLabel = "DIR",
            defaultValue = "target/sluice-examples",
            description = "where examples write their files (default: ${DEFAULT-VALUE})")
    Path output;

    @Option(
            names = "--system",
            defaultValue = "local",
            paramLabel = "SYSTEM",
            description = "local or kafka (default: ${DEFAULT-VALUE})")
    String system;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description = "the Kafka cluster for --system kafka (start one with: sluice kafka dev)")
    String bootstrap;

    @Option(
            names = "--api-port",
            paramLabel = "PORT",
            description = "serve the deployment's HTTP API and dashboard on this port while it runs (0: any free port)")
    Integer apiPort;

    @Option(
            names = "--keep-serving",
            description = "with --api-port: keep serving after the example ends, until Ctrl-C")
    boolean keepServing;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            description = "with --api-port: the token clients send (Authorization: Bearer TOKEN); default:"
                    + " SLUICE_API_TOKEN, else one made now and printed once, with the address to open")
    String token;

    /** A long-served deployment holds this many of each end node's latest results, not all it ever made. */
    static final long DEFAULT_KEPT_WHILE_SERVING = 100_000;

    @Option(
            names = "--keep-results",
            paramLabel = "N",
            description = "on --system local, how many of each end node's latest results to keep in memory (default:"
                    + " 100000 with --api-port, else all; the example's summary is computed from those kept)")
    Long keepResults;

    private SluiceServer server;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (name == null) {
            out.println("Examples (run one with: sluice example NAME):");
            Examples.ALL.forEach(e -> out.printf("  %-10s %s%n", e.name(), e.description()));
            out.flush();
            return 0;
        }
        requireFreePort();
        Function<ComputationalGraph, Deployment> deploy = deployer();
        try {
            Examples.run(name, input, output, out, served(deploy, out));
            out.flush();
            if (server != null && keepServing) {
                out.println("Still serving " + server.uri() + " — press Ctrl-C to stop");
                out.flush();
                new java.util.concurrent.CountDownLatch(1).await();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
        return 0;
    }
}
