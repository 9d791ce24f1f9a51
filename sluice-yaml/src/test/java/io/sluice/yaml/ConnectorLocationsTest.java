package io.sluice.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.Deployment;
import io.sluice.SystemType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Locations with a scheme in both pipeline forms become the nodes the connector on the class path makes. */
class ConnectorLocationsTest {

    @TempDir
    Path dir;

    private Path write(String text) throws Exception {
        return Files.writeString(dir.resolve("pipeline.yaml"), text);
    }

    private static void run(Pipeline pipeline) throws Exception {
        try (Deployment deployment = pipeline.graph().deploySystem(SystemType.LOCAL)) {
            assertThat(deployment.awaitCompletion(Duration.ofSeconds(30))).isTrue();
        }
    }

    @Test
    void aNodeCanReadAndWriteALocationWithItsSettings() throws Exception {
        MemoryConnector.INPUTS.put("words", List.of("a", "b"));
        Path file = write("""
                graph: locations
                nodes:
                  - {id: in, source: "mem://words", config: {prefix: "x-"}}
                  - {id: upper, class: io.sluice.yaml.PipelineTest$Upper}
                  - {id: out, sink: "mem://nodes-out"}
                edges:
                  - in -> upper -> out
                """);

        run(Pipeline.load(file));

        assertThat(MemoryConnector.OUTPUTS.get("nodes-out")).containsExactlyInAnyOrder("X-A", "X-B");
    }

    @Test
    void taskLocationsWithSchemesAreConnectorsAndABoltNobodyFeedsReadsItsSourceItself() throws Exception {
        MemoryConnector.INPUTS.put("feed", List.of("one", "two"));
        MemoryConnector.INPUTS.put("other", List.of("three"));
        Path file = write("""
                tasks:
                  - name: spout
                    type: spout
                    config:
                      inputConfig: {type: streaming, source: "mem://feed", prefix: "p-"}
                      outputConfig: {type: streaming, destination: topic-1}
                  - name: bolt
                    type: bolt
                    class: io.sluice.yaml.PipelineTest$Upper
                    config:
                      inputConfig: {type: streaming, source: topic-1}
                      outputConfig: {type: streaming, destination: "mem://tasks-out"}
                  - name: lone
                    type: bolt
                    class: io.sluice.yaml.PipelineTest$Upper
                    config:
                      inputConfig: {type: batch, source: "mem://other"}
                      outputConfig: {type: batch, destination: "mem://lone-out"}
                """);

        Pipeline pipeline = Pipeline.load(file);

        assertThat(pipeline.graph().edges())
                .extracting(Object::toString)
                .containsExactlyInAnyOrder("spout -> bolt", "bolt -> bolt-out", "lone-in -> lone", "lone -> lone-out");
        run(pipeline);
        assertThat(MemoryConnector.OUTPUTS.get("tasks-out")).containsExactlyInAnyOrder("P-ONE", "P-TWO");
        assertThat(MemoryConnector.OUTPUTS.get("lone-out")).containsExactly("THREE");
    }

    @Test
    void badLocationsAndSettingsAreNamedAtTheirLine() throws Exception {
        Path file = write("""
                tasks:
                  - name: spout
                    type: spout
                    config:
                      inputConfig: {type: batch, source: feed}
                      outputConfig: {type: batch, destination: "mem://x", prefx: "p"}
                  - name: other
                    type: spout
                    config:
                      inputConfig: {type: batch, source: ./in.txt, prefix: "p"}
                      outputConfig: {type: batch, destination: "gopher://x"}
                """);

        assertThatThrownBy(() -> Pipeline.load(file))
                .isInstanceOfSatisfying(PipelineException.class, e -> assertThat(e.problems())
                        .containsExactly(
                                "pipeline.yaml:5 tasks[0].config.inputConfig.source: location 'feed' is neither a file"
                                        + " path nor a location with a scheme; for a Kafka topic set type: streaming or"
                                        + " write kafka://feed, for a file in this directory write ./feed",
                                "pipeline.yaml:6 tasks[0].config.outputConfig.destination: 'mem://x': the memory"
                                        + " connector has no setting 'prefx'; did you mean 'prefix'?; its settings:"
                                        + " [prefix]",
                                "pipeline.yaml:10 tasks[1].config.inputConfig.source: settings [prefix] apply to a"
                                        + " connector's location (s3://, kafka://, tcp://, https://…), not to './in.txt'",
                                "pipeline.yaml:11 tasks[1].config.outputConfig.destination: no connector reads or writes"
                                        + " 'gopher://x': nothing on the class path handles 'gopher://'; schemes there are:"
                                        + " [mem]; add the module that brings it (a sluice-connectors-* module for"
                                        + " 'gopher')"));
    }

    @Test
    void anUnknownSourceNamesTheLocationsTooAndANodeSettingMustBeText() throws Exception {
        Path file = write("""
                graph: bad
                nodes:
                  - {id: in, source: linez}
                  - {id: other, source: "mem://words", config: {prefix: [1, 2]}}
                  - {id: out, sink: collect}
                edges:
                  - in -> out
                  - other -> out
                """);

        assertThatThrownBy(() -> Pipeline.load(file))
                .isInstanceOfSatisfying(PipelineException.class, e -> assertThat(e.problems())
                        .containsExactly(
                                "pipeline.yaml:3 nodes[0].source: unknown source 'linez'; expected one of [lines,"
                                        + " collection, generator, interval, cron, stdin, input] or a location such as"
                                        + " s3://bucket/prefix or kafka://topic; did you mean 'lines'?",
                                "pipeline.yaml:4 nodes[1].config.prefix: expected a text value but found a list"));
    }
}
