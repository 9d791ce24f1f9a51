package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.LocalOptions;
import io.sluice.Robustness;
import io.sluice.Sinks;
import io.sluice.SystemType;
import io.sluice.testkit.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A LOCAL graph reading a real Kafka topic, resuming from its checkpoint after a failure. */
class KafkaSourcesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static KafkaOptions options() {
        return KafkaOptions.of(KafkaBroker.shared().bootstrapServers());
    }

    @Test
    void aLocalGraphResumesFromTheOffsetsItsCheckpointCovers(@TempDir Path dir) throws Exception {
        String topic = "numbers-" + System.nanoTime();
        KafkaBroker.shared().createTopics(3, topic);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            for (int i = 0; i < 10_000; i++) {
                producer.send(new ProducerRecord<>(topic, Integer.toString(i), Integer.toString(i)));
            }
        }
        Path out = dir.resolve("out.txt");
        LocalOptions local = LocalOptions.defaults().withCheckpoints(dir.resolve("state"), Duration.ofMillis(5));

        try (Deployment broken = graph(topic, out, "6000").deploy(SystemType.LOCAL, local)) {
            assertThatThrownBy(() -> broken.awaitCompletion(TIMEOUT)).hasMessageContaining("disk full");
        }
        assertThat(Files.readAllLines(out)).hasSizeLessThan(10_000);

        try (Deployment resumed = graph(topic, out, "none").deploy(SystemType.LOCAL, local)) {
            assertThat(resumed.awaitCompletion(TIMEOUT)).isTrue();
            assertThat(resumed.status().tracking().orElseThrow().introduced())
                    .as("resumed from the checkpoint, not from the beginning")
                    .isLessThan(10_000);
        }
        List<String> lines = Files.readAllLines(out);
        assertThat(new HashSet<>(lines)).hasSize(10_000);

        try (Deployment again = graph(topic, out, "none").deploy(SystemType.LOCAL, local)) {
            assertThat(again.awaitCompletion(TIMEOUT)).isTrue();
            assertThat(again.status().tracking().orElseThrow().introduced()).isZero();
        }
    }

    /**
     * The graph; with {@code breakAt} a number, its map fails on the first item from that number on that comes once
     * a checkpoint covering items has completed — the source commits the offsets a checkpoint covers to its group
     * — or on the topic's last item: on a loaded machine a fixed item could come before any checkpoint did.
     */
    private static ComputationalGraph graph(String topic, Path out, String breakAt) {
        long[] lookedAt = {0};
        return ComputationalGraph.builder("from-kafka")
                .start("in", KafkaSources.topic(options(), topic).asStrings().untilEnd())
                .map("store", (String line) -> {
                    if (!breakAt.equals("none") && Integer.parseInt(line) >= Integer.parseInt(breakAt)) {
                        boolean due = line.equals("9999");
                        if (!due && System.nanoTime() - lookedAt[0] > 20_000_000L) {
                            lookedAt[0] = System.nanoTime();
                            due = checkpointCoveredItems("from-kafka.in");
                        }
                        if (due) {
                            throw new IllegalStateException("disk full");
                        }
                    }
                    return line;
                })
                .end("out", Sinks.appendLines(out))
                .edge("in -> store -> out")
                .robustness(Robustness.confirm().withNode("store", Robustness.Level.NONE))
                .build();
    }

    /** Whether the group has committed offsets beyond the beginning: a checkpoint covering items completed. */
    private static boolean checkpointCoveredItems(String group) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", KafkaBroker.shared().bootstrapServers()))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
                    .anyMatch(offset -> offset != null && offset.offset() > 0);
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void aMissingTopicIsNamed() {
        ComputationalGraph graph = ComputationalGraph.builder("no-topic")
                .start("in", KafkaSources.topic(options(), "no-such-topic").untilEnd())
                .end("out", Sinks.collect())
                .edge("in -> out")
                .build();
        try (Deployment deployment = graph.deploy(SystemType.LOCAL, LocalOptions.defaults())) {
            assertThatThrownBy(() -> deployment.awaitCompletion(TIMEOUT))
                    .hasMessageContaining("topic 'no-such-topic' does not exist on "
                            + options().bootstrapServers());
        }
    }
}
