package io.sluice.kafka.internal;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * End-of-stream over Kafka. When an instance of a node has finished, it writes an end marker — a record with no
 * value and a {@code sluice.end} header naming {@code node/instance} — to every partition of each of its topics. A
 * partition has ended once it carried the markers of every instance of the node writing it. Which producers have
 * ended travels with the committed offsets (as their metadata), so a restarted worker still knows.
 */
final class Markers {

    static final String END = "sluice.end";

    private final Map<TopicPartition, Integer> producers = new HashMap<>();
    private final Map<TopicPartition, Set<String>> ended = new HashMap<>();

    /** Expects {@code producerCount} end markers on {@code partition}. */
    void expect(TopicPartition partition, int producerCount) {
        producers.put(partition, producerCount);
        ended.put(partition, new HashSet<>());
    }

    static boolean isEnd(ConsumerRecord<byte[], byte[]> record) {
        return record.headers().lastHeader(END) != null;
    }

    /**
     * {@code node/instance/parallelism}: the writer, and how many writers there are, so that a reader outside the
     * graph (another graph reading its output) knows how many markers to wait for.
     */
    static byte[] marker(String node, int instance, int parallelism) {
        return (node + "/" + instance + "/" + parallelism).getBytes(StandardCharsets.UTF_8);
    }

    /** The writer count a marker names: its last segment. */
    static int writers(String marker) {
        return Integer.parseInt(marker.substring(marker.lastIndexOf('/') + 1));
    }

    void record(TopicPartition partition, ConsumerRecord<byte[], byte[]> marker) {
        Header header = marker.headers().lastHeader(END);
        ended.get(partition).add(new String(header.value(), StandardCharsets.UTF_8));
    }

    boolean allEnded() {
        for (Map.Entry<TopicPartition, Integer> expected : producers.entrySet()) {
            if (ended.get(expected.getKey()).size() < expected.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** What to store beside a partition's committed offset: the producers that ended on it. */
    String metadata(TopicPartition partition) {
        return String.join(",", ended.get(partition));
    }

    /** Restores what {@link #metadata} stored. */
    void restore(TopicPartition partition, String metadata) {
        if (metadata != null && !metadata.isBlank()) {
            ended.get(partition)
                    .addAll(java.util.Arrays.stream(metadata.split(",")).collect(Collectors.toSet()));
        }
    }
}
