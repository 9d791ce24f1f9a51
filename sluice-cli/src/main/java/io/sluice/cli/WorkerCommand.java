package io.sluice.cli;

import io.sluice.kafka.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice worker}: runs every instance of one node of a graph on Kafka, or one with {@code --instance} — the
 * entry point of containers.
 */
@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        description = "Run every instance of one node of a graph on Kafka, in this process (the container entry point)."
                + " Exit codes: 0 the node completed or was stopped, 1 it failed, 2 a usage mistake.")
final class WorkerCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "the pipeline file (or use --factory)")
    String file;

    @Option(names = "--factory", paramLabel = "CLASS", description = "the GraphFactory class that builds the graph")
    String factory;

    @Option(names = "--node", required = true, paramLabel = "ID", description = "the node this worker runs")
    String node;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "the Kafka cluster")
    String bootstrap;

    @Option(
            names = "--options",
            paramLabel = "FILE",
            description = "every KafkaOptions field as properties (guarantee, timeout, commit-interval, serde,"
                    + " client.<Kafka client property>, …), '-' for standard input; the flags below override it")
    String options;

    @Option(
            names = "--guarantee",
            paramLabel = "GUARANTEE",
            description = "at-least-once or exactly-once (default: the options file's, else at-least-once)")
    String guarantee;

    @Option(
            names = "--replication",
            paramLabel = "N",
            description = "replicas of created topics (default: the options file's, else 1)")
    Integer replication;

    @Option(
            names = "--timeout-ms",
            paramLabel = "MS",
            description = "how long to wait for the cluster (default: the options file's, else 30000)")
    Long timeoutMs;

    @Option(names = "--health-port", paramLabel = "PORT", description = "answer Kubernetes probes on this port")
    Integer healthPort;

    @Option(
            names = "--lifeline",
            paramLabel = "PID",
            description = "stop the node and exit once process PID has ended, or (with --options -) once standard"
                    + " input closes: how a supervisor keeps its workers from outliving it")
    Long lifeline;

    @Option(
            names = "--instance",
            paramLabel = "N|ordinal",
            description = "run only instance N of the node, or with 'ordinal' the instance that ends the pod's name"
                    + " (SLUICE_POD_NAME, else HOSTNAME: a StatefulSet's pod shop-count-3 runs instance 3);"
                    + " default: every instance")
    String instance;

    @Option(
            names = "--elastic",
            paramLabel = "NODE[,NODE…]",
            description = "run these nodes elastic, their instances sharing the input by consumer-group membership;"
                    + " with it, --instance N at or above the node's parallelism joins a running deployment as an"
                    + " extra member of the node")
    String elastic;

    @Override
    public Integer call() {
        if ((file == null) == (factory == null)) {
            throw new IllegalArgumentException("name the graph once: a pipeline FILE or --factory CLASS");
        }
        String graph =
                file != null ? java.nio.file.Path.of(file).toAbsolutePath().toString() : factory;
        List<String> args = new ArrayList<>(List.of("--factory", graph, "--node", node, "--bootstrap", bootstrap));
        add(args, "--options", options);
        add(args, "--guarantee", guarantee);
        add(args, "--replication", replication);
        add(args, "--timeout-ms", timeoutMs);
        add(args, "--health-port", healthPort);
        add(args, "--lifeline", lifeline);
        add(args, "--instance", instance);
        add(args, "--elastic", elastic);
        return Worker.run(args.toArray(String[]::new));
    }

    private static void add(List<String> args, String flag, Object value) {
        if (value != null) {
            args.add(flag);
            args.add(value.toString());
        }
    }
}
