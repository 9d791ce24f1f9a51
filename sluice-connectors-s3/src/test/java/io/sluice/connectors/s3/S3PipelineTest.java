package io.sluice.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.Deployment;
import io.sluice.Emitter;
import io.sluice.Node;
import io.sluice.SystemType;
import io.sluice.yaml.Pipeline;
import io.sluice.yaml.PipelineException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelines naming {@code s3://} locations, in both YAML forms: the YAML reader hands them to the S3 connector with
 * their settings, and a bad setting is a problem at its line. Credentials come from the default chain — here its
 * system properties — as a pipeline's would.
 */
class S3PipelineTest {

    private static final S3TestServer S3 = S3TestServer.shared();

    private final String bucket = S3.createBucket("pipeline");

    @TempDir
    Path dir;

    /** Upper-cases the {@code name} of a CSV record. */
    public static final class Upper implements Node<Map<String, String>, Map<String, String>> {
        @Override
        public void process(Map<String, String> record, Emitter<Map<String, String>> out) {
            record.put("name", record.get("name").toUpperCase(Locale.ROOT));
            out.emit(record);
        }
    }

    @BeforeEach
    void credentials() {
        System.setProperty("aws.accessKeyId", S3TestServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3TestServer.SECRET_KEY);
    }

    @AfterEach
    void noCredentials() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    private Path write(String text) throws Exception {
        return Files.writeString(dir.resolve("pipeline.yaml"), text);
    }

    private static void run(Pipeline pipeline) throws Exception {
        try (Deployment deployment = pipeline.graph().deploySystem(SystemType.LOCAL)) {
            assertThat(deployment.awaitCompletion(Duration.ofMinutes(1))).isTrue();
        }
    }

    private String text(String key) {
        return new String(S3.get(bucket, key), StandardCharsets.UTF_8);
    }

    @Test
    void aNodeReadsAndWritesS3LocationsWithTheSettingsUnderConfig() throws Exception {
        S3.put(bucket, "raw/1.csv", "id,name\n1,apple\n2,pear\n");
        Path file = write("""
                graph: s3-nodes
                nodes:
                  - {id: in, source: "s3://%1$s/raw", config: {format: csv, endpoint: "%2$s"}}
                  - {id: upper, class: io.sluice.connectors.s3.S3PipelineTest$Upper}
                  - {id: out, sink: "s3://%1$s/curated", config: {format: jsonl, endpoint: "%2$s", roll-size: 1MB}}
                edges:
                  - in -> upper -> out
                """.formatted(bucket, S3.endpoint()));

        run(Pipeline.load(file));

        assertThat(text("curated/part-out-0-000000.jsonl"))
                .isEqualTo("{\"id\":\"1\",\"name\":\"APPLE\"}\n{\"id\":\"2\",\"name\":\"PEAR\"}\n");
    }

    @Test
    void theGeniusriseBatchFormReadsAndWritesS3() throws Exception {
        S3.put(bucket, "input/1.csv", "id,name\n1,fig\n");
        Path file = write("""
                tasks:
                  - name: batch
                    type: bolt
                    class: io.sluice.connectors.s3.S3PipelineTest$Upper
                    config:
                      inputConfig: {type: batch, source: "s3://%1$s/input", format: csv, endpoint: "%2$s"}
                      outputConfig: {type: batch, destination: "s3://%1$s/output", format: csv, endpoint: "%2$s"}
                """.formatted(bucket, S3.endpoint()));

        run(Pipeline.load(file));

        assertThat(text("output/part-batch-out-0-000000.csv")).isEqualTo("id,name\n1,FIG\n");
    }

    @Test
    void aBadSettingIsAProblemAtItsLine() throws Exception {
        Path file = write("""
                graph: s3-bad
                nodes:
                  - {id: in, source: "s3://%1$s/raw", config: {watch: soon}}
                  - {id: out, sink: "s3://%1$s/out", config: {roll-size: lots}}
                edges:
                  - in -> out
                """.formatted(bucket));

        assertThatThrownBy(() -> Pipeline.load(file))
                .isInstanceOfSatisfying(PipelineException.class, e -> assertThat(e.problems())
                        .containsExactly(
                                "pipeline.yaml:3 nodes[0].source: setting 'watch' of s3://" + bucket + "/raw: expected"
                                        + " a positive duration such as 250ms, 10s, 5m or PT2S, found 'soon'",
                                "pipeline.yaml:4 nodes[1].sink: setting 'roll-size' of s3://" + bucket + "/out:"
                                        + " expected a size such as 64MB, found 'lots'"));
    }
}
