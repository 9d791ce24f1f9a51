package io.sluice.cli;

import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.SystemType;
import io.sluice.examples.Examples;
import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.OnExisting;
import io.sluice.kafka.Workers;
import io.sluice.server.ServerOptions;
import io.sluice.server.SluiceServer;
import io.sluice.yaml.Pipeline;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice deploy FILE --system kafka}: one supervised worker process per node on this machine. */
@Command(
        name = "deploy",
        mixinStandardHelpOptions = true,
        description = "Deploy a pipeline on Kafka with one worker process per node on this machine, supervised"
                + " (restarted if it dies), each logging to LOGS/<node>.log; waits until the graph completes or Ctrl-C."
                + " Exit 0 completed, 1 failed.")
final class DeployCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the pipeline (YAML)")
    Path file;

    @Option(names = "--system", defaultValue = "kafka", paramLabel = "SYSTEM", description = "kafka (the default)")
    String system;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description = "the Kafka cluster (default: the pipeline's runtime.bootstrap)")
    String bootstrap;

    @Option(
            names = "--logs",
            defaultValue = "target/sluice-logs",
            paramLabel = "DIR",
            description = "where each node's worker logs (default: ${DEFAULT-VALUE})")
    Path logs;

    @Option(names = "--api-port", paramLabel = "PORT", description = "serve the HTTP API and dashboard on this port")
    Integer apiPort;

    @Option(
            names = "--guarantee",
            paramLabel = "at-least-once|exactly-once",
            description = "the delivery guarantee; overrides runtime.guarantee of the file (default: at-least-once)")
    String guarantee;

    @Option(
            names = "--results",
            defaultValue = "0",
            paramLabel = "N",
            description = "how many results of each end node to print at the end (default: only their number)")
    int results;

    @Option(names = "--keep-topics", description = "keep the graph's topics when the deployment ends")
    boolean keepTopics;

    @Option(
            names = "--on-existing",
            paramLabel = "refuse|fresh|continue",
            description = "when the graph's topics exist, left by an earlier deployment: refuse to deploy (default,"
                    + " or runtime.on-existing), start fresh (delete them and the graph's committed offsets), or"
                    + " continue that deployment")
    String onExisting;

    @Override
    public Integer call() throws InterruptedException {
        if (!system.equals("kafka")) {
            throw new IllegalArgumentException(
                    "deploy runs one process per node on Kafka; --system must be kafka, found" + " '" + system
                            + "' (sluice run FILE runs on LOCAL)");
        }
        if (onExisting != null) {
            onExisting(); // a mistake in the flag is a usage error before anything is read
        }
        Pipeline pipeline = Pipeline.load(file);
        String cluster = bootstrap != null ? bootstrap : pipeline.runtime().bootstrap();
        if (cluster == null) {
            throw new IllegalArgumentException(
                    "no Kafka cluster: pass --bootstrap HOST:PORT or set runtime.bootstrap in " + file
                            + " (sluice kafka dev starts one)");
        }
        KafkaOptions options = PipelineCommands.kafkaOptions(pipeline.runtime(), cluster);
        if (guarantee != null) {
            options = options.withGuarantee(Guarantee.of(guarantee));
        }
        if (onExisting != null) {
            options = options.withOnExisting(onExisting());
        }
        options = options.withDeleteTopicsOnClose(!keepTopics)
                .withWorkers(Workers.processes(file.toAbsolutePath().toString(), logs.toAbsolutePath()));
        PrintWriter out = spec.commandLine().getOut();
        try (Deployment deployment = pipeline.graph().deploy(SystemType.KAFKA, options);
                SluiceServer server =
                        apiPort == null ? null : SluiceServer.start(deployment, ServerOptions.port(apiPort))) {
            out.println("Deployed " + deployment.id() + ": "
                    + pipeline.graph().nodes().size() + " worker processes," + " logs in " + logs.toAbsolutePath()
                    + (server == null ? "" : "; API at " + server.uri()));
            out.flush();
            DeploymentState state = PipelineCommands.awaitEnd(deployment, Long.MAX_VALUE, () -> {});
            Examples.printStatus(deployment.status(), out);
            if (results > 0) {
                PipelineCommands.printResults(deployment, results, out);
            } else {
                pipeline.graph()
                        .endNodes()
                        .forEach(end -> out.printf(
                                "Results of %s: %d%n",
                                end.id(), deployment.results(end.id()).size()));
            }
            out.println(state == DeploymentState.COMPLETED ? "Completed" : "Stopped before it completed");
            out.flush();
            return state == DeploymentState.COMPLETED ? 0 : Main.EXIT_FAILED;
        }
    }

    private OnExisting onExisting() {
        try {
            return OnExisting.of(onExisting);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--on-existing: " + e.getMessage());
        }
    }
}
