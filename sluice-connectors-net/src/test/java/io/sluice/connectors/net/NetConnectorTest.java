package io.sluice.connectors.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.LocalOptions;
import io.sluice.Sinks;
import io.sluice.StartNode;
import io.sluice.SystemType;
import io.sluice.spi.Connectors;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Locations a pipeline names, found through the Connector SPI as YAML finds them, and their settings. */
class NetConnectorTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static Deployment deploy(Supplier<? extends StartNode<?>> source) {
        return ComputationalGraph.builder("connector")
                .start("in", source)
                .end("out", Sinks.collect())
                .edge("in -> out")
                .build()
                .deploy(SystemType.LOCAL, LocalOptions.defaults());
    }

    @Test
    void everySchemeIsThisConnectors() {
        for (String location : new String[] {"tcp://0.0.0.0:9000", "http://example.com/x", "HTTPS://example.com/x"}) {
            assertThat(Connectors.forLocation(location)).isInstanceOf(NetConnector.class);
        }
        assertThat(new NetConnector().name()).isEqualTo("net");
    }

    @Test
    void aTcpLocationIsATcpSourceWithItsSettings() throws Exception {
        Supplier<? extends StartNode<?>> source = Connectors.source(
                "tcp://127.0.0.1:0",
                Map.of(
                        "framing", "length-prefixed",
                        "payload", "text",
                        "max-frame", "1KiB",
                        "max-connections", "3",
                        "capacity", "10",
                        "log-dir", dir.toString()));
        assertThat(source).isInstanceOf(TcpSource.class);
        TcpSource<?> tcp = (TcpSource<?>) source;
        assertThat(tcp.options()).isEqualTo(new TcpOptions("127.0.0.1", 0, 1_024, 3, 10, dir));

        try (Deployment deployment = deploy(tcp)) {
            InetSocketAddress address = await().atMost(PATIENCE)
                    .until(tcp::address, a -> a.isPresent())
                    .orElseThrow();
            try (TcpClient client = TcpClient.connect(address)) {
                client.frame("hello".getBytes(StandardCharsets.UTF_8)).frame(new byte[1_025]);
                assertThat(client.reply()).isEqualTo("ok 1");
                assertThat(client.reply()).startsWith("error connection 1 frame 2: the length prefix announces 1025");
            }
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(deployment.<Object>results("out"))
                    .containsExactly("hello"));
        }
    }

    @Test
    void tcpDefaultsToLinesAndIpv6AddressesLoseTheirBrackets() {
        TcpSource<?> tcp = (TcpSource<?>) Connectors.source("tcp://[::]:9000", Map.of());
        assertThat(tcp.options()).isEqualTo(TcpOptions.listen("::", 9000));
    }

    @Test
    void anHttpLocationIsAPollingSourceWithItsSettings() throws Exception {
        try (Feed feed = new Feed()) {
            feed.change("{\"n\": 1}\n{\"n\": 2}\n");
            Supplier<? extends StartNode<?>> source = Connectors.source(
                    feed.url().toString(),
                    Map.of(
                            "format", "json-lines",
                            "interval", "50ms",
                            "timeout", "PT5S",
                            "count", "2",
                            "retries", "1",
                            "backoff", "10ms",
                            "max-body", "1MiB"));
            try (Deployment deployment = deploy(source)) {
                assertThat(deployment.awaitCompletion(PATIENCE)).isTrue();
                assertThat(deployment.<Object>results("out")).containsExactly(Map.of("n", 1), Map.of("n", 2));
            }
            assertThat(feed.requests()).hasSize(2);
        }
    }

    @Test
    void anHttpsLocationIsAPollingSourceToo() {
        Supplier<? extends StartNode<?>> source =
                Connectors.source("https://example.com/feed.json", Map.of("format", "json", "interval", "30s"));
        assertThat(source.get()).isInstanceOf(io.sluice.Resumable.class);
    }

    @Test
    void aSettingThatDoesNotExistIsRefusedWithAHint() {
        assertThatThrownBy(() -> Connectors.source("tcp://0.0.0.0:9000", Map.of("framng", "lines")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'tcp://0.0.0.0:9000': the net connector has no setting 'framng'; did you mean"
                        + " 'framing'?; its settings: [backoff, capacity, count, format, framing, interval, log-dir,"
                        + " max-body, max-connections, max-frame, payload, retries, timeout]");
    }

    @Test
    void aSettingOfTheOtherKindOfLocationIsRefused() {
        assertThatThrownBy(() -> Connectors.source("tcp://0.0.0.0:9000", Map.of("interval", "1s")))
                .hasMessage("'tcp://0.0.0.0:9000': setting 'interval' is not a setting of a tcp source; its settings:"
                        + " [capacity, framing, log-dir, max-connections, max-frame, payload]");
        assertThatThrownBy(() -> Connectors.source("https://example.com/x", Map.of("framing", "lines")))
                .hasMessage("'https://example.com/x': setting 'framing' is not a setting of an http or https source;"
                        + " its settings: [backoff, count, format, interval, max-body, retries, timeout]");
    }

    @Test
    void aValueThatDoesNotFitItsSettingIsNamedWithWhatItTakes() {
        String tcp = "tcp://0.0.0.0:9000";
        String http = "http://example.com/feed";
        assertThatThrownBy(() -> Connectors.source(tcp, Map.of("framing", "line")))
                .hasMessage("'tcp://0.0.0.0:9000': setting 'framing': expected lines or length-prefixed but found"
                        + " 'line'; did you mean 'lines'?");
        assertThatThrownBy(() -> Connectors.source(tcp, Map.of("max-frame", "big")))
                .hasMessage("'tcp://0.0.0.0:9000': setting 'max-frame': expected a size from 1 byte to 2GiB - 1, such"
                        + " as 65536, 64KiB or 1MiB, but found 'big'");
        assertThatThrownBy(() -> Connectors.source(tcp, Map.of("max-frame", "2GiB")))
                .hasMessageContaining("setting 'max-frame': expected a size from 1 byte to 2GiB - 1");
        assertThatThrownBy(() -> Connectors.source(tcp, Map.of("max-connections", "0")))
                .hasMessage("'tcp://0.0.0.0:9000': setting 'max-connections': expected a whole number from 1 to"
                        + " 100000 but found 0");
        assertThatThrownBy(() -> Connectors.source(tcp, Map.of("payload", "text")))
                .hasMessage("'tcp://0.0.0.0:9000': setting 'payload': lines are always text; payload is for framing:"
                        + " length-prefixed, found framing: lines");
        assertThatThrownBy(() -> Connectors.source(http, Map.of("interval", "soon")))
                .hasMessage("'http://example.com/feed': setting 'interval': expected a duration greater than zero,"
                        + " such as 250ms, 2s, 5m or PT2S, but found 'soon'");
        assertThatThrownBy(() -> Connectors.source(http, Map.of("timeout", "0s")))
                .hasMessageContaining("setting 'timeout': expected a duration greater than zero");
        assertThatThrownBy(() -> Connectors.source(http, Map.of("format", "xml")))
                .hasMessage("'http://example.com/feed': setting 'format': expected text, lines, json or json-lines but"
                        + " found 'xml'");
        assertThatThrownBy(() -> Connectors.source(http, Map.of("count", "many")))
                .hasMessage("'http://example.com/feed': setting 'count': expected a whole number from 1 to"
                        + " 9223372036854775807 but found 'many'");
    }

    @Test
    void aMalformedLocationSaysWhatIsExpected() {
        assertThatThrownBy(() -> Connectors.source("tcp://0.0.0.0", Map.of()))
                .hasMessage("'tcp://0.0.0.0': expected tcp://HOST:PORT, such as tcp://0.0.0.0:9000 (every interface)"
                        + " or tcp://127.0.0.1:0 (a free port, this machine only), with a port from 0 to 65535 and"
                        + " nothing after it");
        assertThatThrownBy(() -> Connectors.source("tcp://0.0.0.0:9000/path", Map.of()))
                .hasMessageStartingWith("'tcp://0.0.0.0:9000/path': expected tcp://HOST:PORT");
        assertThatThrownBy(() -> Connectors.source("tcp://0.0.0.0:99999", Map.of()))
                .hasMessageStartingWith("'tcp://0.0.0.0:99999': expected tcp://HOST:PORT");
        assertThatThrownBy(() -> Connectors.source("http:///feed", Map.of()))
                .hasMessage("'http:///feed': expected a URL with a host, such as https://example.com/feed.json");
    }

    @Test
    void itOnlyReads() {
        assertThatThrownBy(() -> Connectors.sink("tcp://0.0.0.0:9000", Map.of()))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("'tcp://0.0.0.0:9000': the net connector only reads; tcp://, http:// and https://"
                        + " locations are sources, not sinks");
    }
}
