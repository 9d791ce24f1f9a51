package io.sluice.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.EndNode;
import io.sluice.LocalOptions;
import io.sluice.StartNode;
import io.sluice.SystemType;
import io.sluice.spi.Connectors;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** {@code s3://} locations through the Connector SPI: settings mapped, bad values refused with their setting. */
class S3ConnectorTest {

    @Test
    void theConnectorIsFoundByItsScheme() {
        assertThat(Connectors.forLocation("s3://bucket/prefix")).isInstanceOf(S3Connector.class);
        assertThat(Connectors.schemes()).contains("s3");
    }

    @Test
    void sourceSettingsBecomeTheSourceOptions() {
        Supplier<? extends StartNode<?>> made = Connectors.source(
                "s3://logs/2024",
                Map.of(
                        "format", "csv",
                        "gzip", "true",
                        "watch", "10s",
                        "endpoint", "http://127.0.0.1:9000",
                        "region", "eu-west-1",
                        "path-style", "false",
                        "timeout", "5s"));

        assertThat(made).isInstanceOf(S3Source.class);
        S3Source<?> source = (S3Source<?>) made;
        assertThat(source.location()).isEqualTo("s3://logs/2024");
        assertThat(source.format()).isSameAs(Format.CSV);
        assertThat(source.gzip()).contains(true);
        assertThat(source.watch()).contains(Duration.ofSeconds(10));
        assertThat(source.access().endpoint()).contains(URI.create("http://127.0.0.1:9000"));
        assertThat(source.access().region()).contains("eu-west-1");
        assertThat(source.access().pathStyle()).contains(false);
        assertThat(source.access().timeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void sinkSettingsBecomeTheSinkOptions() {
        Supplier<? extends EndNode<?>> made = Connectors.sink(
                "s3://out/orders/",
                Map.of(
                        "format", "csv",
                        "gzip", "true",
                        "roll-size", "64MB",
                        "roll-interval", "5m",
                        "part-size", "16MiB",
                        "columns", "id, item ,price"));

        S3Sink sink = (S3Sink) made;
        assertThat(sink.location()).isEqualTo("s3://out/orders");
        assertThat(sink.format()).isSameAs(Format.CSV);
        assertThat(sink.gzip()).isTrue();
        assertThat(sink.rollSize()).isEqualTo(64L * 1024 * 1024);
        assertThat(sink.rollInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(sink.partSize()).isEqualTo(16L * 1024 * 1024);
        assertThat(sink.columns()).contains(List.of("id", "item", "price"));
        assertThat(sink.access().endpoint()).isEmpty();
    }

    @Test
    void jsonlIsJsonLines() {
        assertThat(((S3Sink) Connectors.sink("s3://out", Map.of("format", "jsonl"))).format())
                .isSameAs(Format.JSON_LINES);
    }

    @Test
    void withoutSettingsTheDefaultsHold() {
        S3Sink sink = (S3Sink) Connectors.sink("s3://out", Map.of());
        S3Source<?> source = (S3Source<?>) Connectors.source("s3://in", Map.of());

        assertThat(sink.format()).isSameAs(Format.LINES);
        assertThat(sink.rollSize()).isEqualTo(S3Sink.DEFAULT_ROLL_SIZE);
        assertThat(sink.rollInterval()).isEqualTo(S3Sink.DEFAULT_ROLL_INTERVAL);
        assertThat(source.format()).isSameAs(Format.LINES);
        assertThat(source.gzip()).isEmpty();
        assertThat(source.watch()).isEmpty();
        assertThat(source.access()).isEqualTo(S3Access.defaults());
    }

    @Test
    void aBadValueIsRefusedNamingTheSettingTheLocationAndWhatWasExpected() {
        assertThatThrownBy(() -> Connectors.sink("s3://b/p", Map.of("roll-size", "lots")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("setting 'roll-size' of s3://b/p: expected a size such as 64MB, found 'lots'");
    }

    @Test
    void everyBadValueIsNamedAtOnce() {
        assertThatThrownBy(() -> Connectors.sink(
                        "s3://b/p",
                        Map.of(
                                "format", "json",
                                "gzip", "yes",
                                "roll-interval", "-1s",
                                "part-size", "1MB",
                                "endpoint", "ftp://host",
                                "timeout", "soon")))
                .hasMessage("setting 'format' of s3://b/p: expected a format among lines, json-lines (or jsonl), csv,"
                        + " found 'json'; setting 'gzip' of s3://b/p: expected true or false, found 'yes'; setting"
                        + " 'roll-interval' of s3://b/p: expected a positive duration such as 250ms, 10s, 5m or PT2S,"
                        + " found '-1s'; setting 'part-size' of s3://b/p: expected a size of at least 5MB, found"
                        + " '1MB'; setting 'endpoint': expected an http or https URL with a host, such as"
                        + " http://127.0.0.1:9000, but found 'ftp://host'; setting 'timeout' of s3://b/p: expected a"
                        + " positive duration such as 250ms, 10s, 5m or PT2S, found 'soon'");
    }

    @Test
    void aSettingOfTheOtherSideIsRefused() {
        assertThatThrownBy(() -> Connectors.source("s3://b/p", Map.of("roll-size", "1MB")))
                .hasMessage("setting 'roll-size' of s3://b/p applies to sinks only; a source takes [endpoint, format,"
                        + " gzip, path-style, region, timeout, watch]");
        assertThatThrownBy(() -> Connectors.sink("s3://b/p", Map.of("watch", "1s")))
                .hasMessage("setting 'watch' of s3://b/p applies to sources only; a sink takes [columns, endpoint,"
                        + " format, gzip, part-size, path-style, region, roll-interval, roll-size, timeout]");
        assertThatThrownBy(() -> Connectors.sink("s3://b/p", Map.of("columns", "a,b")))
                .hasMessage("setting 'columns' of s3://b/p applies to format csv only; give format: csv");
    }

    @Test
    void anUnknownSettingGetsADidYouMean() {
        assertThatThrownBy(() -> Connectors.sink("s3://b/p", Map.of("rollsize", "1MB")))
                .hasMessageStartingWith(
                        "'s3://b/p': the s3 connector has no setting 'rollsize'; did you mean" + " 'roll-size'?");
    }

    @Test
    void aBadLocationIsRefused() {
        assertThatThrownBy(() -> Connectors.source("s3://my bucket/data", Map.of()))
                .hasMessage("'s3://my bucket/data': expected s3://bucket/prefix with a bucket name of letters, digits,"
                        + " dots, hyphens and underscores but found 'my bucket'");
        assertThatThrownBy(() -> Connectors.sink("s3://", Map.of()))
                .hasMessage("'s3://': expected s3://bucket/prefix with a bucket name of letters, digits, dots, hyphens"
                        + " and underscores but found ''");
    }

    @Test
    void aRollSizeTooLargeForItsPartsIsRefused() {
        assertThatThrownBy(() -> Connectors.sink("s3://b/p", Map.of("roll-size", "100GB")))
                .hasMessage("settings of s3://b/p: S3 sink 's3://b/p': a roll size of 107374182400 bytes needs more"
                        + " than 10000 parts of 8388608 bytes; expected a roll size of at most 83886080000 bytes, or a"
                        + " larger part size");
    }

    @Test
    void aPipelineLocationReadsAndWritesThroughTheStandardAwsSettings() throws Exception {
        S3TestServer s3 = S3TestServer.shared();
        String bucket = s3.createBucket("connector");
        s3.put(bucket, "in/1.csv", "id,name\n1,a\n2,b\n");
        // the credentials come from the default chain, here its system properties, as a pipeline would have them
        System.setProperty("aws.accessKeyId", S3TestServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3TestServer.SECRET_KEY);
        try {
            Map<String, String> settings = Map.of("format", "csv", "endpoint", s3.endpoint());
            ComputationalGraph graph = ComputationalGraph.builder("connector")
                    .start("in", Connectors.source("s3://" + bucket + "/in", settings))
                    .end("out", Connectors.sink("s3://" + bucket + "/out", settings))
                    .edge("in -> out")
                    .build();
            try (Deployment deployment = graph.deploy(SystemType.LOCAL, LocalOptions.defaults())) {
                assertThat(deployment.awaitCompletion(Duration.ofMinutes(1))).isTrue();
            }
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }

        assertThat(s3.keys(bucket, "out/")).containsExactly("out/part-out-0-000000.csv");
        assertThat(new String(s3.get(bucket, "out/part-out-0-000000.csv"))).isEqualTo("id,name\n1,a\n2,b\n");
    }
}
