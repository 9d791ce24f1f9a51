package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.Inbox;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.server.ServerOptions;
import io.sluice.server.SluiceServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code sluice status} and {@code sluice results} against a real server on port 0. */
class ApiCommandsTest {

    private Inbox<String> words;
    private Deployment deployment;
    private SluiceServer server;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        words = Inbox.of(String.class, 100);
        ComputationalGraph graph = ComputationalGraph.builder("words")
                .start("in", Sources.inbox(words))
                .map("upper", (String w) -> {
                    if (w.equals("poison")) {
                        throw new IllegalArgumentException("not a word");
                    }
                    return w.toUpperCase(java.util.Locale.ROOT);
                })
                .end("out", Sinks.collect())
                .edge("in -> upper -> out")
                .robustness(io.sluice.Robustness.track())
                .build();
        deployment = graph.deploySystem(SystemType.LOCAL);
        server = SluiceServer.start(deployment, ServerOptions.port(0));
        words.offer("alpha", Duration.ofSeconds(1));
        words.offer("poison", Duration.ofSeconds(1));
        words.offer("beta", Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> deployment.<String>results("out").size() == 2
                        && deployment.status().tracking().orElseThrow().pending() == 0);
    }

    @AfterEach
    void stop() {
        server.close();
        deployment.close();
    }

    private int sluice(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void statusPrintsEveryNode() {
        assertThat(sluice("status", "--api", server.uri().toString())).isZero();

        assertThat(out.toString())
                .contains("Deployment " + deployment.id() + " on LOCAL: RUNNING")
                .containsPattern("upper\\s+PROCESSING\\s+RUNNING\\s+1\\s+3\\s+2\\s+1")
                .contains("Items TRACK: 3 introduced, 2 completely processed, 0 pending, 1 failed, 0 replays,"
                        + " 0 dead-lettered — not all processed")
                .contains("  failed: node 'upper', item poison, attempt 1: IllegalArgumentException: not a word");
    }

    @Test
    void resultsPrintsRecentResultsAndFollowsNewOnes() throws Exception {
        CompletableFuture<Integer> following = CompletableFuture.supplyAsync(
                () -> sluice("results", "out", "--follow", "--api", server.uri().toString()));
        await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().contains("\"BETA\""));

        words.offer("gamma", Duration.ofSeconds(1));

        await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().contains("\"GAMMA\""));
        assertThat(out.toString().lines().toList()).containsSubsequence("\"ALPHA\"", "\"BETA\"", "\"GAMMA\"");
        server.close(); // ends the stream
        following.cancel(true);
    }

    /** Counts words in the store 'counts'. */
    static final class Count implements io.sluice.Node<String, String> {
        private io.sluice.KeyValueStore<String, Long> counts;

        @Override
        public void open(io.sluice.NodeContext context) {
            counts = context.store("counts");
        }

        @Override
        public void process(String word, io.sluice.Emitter<String> out) {
            counts.put(word, counts.getOrDefault(word, 0L) + 1);
            out.emit(word);
        }
    }

    @Test
    void statePrintsAValueByKeyOrTheEntriesOnePerLine() throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("counted")
                .start("words", Sources.collection(java.util.List.of("a", "b", "a")))
                .node("count", Count::new)
                .stores("counts")
                .end("out", Sinks.collect())
                .edge("words -> count -> out")
                .build();
        try (Deployment counted = graph.deploySystem(SystemType.LOCAL);
                SluiceServer countedServer = SluiceServer.start(counted, ServerOptions.port(0))) {
            assertThat(counted.awaitCompletion(Duration.ofSeconds(30))).isTrue();
            String url = countedServer.uri().toString();

            assertThat(sluice("state", "count", "counts", "a", "--api", url)).isZero();
            assertThat(out.toString()).isEqualTo("2" + System.lineSeparator());

            assertThat(sluice("state", "count", "counts", "--limit", "1", "--api", url))
                    .isZero();
            assertThat(out.toString().lines().skip(1).toList())
                    .singleElement()
                    .matches(line -> line.matches("\\{\"key\":\"[ab]\",\"value\":[12],\"instance\":0}"), "an entry");
            assertThat(err.toString()).contains("(1 of 2 entries; --limit N for more)");

            assertThat(sluice("state", "count", "counts", "zzz", "--api", url)).isEqualTo(Main.EXIT_USAGE);
            assertThat(err.toString())
                    .contains("sluice: Store 'counts' of node 'count' has no key 'zzz'; a key is matched as text");
        }
    }

    @Test
    void unknownNodeAndUnreachableApiAreOneClearLine() {
        assertThat(sluice("results", "nope", "--api", server.uri().toString())).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString().strip())
                .isEqualTo("sluice: Node 'nope' is not defined; results are kept by end nodes: [out]");

        StringWriter unreachable = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setErr(new PrintWriter(unreachable, true));
        assertThat(commandLine.execute("status", "--api", "http://127.0.0.1:1")).isEqualTo(Main.EXIT_FAILED);
        assertThat(unreachable.toString().strip())
                .isEqualTo("sluice: cannot reach the Sluice"
                        + " API at http://127.0.0.1:1/; is a deployment serving it (--api-port)?");
    }

    @Test
    void theApiCommandsSendTheTokenAServerBeyondLoopbackAsksFor() throws Exception {
        String token = "cli-token-0123456789abcdef";
        try (SluiceServer wide = SluiceServer.start(
                deployment, ServerOptions.port(0).withHost("0.0.0.0").withToken(token))) {
            String url = "http://127.0.0.1:" + wide.port();

            assertThat(sluice("status", "--api", url)).isEqualTo(Main.EXIT_USAGE);
            assertThat(err.toString().strip())
                    .startsWith("sluice: this server listens beyond loopback, so every route needs the API token")
                    .endsWith("; give the token with --token or SLUICE_API_TOKEN");
            assertThat(sluice("status", "--api", url, "--token", "wrong-token-0123456789"))
                    .isEqualTo(Main.EXIT_USAGE);
            assertThat(err.toString())
                    .contains("sluice: the token is not this server's; check the token given with"
                            + " --token or SLUICE_API_TOKEN");

            assertThat(sluice("status", "--api", url, "--token", token)).isZero();
            assertThat(out.toString()).contains("Deployment " + deployment.id() + " on LOCAL: RUNNING");
            assertThat(sluice("results", "out", "--api", url, "--token", token)).isZero();
            assertThat(out.toString()).contains("\"ALPHA\"", "\"BETA\"");
        }
    }

    @Test
    void anExampleOnATakenPortIsOneLineAndDeploysNothing() throws Exception {
        String bootstrap = io.sluice.testkit.KafkaBroker.shared().bootstrapServers();
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                org.apache.kafka.clients.admin.Admin admin =
                        org.apache.kafka.clients.admin.Admin.create(java.util.Map.of("bootstrap.servers", bootstrap))) {
            int port = taken.getLocalPort();
            java.util.Set<String> before = admin.listTopics().names().get();

            int exit = sluice(
                    "example",
                    "wordcount",
                    "--system",
                    "kafka",
                    "--bootstrap",
                    bootstrap,
                    "--api-port",
                    Integer.toString(port),
                    "--output",
                    java.nio.file.Files.createTempDirectory("example").toString());

            assertThat(exit).isEqualTo(Main.EXIT_USAGE);
            assertThat(err.toString().strip())
                    .startsWith("sluice: --api-port " + port + ": the port is taken on 127.0.0.1 (")
                    .endsWith("); choose another, or 0 for any free port")
                    .doesNotContain("\n");
            assertThat(out.toString()).doesNotContain("Top words");
            assertThat(admin.listTopics().names().get()).as("no topics made").isEqualTo(before);
        }
    }

    @Test
    void keepResultsIsForLocal() {
        assertThat(sluice(
                        "example",
                        "wordcount",
                        "--system",
                        "kafka",
                        "--bootstrap",
                        "127.0.0.1:1",
                        "--keep-results",
                        "5"))
                .isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString().strip())
                .isEqualTo("sluice: --keep-results is for --system local; on kafka an end node's results are kept by"
                        + " its results topic (its retention)");
        assertThat(sluice("example", "wordcount", "--keep-results", "0")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).contains("sluice: --keep-results must be ≥ 1, found 0");
    }

    @Test
    void scalePostsTheParallelismAndPrintsTheApisRefusal() {
        String token = "scale-token-0123456789abcdef";
        try (SluiceServer controlled =
                SluiceServer.start(deployment, ServerOptions.port(0).withToken(token))) {
            int exit = sluice("scale", "upper", "2", "--api", controlled.uri().toString(), "--token", token);

            assertThat(exit).isNotZero();
            assertThat(err.toString())
                    .contains("Node 'upper': deployment '" + deployment.id() + "' runs on LOCAL, which cannot rescale"
                            + " a running node; rescaling is built on KAFKA with worker processes (Workers.processes);"
                            + " to run it with another parallelism here, deploy the graph again");
        }
    }
}
