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
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A TCP source deployed on LOCAL, spoken to by real sockets: acknowledgements, limits and bad frames. */
class TcpSourceTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final List<Deployment> deployments = new ArrayList<>();

    @AfterEach
    void stop() {
        deployments.forEach(Deployment::close);
    }

    private TcpOptions options() {
        return TcpOptions.listen("127.0.0.1", 0).withLogDir(dir.resolve("logs"));
    }

    /** Deploys {@code in -> out} and returns where the source listens once it does. */
    private InetSocketAddress deploy(TcpSource<?> source) {
        Deployment deployment = graph("tcp", source, 1).deploy(SystemType.LOCAL, LocalOptions.defaults());
        deployments.add(deployment);
        return await().atMost(PATIENCE)
                .until(source::address, a -> a.isPresent())
                .orElseThrow();
    }

    private static ComputationalGraph graph(String name, Supplier<? extends io.sluice.StartNode<?>> source, int p) {
        return ComputationalGraph.builder(name)
                .start("in", source)
                .parallelism(p)
                .end("out", Sinks.collect())
                .edge("in -> out")
                .build();
    }

    private List<Object> results() {
        return deployments.getLast().results("out");
    }

    @Test
    void eachLineIsAcknowledgedOnceLoggedAndReachesTheGraphInOrder() throws IOException {
        InetSocketAddress address = deploy(Tcp.lines(options()));
        try (TcpClient client = TcpClient.connect(address)) {
            client.line("alpha").line("beta\r").line("γ, δ").line("");
            assertThat(List.of(client.reply(), client.reply(), client.reply(), client.reply()))
                    .containsExactly("ok 1", "ok 2", "ok 3", "ok 4");
        }
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(results()).containsExactly("alpha", "beta", "γ, δ", ""));
    }

    @Test
    void manyFramesSentAtOnceAreAnsweredInTheirOrder() throws IOException {
        InetSocketAddress address = deploy(Tcp.lines(options()));
        List<String> sent = IntStream.range(0, 200).mapToObj(i -> "n" + i).toList();
        try (TcpClient client = TcpClient.connect(address)) {
            client.raw((String.join("\n", sent) + "\n").getBytes(StandardCharsets.UTF_8));
            for (int i = 1; i <= sent.size(); i++) {
                assertThat(client.reply()).isEqualTo("ok " + i);
            }
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(results()).containsExactlyElementsOf(sent));
    }

    @Test
    void aLineLongerThanMaxFrameIsRefusedAndTheConnectionGoesOn() throws IOException {
        InetSocketAddress address = deploy(Tcp.lines(options().withMaxFrame(8)));
        try (TcpClient client = TcpClient.connect(address)) {
            client.line("12345678")
                    .line("123456789")
                    .line("1234567890".repeat(10_000))
                    .line("after\r");
            assertThat(client.reply()).isEqualTo("ok 1");
            assertThat(client.reply())
                    .isEqualTo("error connection 1 frame 2: a line of 9 bytes is longer than max-frame (8 bytes);"
                            + " it was dropped");
            assertThat(client.reply())
                    .isEqualTo("error connection 1 frame 3: a line of 100000 bytes is longer than max-frame (8"
                            + " bytes); it was dropped");
            assertThat(client.reply()).isEqualTo("ok 4");
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(results()).containsExactly("12345678", "after"));
    }

    @Test
    void aLineThatIsNotUtf8IsRefusedNamingTheByte() throws IOException {
        InetSocketAddress address = deploy(Tcp.lines(options()));
        try (TcpClient client = TcpClient.connect(address)) {
            client.raw(new byte[] {'a', 'b', (byte) 0xff, 'c', '\n'}).line("fine");
            assertThat(client.reply())
                    .isEqualTo("error connection 1 frame 1: the frame is not valid UTF-8: malformed input of 1 byte"
                            + " at byte 2 (0xff); it was dropped");
            assertThat(client.reply()).isEqualTo("ok 2");
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(results()).containsExactly("fine"));
    }

    @Test
    void aConnectionThatEndsInsideALineIsToldAndNothingOfTheLineEnters() throws IOException {
        InetSocketAddress address = deploy(Tcp.lines(options()));
        try (TcpClient client = TcpClient.connect(address)) {
            client.line("whole").raw("partial".getBytes(StandardCharsets.UTF_8)).endOutput();
            assertThat(client.reply()).isEqualTo("ok 1");
            assertThat(client.reply())
                    .isEqualTo("error connection 1 frame 2: the connection ended in the middle of a line, 7 bytes"
                            + " without a line end; they were dropped");
            assertThat(client.reply()).as("then the source closes").isNull();
        }
        try (TcpClient next = TcpClient.connect(address)) {
            next.line("next");
            assertThat(next.reply()).isEqualTo("ok 1");
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(results()).containsExactly("whole", "next"));
    }

    @Test
    void lengthPrefixedFramesArriveAsTheirBytes() throws IOException {
        InetSocketAddress address = deploy(Tcp.lengthPrefixed(options()));
        try (TcpClient client = TcpClient.connect(address)) {
            client.frame(new byte[] {1, 2, 3}).frame(new byte[0]).frame(new byte[] {(byte) 0xff, '\n', 0});
            assertThat(List.of(client.reply(), client.reply(), client.reply())).containsExactly("ok 1", "ok 2", "ok 3");
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(results())
                .containsExactly(new byte[] {1, 2, 3}, new byte[0], new byte[] {(byte) 0xff, '\n', 0}));
    }

    @Test
    void lengthPrefixedTextIsUtf8AndAFrameThatIsNotIsRefused() throws IOException {
        InetSocketAddress address = deploy(Tcp.lengthPrefixedText(options()));
        try (TcpClient client = TcpClient.connect(address)) {
            client.frame("two\nlines".getBytes(StandardCharsets.UTF_8))
                    .frame(new byte[] {'x', (byte) 0xc3})
                    .frame("€".getBytes(StandardCharsets.UTF_8));
            assertThat(client.reply()).isEqualTo("ok 1");
            assertThat(client.reply())
                    .isEqualTo("error connection 1 frame 2: the frame is not valid UTF-8: malformed input of 1 byte"
                            + " at byte 1 (0xc3); it was dropped");
            assertThat(client.reply()).isEqualTo("ok 3");
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(results()).containsExactly("two\nlines", "€"));
    }

    @Test
    void aLengthPrefixBeyondMaxFrameEndsTheConnection() throws IOException {
        InetSocketAddress address = deploy(Tcp.lengthPrefixed(options().withMaxFrame(16)));
        try (TcpClient client = TcpClient.connect(address)) {
            client.frame(new byte[16]).frame(new byte[17]);
            assertThat(client.reply()).isEqualTo("ok 1");
            assertThat(client.reply())
                    .isEqualTo("error connection 1 frame 2: the length prefix announces 17 bytes, more than max-frame"
                            + " (16 bytes); closing the connection, as what follows cannot be framed");
            assertThat(client.reply()).isNull();
        }
        try (TcpClient client = TcpClient.connect(address)) {
            client.raw(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
            assertThat(client.reply())
                    .isEqualTo("error connection 2 frame 1: the length prefix announces 4294967295 bytes, more than"
                            + " max-frame (16 bytes); closing the connection, as what follows cannot be framed");
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(results()).containsExactly(new byte[16]));
    }

    @Test
    void aTruncatedLengthPrefixOrFrameIsNamedAndDropped() throws IOException {
        InetSocketAddress address = deploy(Tcp.lengthPrefixed(options()));
        try (TcpClient client = TcpClient.connect(address)) {
            client.frame(new byte[] {7}).raw(new byte[] {0, 0}).endOutput();
            assertThat(client.reply()).isEqualTo("ok 1");
            assertThat(client.reply())
                    .isEqualTo("error connection 1 frame 2: truncated length prefix: the connection ended after 2 of"
                            + " its 4 bytes");
            assertThat(client.reply()).isNull();
        }
        try (TcpClient client = TcpClient.connect(address)) {
            client.raw(new byte[] {0, 0, 0, 10, 1, 2, 3, 4}).endOutput();
            assertThat(client.reply())
                    .isEqualTo("error connection 2 frame 1: truncated frame: the connection ended after 4 of its 10"
                            + " bytes; they were dropped");
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(results()).containsExactly(new byte[] {7}));
    }

    @Test
    void aConnectionBeyondTheLimitIsRefusedWithALineAndClosed() throws IOException {
        InetSocketAddress address = deploy(Tcp.lines(options().withMaxConnections(2)));
        TcpClient first = TcpClient.connect(address);
        try (TcpClient second = TcpClient.connect(address)) {
            first.line("one");
            second.line("two");
            assertThat(first.reply()).isEqualTo("ok 1");
            assertThat(second.reply()).isEqualTo("ok 1");
            try (TcpClient third = TcpClient.connect(address)) {
                assertThat(third.reply())
                        .isEqualTo("error connection 3: too many connections (2 open, max-connections 2); try again"
                                + " later");
                assertThat(third.reply()).isNull();
            }
            first.close();
            await().atMost(PATIENCE).untilAsserted(() -> {
                try (TcpClient again = TcpClient.connect(address)) {
                    again.line("three");
                    assertThat(again.reply()).isEqualTo("ok 1");
                }
            });
        } finally {
            first.close();
        }
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(results()).containsExactlyInAnyOrder("one", "two", "three"));
    }

    @Test
    void framesOfEachConnectionKeepTheirOrder() throws Exception {
        InetSocketAddress address = deploy(Tcp.lines(options()));
        List<Thread> senders = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (String client : List.of("a", "b", "c")) {
            senders.add(Thread.ofPlatform().start(() -> {
                try (TcpClient connection = TcpClient.connect(address)) {
                    for (int i = 0; i < 100; i++) {
                        connection.line(client + i);
                    }
                    for (int i = 1; i <= 100; i++) {
                        assertThat(connection.reply()).isEqualTo("ok " + i);
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (Thread sender : senders) {
            sender.join();
        }
        assertThat(failures).isEmpty();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(results()).hasSize(300));
        for (String client : List.of("a", "b", "c")) {
            assertThat(results().stream().map(String.class::cast).filter(s -> s.startsWith(client)))
                    .containsExactlyElementsOf(
                            IntStream.range(0, 100).mapToObj(i -> client + i).toList());
        }
    }

    @Test
    void theSourceRunsWithParallelismOne() throws InterruptedException {
        Deployment deployment =
                graph("wide", Tcp.lines(options()), 2).deploy(SystemType.LOCAL, LocalOptions.defaults());
        deployments.add(deployment);
        assertThat(deployment.awaitTermination(PATIENCE)).isEqualTo(DeploymentState.FAILED);
        assertThat(deployment.failure().orElseThrow())
                .hasMessageContaining("TCP source 'in' listens on one port and runs with parallelism 1; found"
                        + " parallelism 2; set its parallelism to 1 and raise it on the nodes downstream");
    }

    @Test
    void aPortInUseIsNamed() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Deployment deployment = graph("busy", Tcp.lines(options().withPort(port)), 1)
                    .deploy(SystemType.LOCAL, LocalOptions.defaults());
            deployments.add(deployment);
            assertThat(deployment.awaitTermination(PATIENCE)).isEqualTo(DeploymentState.FAILED);
            assertThat(deployment.failure().orElseThrow())
                    .hasMessageContaining("TCP source 'in': cannot listen on 127.0.0.1:" + port + ": ")
                    .hasMessageContaining("is another process using the port?");
        }
    }

    @Test
    void twoDeploymentsCannotShareALog() throws InterruptedException {
        TcpSource<String> first = Tcp.lines(options());
        deploy(first);
        Deployment second = graph("tcp", Tcp.lines(options()), 1).deploy(SystemType.LOCAL, LocalOptions.defaults());
        deployments.add(second);
        assertThat(second.awaitTermination(PATIENCE)).isEqualTo(DeploymentState.FAILED);
        assertThat(second.failure().orElseThrow())
                .hasMessageContaining("TCP source 'in': its log "
                        + dir.resolve("logs").resolve("tcp.in.log").toAbsolutePath()
                        + " is in use by another deployment (of graph and node of the same names); stop that one, or"
                        + " give this one another log-dir");
    }
}
