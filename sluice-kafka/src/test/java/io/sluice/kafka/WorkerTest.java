package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.GraphFactory;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.testkit.KafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker entry point and its mistakes: unknown factory, unknown node, missing topics, bad arguments. */
class WorkerTest {

    @TempDir
    Path logs;

    public static final class Undeployed implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            return ComputationalGraph.builder("undeployed")
                    .start("in", Sources.collection(List.of(1)))
                    .end("out", Sinks.collect())
                    .edge("in -> out")
                    .build();
        }
    }

    /** Like {@link Undeployed}, but its topics are created by the health test, so it has a name of its own. */
    public static final class Healthy implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            return ComputationalGraph.builder("healthy")
                    .start("in", Sources.collection(List.of(1)))
                    .end("out", Sinks.collect())
                    .edge("in -> out")
                    .build();
        }
    }

    /** A graph whose middle node fails an assertion on its second item. */
    public static final class Asserting implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            return ComputationalGraph.builder("asserting")
                    .start("in", Sources.collection(List.of(1, 2, 3)))
                    .map("strict", (Integer i) -> {
                        if (i == 2) {
                            throw new AssertionError("two is not allowed");
                        }
                        return i;
                    })
                    .end("out", Sinks.collect())
                    .edge("in -> strict -> out")
                    .build();
        }
    }

    private record Outcome(int exit, String err) {}

    private static Outcome worker(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = Worker.run(args);
            List<String> lines = err.toString(StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> line.startsWith("sluice-worker: "))
                    .toList();
            return new Outcome(exit, String.join("\n", lines));
        } finally {
            System.setErr(original);
        }
    }

    @Test
    void unknownFactoryClassIsNamedWithTheClassPath() {
        Outcome outcome = worker(
                "--factory",
                "com.example.Missing",
                "--node",
                "in",
                "--bootstrap",
                KafkaBroker.shared().bootstrapServers());

        assertThat(outcome.exit()).isEqualTo(1);
        assertThat(outcome.err())
                .startsWith("sluice-worker: FAILED: Graph factory class 'com.example.Missing' was not"
                        + " found on the class path ");
    }

    @Test
    void unknownNodeListsTheGraphsNodes() {
        Outcome outcome = worker(
                "--factory",
                Undeployed.class.getName(),
                "--node",
                "nope",
                "--bootstrap",
                KafkaBroker.shared().bootstrapServers());

        assertThat(outcome.exit()).isEqualTo(1);
        assertThat(outcome.err().strip())
                .isEqualTo("sluice-worker: FAILED: Node 'nope' is not defined in graph"
                        + " 'undeployed'; defined nodes: [in, out]");
    }

    @Test
    void missingTopicsAreNamedWithTheFix() {
        Outcome outcome = worker(
                "--factory",
                Undeployed.class.getName(),
                "--node",
                "out",
                "--bootstrap",
                KafkaBroker.shared().bootstrapServers());

        assertThat(outcome.exit()).isEqualTo(1);
        assertThat(outcome.err().strip())
                .isEqualTo("sluice-worker: FAILED: Node 'out': topics [undeployed.in] do not"
                        + " exist on Kafka at '" + KafkaBroker.shared().bootstrapServers()
                        + "'; deploy the graph first (it"
                        + " creates its topics), or create them as TopicPlan.of(graph, options).describe() lists");
    }

    @Test
    void workerAnswersHealthProbesWhileItsNodeRuns() throws Exception {
        KafkaOptions options =
                KafkaOptions.of(KafkaBroker.shared().bootstrapServers()).withDeleteTopicsOnClose(true);
        ComputationalGraph graph = new Healthy().create();
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        // Create the topics as a deployment would, then run the end node's worker alone: it waits for input.
        KafkaTopics.create(graph, options);
        Thread worker = Thread.ofVirtual()
                .start(() -> Worker.run(new String[] {
                    "--factory",
                    Healthy.class.getName(),
                    "--node",
                    "out",
                    "--bootstrap",
                    KafkaBroker.shared().bootstrapServers(),
                    "--health-port",
                    Integer.toString(port)
                }));
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI ready = java.net.URI.create("http://127.0.0.1:" + port + "/health/ready");
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> http.send(
                                        java.net.http.HttpRequest.newBuilder(ready)
                                                .build(),
                                        java.net.http.HttpResponse.BodyHandlers.ofString())
                                .statusCode()
                        == 200);
        worker.interrupt();
        worker.join(Duration.ofSeconds(30));
        assertThat(worker.isAlive()).as("the worker stops when interrupted").isFalse();
    }

    @Test
    void aMissingOrWrongOptionsFileIsNamed() throws Exception {
        Path missing = logs.resolve("missing.properties");
        Outcome none = worker(
                "--factory",
                Undeployed.class.getName(),
                "--node",
                "out",
                "--bootstrap",
                "b:1",
                "--options",
                missing.toString());
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err().strip())
                .isEqualTo("sluice-worker: FAILED: Worker options: file '" + missing + "' does not exist");

        Path wrong = java.nio.file.Files.writeString(logs.resolve("wrong.properties"), "guarantee=sometimes\n");
        Outcome bad = worker(
                "--factory",
                Undeployed.class.getName(),
                "--node",
                "out",
                "--bootstrap",
                "b:1",
                "--options",
                wrong.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err().strip())
                .isEqualTo("sluice-worker: FAILED: Worker options: property 'guarantee': expected at-least-once or"
                        + " exactly-once but found 'sometimes'");
    }

    @Test
    void badArgumentsAreAUsageError() {
        Outcome outcome = worker("--factory", "x", "--guarantee", "sometimes", "--node", "n", "--bootstrap", "b:1");

        assertThat(outcome.exit()).isEqualTo(2);
        assertThat(outcome.err())
                .startsWith("sluice-worker: --guarantee must be at-least-once or exactly-once, found" + " 'sometimes'");
    }

    @Test
    void assertionErrorInAWorkerProcessFailsTheDeploymentWithItsMessage() throws Exception {
        KafkaOptions options = KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withDeleteTopicsOnClose(true)
                .withWorkers(Workers.processes(Asserting.class, logs));

        try (Deployment deployment = new Asserting().create().deploy(SystemType.KAFKA, options)) {
            assertThatThrownBy(() -> deployment.awaitCompletion(Duration.ofMinutes(2)))
                    .isInstanceOf(io.sluice.NodeFailedException.class)
                    .hasMessage("Node 'strict' failed on item 2: AssertionError: two is not allowed");
            assertThat(deployment.status().state()).isEqualTo(io.sluice.DeploymentState.FAILED);
        }
        // The worker said so on its way out, with the exit code of a failed node (a restart would fail again).
        assertThat(java.nio.file.Files.readAllLines(logs.resolve("strict.log")))
                .contains("sluice-worker: FAILED: Node 'strict' failed on item 2: AssertionError: two is not allowed")
                .filteredOn(line -> line.startsWith("sluice-worker: node 'strict' starting"))
                .as("started once: a failed node is not restarted")
                .hasSize(1);
    }

    @Test
    void deploymentWhoseWorkersCannotFindTheFactoryFailsWithTheirMessage() throws Exception {
        KafkaOptions options = KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withDeleteTopicsOnClose(true)
                .withWorkers(new Workers(Workers.Mode.PROCESSES, "com.example.Missing", logs));
        ComputationalGraph graph = ComputationalGraph.builder("nofactory")
                .start("in", Sources.collection(List.of(1)))
                .end("out", Sinks.collect())
                .edge("in -> out")
                .build();

        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options)) {
            assertThatThrownBy(() -> deployment.awaitCompletion(Duration.ofMinutes(1)))
                    .hasMessageStartingWith(
                            "Graph factory class 'com.example.Missing' was not found on the class path");
        }
    }
}
