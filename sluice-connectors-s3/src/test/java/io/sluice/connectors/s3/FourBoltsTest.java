package io.sluice.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.Deployment;
import io.sluice.Flow;
import io.sluice.LocalOptions;
import io.sluice.SystemType;
import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.KafkaSinks;
import io.sluice.kafka.KafkaSources;
import io.sluice.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The four kinds of bolts of the geniusrise design, each run end to end on real servers (s3proxy, the test broker):
 * S3→S3 as a bounded batch run, Kafka→S3 writing a part file every interval, S3→Kafka picking up new objects every
 * interval; Kafka→Kafka is {@code ExternalTopicsTest} and {@code ExternalTopicsCrashTest} in sluice-kafka.
 */
class FourBoltsTest {

    private final S3TestServer s3 = S3TestServer.shared();

    private static List<String> lines(String prefix, int count) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(prefix + "-" + i);
        }
        return lines;
    }

    private static List<String> upper(List<String> lines) {
        return lines.stream().map(line -> line.toUpperCase(Locale.ROOT)).toList();
    }

    /** Every line of every committed object under {@code prefix} (hidden staging keys left out). */
    private List<String> committedLines(String bucket, String prefix) {
        List<String> lines = new ArrayList<>();
        for (String key : s3.keys(bucket, prefix)) {
            if (Arrays.stream(key.split("/")).anyMatch(part -> part.startsWith("_") || part.startsWith("."))) {
                continue;
            }
            String text = new String(s3.get(bucket, key), StandardCharsets.UTF_8);
            text.lines().forEach(lines::add);
        }
        return lines;
    }

    private List<String> partFiles(String bucket, String prefix) {
        return s3.keys(bucket, prefix).stream()
                .filter(key -> !key.substring(prefix.length()).startsWith("_"))
                .toList();
    }

    @Test
    void s3ToS3IsABoundedBatchRun() throws Exception {
        String bucket = s3.createBucket("bolt-s3-s3");
        List<String> all = new ArrayList<>();
        for (String object : List.of("a", "b", "c")) {
            List<String> lines = lines(object, 1_000);
            s3.put(bucket, "in/" + object + ".txt", String.join("\n", lines) + "\n");
            all.addAll(lines);
        }
        Flow flow = Flow.named("s3-to-s3");
        flow.read("in", S3.source("s3://" + bucket + "/in/").access(s3.access()))
                .map("upper", (String line) -> line.toUpperCase(Locale.ROOT))
                .to("out", S3.sink("s3://" + bucket + "/out/").access(s3.access()));

        try (Deployment deployment = flow.build().deploy(SystemType.LOCAL, LocalOptions.defaults())) {
            assertThat(deployment.awaitCompletion(Duration.ofMinutes(2))).isTrue();
        }

        assertThat(committedLines(bucket, "out/")).containsExactlyInAnyOrderElementsOf(upper(all));
    }

    @Test
    void kafkaToS3WritesAPartFileEveryInterval() throws Exception {
        String topic = "bolt-kafka-s3-" + System.nanoTime();
        String bucket = s3.createBucket("bolt-kafka-s3");
        KafkaBroker.shared().createTopics(2, topic);
        List<String> records = lines("record", 20_000);
        KafkaBroker.shared().produce(topic, records);
        KafkaOptions options = KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withGuarantee(Guarantee.EXACTLY_ONCE)
                .withDeleteTopicsOnClose(true);
        Flow flow = Flow.named("kafka-to-s3");
        flow.read("in", KafkaSources.topic(options, topic).asStrings().untilEnd())
                .map("upper", (String line) -> {
                    if (line.hashCode() % 50 == 0) {
                        pause(); // a run of a few seconds: several intervals
                    }
                    return line.toUpperCase(Locale.ROOT);
                })
                .to(
                        "out",
                        S3.sink("s3://" + bucket + "/out/").access(s3.access()).rollInterval(Duration.ofMillis(500)));

        try (Deployment deployment = flow.build().deploy(SystemType.KAFKA, options)) {
            assertThat(deployment.awaitCompletion(Duration.ofMinutes(3))).isTrue();
        }

        assertThat(partFiles(bucket, "out/")).as("a part file per interval").hasSizeGreaterThan(1);
        assertThat(committedLines(bucket, "out/")).containsExactlyInAnyOrderElementsOf(upper(records));
    }

    @Test
    void s3ToKafkaPicksUpNewObjectsEveryInterval() throws Exception {
        String bucket = s3.createBucket("bolt-s3-kafka");
        String topic = "bolt-s3-kafka-" + System.nanoTime();
        KafkaOptions options = KafkaOptions.of(KafkaBroker.shared().bootstrapServers());
        Flow flow = Flow.named("s3-to-kafka");
        flow.read("in", S3.source("s3://" + bucket + "/in/").access(s3.access()).watch(Duration.ofMillis(200)))
                .to("out", KafkaSinks.topic(options, topic));
        List<String> first = lines("first", 500);
        List<String> second = lines("second", 500);

        try (Deployment deployment = flow.build().deploy(SystemType.LOCAL, LocalOptions.defaults())) {
            s3.put(bucket, "in/1.txt", String.join("\n", first) + "\n");
            await().atMost(Duration.ofMinutes(1)).until(() -> topicHas(topic, first.size()));
            s3.put(bucket, "in/2.txt", String.join("\n", second) + "\n");
            await().atMost(Duration.ofMinutes(1)).until(() -> topicHas(topic, first.size() + second.size()));
            assertThat(deployment.status().state().isFinal())
                    .as("a watching source runs on")
                    .isFalse();
        }

        List<String> expected = new ArrayList<>(first);
        expected.addAll(second);
        assertThat(KafkaBroker.shared().readCommitted(topic)).containsExactlyInAnyOrderElementsOf(expected);
    }

    private static boolean topicHas(String topic, int count) {
        try {
            return KafkaBroker.shared().readCommitted(topic).size() >= count;
        } catch (RuntimeException e) {
            return false; // the sink has not created the topic yet
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
