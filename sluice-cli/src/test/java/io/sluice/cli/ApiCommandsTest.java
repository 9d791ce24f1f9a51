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
}
