package io.sluice.connectors.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.LocalOptions;
import io.sluice.Sinks;
import io.sluice.SystemType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames acknowledged by a TCP source survive the end of its deployment: deployed with checkpoints into an appended
 * file, stopped while acknowledged frames still wait in the log or in the graph, and deployed again on the same
 * directories — every acknowledged frame is in the file once.
 */
class TcpRestartTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** Frames starting with 'b' wait here until it opens: acknowledged, but not yet through the graph. */
    private volatile CountDownLatch gate = new CountDownLatch(1);

    private ComputationalGraph graph(TcpSource<String> source) {
        return ComputationalGraph.builder("restart")
                .start("in", source)
                .map("gate", (String frame) -> {
                    if (frame.startsWith("b")) {
                        try {
                            gate.await();
                        } catch (InterruptedException e) { // the deployment stops
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException("stopped at the gate", e);
                        }
                    }
                    return frame;
                })
                .end("out", Sinks.appendLines(dir.resolve("out.txt")))
                .edge("in -> gate -> out")
                .build();
    }

    private Deployment deploy(TcpSource<String> source) {
        return graph(source)
                .deploy(
                        SystemType.LOCAL,
                        LocalOptions.defaults().withCheckpoints(dir.resolve("checkpoints"), Duration.ofMillis(20)));
    }

    private static InetSocketAddress address(TcpSource<?> source) {
        return await().atMost(PATIENCE)
                .until(source::address, a -> a.isPresent())
                .orElseThrow();
    }

    private List<String> output() throws IOException {
        Path out = dir.resolve("out.txt");
        return Files.exists(out) ? Files.readAllLines(out) : List.of();
    }

    private static void send(InetSocketAddress address, List<String> frames) throws IOException {
        try (TcpClient client = TcpClient.connect(address)) {
            for (String frame : frames) {
                client.line(frame);
            }
            for (int i = 1; i <= frames.size(); i++) {
                assertThat(client.reply()).isEqualTo("ok " + i);
            }
        }
    }

    @Test
    void acknowledgedFramesSurviveARestartAndCheckpointedOnesDoNotComeAgain() throws Exception {
        TcpOptions options = TcpOptions.listen("127.0.0.1", 0).withLogDir(dir.resolve("logs"));
        List<String> before = List.of("a1", "a2", "a3", "a4", "a5");
        List<String> held = List.of("b1", "b2", "b3", "b4", "b5");

        TcpSource<String> first = Tcp.lines(options);
        try (Deployment deployment = deploy(first)) {
            assertThat(deployment.status().state()).isEqualTo(DeploymentState.RUNNING);
            InetSocketAddress address = address(first);
            send(address, before);
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(output()).containsExactlyElementsOf(before));
            send(address, held); // all acknowledged: in the log, though the graph holds them at the gate
        }
        assertThat(output()).as("nothing held at the gate got through").containsExactlyElementsOf(before);

        gate.countDown();
        TcpSource<String> second = Tcp.lines(options);
        try (Deployment deployment = deploy(second)) {
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(output())
                    .containsExactlyElementsOf(
                            Stream.concat(before.stream(), held.stream()).toList()));
            assertThat(deployment.status().state()).isEqualTo(DeploymentState.RUNNING);
        }

        TcpSource<String> third = Tcp.lines(options);
        try (Deployment deployment = deploy(third)) {
            assertThat(deployment.status().state()).isEqualTo(DeploymentState.RUNNING);
            send(address(third), List.of("c1"));
            List<String> all = new ArrayList<>(before);
            all.addAll(held);
            all.add("c1");
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(output()).containsExactlyElementsOf(all));
        }
    }
}
