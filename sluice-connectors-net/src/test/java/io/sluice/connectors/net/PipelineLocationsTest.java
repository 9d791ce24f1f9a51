package io.sluice.connectors.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.Deployment;
import io.sluice.LocalOptions;
import io.sluice.StartNodeSpec;
import io.sluice.SystemType;
import io.sluice.yaml.Pipeline;
import io.sluice.yaml.PipelineException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code source: tcp://…} and {@code source: http://…} in a pipeline file are this module's sources. */
class PipelineLocationsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("pipeline.yaml"), yaml);
    }

    @Test
    void anHttpLocationPollsWithTheSettingsUnderConfig() throws Exception {
        try (Feed feed = new Feed()) {
            feed.change("first\nsecond\n");
            Pipeline pipeline = Pipeline.load(write("""
                    graph: feed
                    nodes:
                      - id: in
                        source: "%s"
                        config: {format: lines, interval: 50ms, count: 1}
                      - {id: out, sink: collect}
                    edges:
                      - in -> out
                    """.formatted(feed.url())));
            try (Deployment deployment = pipeline.graph().deploy(SystemType.LOCAL, LocalOptions.defaults())) {
                assertThat(deployment.awaitCompletion(PATIENCE)).isTrue();
                assertThat(deployment.<String>results("out")).containsExactly("first", "second");
            }
        }
    }

    @Test
    void aTcpLocationListensWithTheSettingsUnderConfig() throws Exception {
        Pipeline pipeline = Pipeline.load(write("""
                graph: frames
                nodes:
                  - id: in
                    source: "tcp://127.0.0.1:0"
                    config: {framing: length-prefixed, payload: text, log-dir: "%s"}
                  - {id: out, sink: collect}
                edges:
                  - in -> out
                """.formatted(dir.resolve("logs"))));
        TcpSource<?> source = (TcpSource<?>) ((StartNodeSpec) pipeline.graph().node("in")).factory();
        try (Deployment deployment = pipeline.graph().deploy(SystemType.LOCAL, LocalOptions.defaults())) {
            InetSocketAddress address = await().atMost(PATIENCE)
                    .until(source::address, a -> a.isPresent())
                    .orElseThrow();
            try (TcpClient client = TcpClient.connect(address)) {
                client.frame("héllo".getBytes(StandardCharsets.UTF_8));
                assertThat(client.reply()).isEqualTo("ok 1");
            }
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(deployment.<String>results("out"))
                    .containsExactly("héllo"));
        }
    }

    @Test
    void aBadSettingIsAProblemAtItsLine() throws Exception {
        Path file = write("""
                graph: bad
                nodes:
                  - id: in
                    source: "tcp://0.0.0.0:9000"
                    config: {framing: line}
                  - {id: out, sink: collect}
                edges:
                  - in -> out
                """);
        assertThatThrownBy(() -> Pipeline.load(file))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("pipeline.yaml:4")
                .hasMessageContaining("'tcp://0.0.0.0:9000': setting 'framing': expected lines or length-prefixed but"
                        + " found 'line'; did you mean 'lines'?");
    }
}
