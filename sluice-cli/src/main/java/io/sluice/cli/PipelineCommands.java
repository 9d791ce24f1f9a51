package io.sluice.cli;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.DeploymentStatus;
import io.sluice.Edge;
import io.sluice.LocalOptions;
import io.sluice.NodeFailedException;
import io.sluice.NodeKind;
import io.sluice.NodeSpec;
import io.sluice.NodeStatus;
import io.sluice.SystemType;
import io.sluice.examples.Examples;
import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.OnExisting;
import io.sluice.yaml.Pipeline;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The commands that read a pipeline file: validate, run, graph. */
final class PipelineCommands {

    private PipelineCommands() {}

    @Command(
            name = "validate",
            mixinStandardHelpOptions = true,
            description = "Check a pipeline file, and that the files its sources read are there, and report every"
                    + " problem with file, line and path. Exit 0 if valid, 1 if not.")
    static final class Validate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "the pipeline (YAML)")
        Path file;

        @Override
        public Integer call() {
            // The input files are checked too, so that what validate accepts, run does not refuse.
            Pipeline pipeline = Pipeline.load(file).checkInputs();
            ComputationalGraph graph = pipeline.graph();
            spec.commandLine()
                    .getOut()
                    .printf(
                            "%s: valid graph '%s': %d nodes, %d edges, runs on %s%s%n",
                            file,
                            graph.name(),
                            graph.nodes().size(),
                            graph.edges().size(),
                            pipeline.runtime().system(),
                            pipeline.runtime().schedule() == null
                                    ? ""
                                    : " at '" + pipeline.runtime().schedule() + "' (UTC)");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = "Run a pipeline file on the system its runtime section names (LOCAL by default), with a"
                    + " progress line while it runs and a summary at the end. Exit 0 completed, 1 failed or the file"
                    + " is invalid.")
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "the pipeline (YAML)")
        Path file;

        @Option(
                names = "--results",
                defaultValue = "20",
                paramLabel = "N",
                description = "how many results of each end node to print at the end (default: ${DEFAULT-VALUE})")
        int results;

        @Option(
                names = "--timeout",
                defaultValue = "PT1H",
                paramLabel = "DURATION",
                description = "give up after this long, ISO-8601 (default: ${DEFAULT-VALUE})")
        Duration timeout;

        @Option(
                names = "--checkpoints",
                paramLabel = "DIR",
                description = "LOCAL: keep checkpoints (start nodes' positions, node stores, appended files) in"
                        + " DIR and resume from them, overriding runtime.checkpoints")
        Path checkpoints;

        @Option(
                names = "--bootstrap",
                paramLabel = "HOST:PORT",
                description = "the Kafka cluster, for system kafka and for kafka:// locations that name none,"
                        + " overriding runtime.bootstrap")
        String bootstrap;

        @Override
        public Integer call() throws InterruptedException {
            if (bootstrap != null) {
                System.setProperty(KafkaOptions.BOOTSTRAP_PROPERTY, bootstrap);
            }
            Pipeline pipeline = Pipeline.load(file);
            if (checkpoints != null) {
                pipeline = pipeline.withCheckpoints(checkpoints);
            }
            pipeline.checkInputs();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (pipeline.runtime().schedule() != null) {
                // The schedule is for the cluster that runs the generated manifests; here a run is asked for now.
                err.println("Graph '" + pipeline.graph().name() + "' runs at '"
                        + pipeline.runtime().schedule()
                        + "' (UTC) once deployed (sluice generate k8s|ecs); running it once now");
                err.flush();
            }
            long started = System.nanoTime();
            try (Deployment deployment = deploy(pipeline, file, bootstrap)) {
                DeploymentState state = awaitEnd(deployment, timeout.toNanos(), () -> {
                    err.println(progress(deployment.status(), System.nanoTime() - started));
                    err.flush();
                });
                Examples.printStatus(deployment.status(), out);
                printResults(deployment, results, out);
                out.printf(
                        Locale.ROOT,
                        "%s in %.1f s%n",
                        switch (state) {
                            case COMPLETED -> "Completed";
                            case RUNNING -> "Timed out";
                            default -> "Stopped before it completed";
                        },
                        (System.nanoTime() - started) / 1e9);
                out.flush();
                return state == DeploymentState.COMPLETED ? 0 : Main.EXIT_FAILED;
            }
        }

        private static Deployment deploy(Pipeline pipeline, Path file, String bootstrap) {
            Pipeline.Runtime runtime = pipeline.runtime();
            if (runtime.system().equals("kafka")) {
                return pipeline.graph()
                        .deploy(
                                SystemType.KAFKA,
                                kafkaOptions(runtime, bootstrap != null ? bootstrap : runtime.bootstrap()));
            }
            LocalOptions options =
                    switch (runtime.mode()) {
                        case "single-thread" -> LocalOptions.defaults().withMode(LocalOptions.Mode.SINGLE_THREAD);
                        // each node's process reads the same file
                        case "multi-process" ->
                            LocalOptions.defaults()
                                    .withProcesses(file.toAbsolutePath().toString());
                        default -> LocalOptions.defaults();
                    };
            if (runtime.checkpoints() != null) {
                options = options.withCheckpoints(runtime.checkpoints());
            }
            return pipeline.graph().deploy(SystemType.LOCAL, options);
        }

        private static String progress(DeploymentStatus status, long elapsedNanos) {
            StringBuilder line =
                    new StringBuilder(String.format(Locale.ROOT, "%6.1f s %s", elapsedNanos / 1e9, status.state()));
            for (NodeStatus node : status.nodes().values()) {
                long moved = node.kind() == NodeKind.END ? node.itemsIn() : node.itemsOut();
                line.append(String.format(Locale.ROOT, " · %s %,d", node.id(), moved));
            }
            return line.toString();
        }
    }

    @Command(
            name = "graph",
            mixinStandardHelpOptions = true,
            description = "Print a pipeline's graph as Graphviz DOT or a Mermaid flowchart.")
    static final class Graph implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "the pipeline (YAML)")
        Path file;

        @Option(
                names = "--format",
                defaultValue = "mermaid",
                paramLabel = "FORMAT",
                description = "dot or mermaid (default: ${DEFAULT-VALUE})")
        String format;

        @Override
        public Integer call() {
            ComputationalGraph graph = Pipeline.load(file).graph();
            String text =
                    switch (format) {
                        case "dot" -> dot(graph);
                        case "mermaid" -> mermaid(graph);
                        default ->
                            throw new IllegalArgumentException(
                                    "--format must be dot or mermaid, found '" + format + "'");
                    };
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
            return 0;
        }

        static String dot(ComputationalGraph graph) {
            StringBuilder text = new StringBuilder("digraph \"" + graph.name() + "\" {\n  rankdir=LR;\n");
            for (NodeSpec node : graph.nodes()) {
                String shape =
                        node.kind() == NodeKind.START ? "invhouse" : node.kind() == NodeKind.END ? "house" : "box";
                text.append(String.format(
                        "  \"%s\" [shape=%s, label=\"%s%s\"];%n",
                        node.id(), shape, node.id(), node.parallelism() > 1 ? " ×" + node.parallelism() : ""));
            }
            for (Edge edge : graph.edges()) {
                text.append(String.format(
                        "  \"%s\" -> \"%s\"%s;%n", edge.from(), edge.to(), label(edge, " [label=\"%s\"]")));
            }
            return text.append("}\n").toString();
        }

        static String mermaid(ComputationalGraph graph) {
            StringBuilder text = new StringBuilder("flowchart LR\n");
            for (NodeSpec node : graph.nodes()) {
                String label = node.id() + (node.parallelism() > 1 ? " ×" + node.parallelism() : "");
                text.append(
                        switch (node.kind()) {
                            case START -> String.format("  %s[/\"%s\"/]%n", node.id(), label);
                            case END -> String.format("  %s[\\\"%s\"\\]%n", node.id(), label);
                            case PROCESSING -> String.format("  %s[\"%s\"]%n", node.id(), label);
                        });
            }
            for (Edge edge : graph.edges()) {
                String label = label(edge, "%s");
                text.append(
                        label.isEmpty()
                                ? String.format("  %s --> %s%n", edge.from(), edge.to())
                                : String.format("  %s -->|%s| %s%n", edge.from(), label, edge.to()));
            }
            return text.toString();
        }

        /** The port and partitioning worth showing on an edge. */
        private static String label(Edge edge, String format) {
            String port = edge.port().equals("default") ? "" : edge.port();
            String partitioning = edge.partitioning().label().equals("forward")
                    ? ""
                    : edge.partitioning().label();
            String label = String.join(
                    " ",
                    List.of(port, partitioning).stream()
                            .filter(s -> !s.isEmpty())
                            .toList());
            return label.isEmpty() ? "" : String.format(format, label);
        }
    }

    /**
     * Waits for the deployment to end, or for {@code nanos} to pass ({@link Long#MAX_VALUE}: for ever), calling {@code
     * tick} every second while it runs. A failed deployment's failure is thrown, for the command's one-line error.
     *
     * @return how it ended, or RUNNING when the deadline passed first
     */
    static DeploymentState awaitEnd(Deployment deployment, long nanos, Runnable tick) throws InterruptedException {
        long started = System.nanoTime();
        while (true) {
            DeploymentState state = deployment.awaitTermination(Duration.ofSeconds(1));
            if (state == DeploymentState.FAILED) {
                throw deployment
                        .failure()
                        .orElseGet(
                                () -> new NodeFailedException("?", "deployment " + deployment.id() + " failed", null));
            }
            if (state.isFinal() || System.nanoTime() - started >= nanos) {
                return state;
            }
            tick.run();
        }
    }

    /**
     * The KAFKA options a pipeline's {@code runtime:} asks for on cluster {@code bootstrap}: its guarantee, the types
     * it allows to travel between nodes, and what to do with the topics of an earlier deployment.
     */
    static KafkaOptions kafkaOptions(Pipeline.Runtime runtime, String bootstrap) {
        KafkaOptions options = KafkaOptions.of(bootstrap)
                .withGuarantee(Guarantee.of(runtime.guarantee()))
                .withOnExisting(OnExisting.of(runtime.onExisting()))
                .withAllowedPackages(runtime.typePackages().toArray(String[]::new));
        return options.withAllowedTypes(options.allowedTypes().withClassNames(runtime.types()));
    }

    /** Prints up to {@code limit} results of each end node that kept any, oldest first. */
    static void printResults(Deployment deployment, int limit, java.io.PrintWriter out) {
        for (NodeSpec end : deployment.graph().endNodes()) {
            List<Object> kept = deployment.results(end.id());
            if (!kept.isEmpty()) {
                out.printf("Results of %s (%d):%n", end.id(), kept.size());
                kept.stream().limit(limit).forEach(r -> out.println("  " + r));
            }
        }
    }
}
