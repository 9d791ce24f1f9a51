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
 * value and a {@code sluice.end} header naming {@code node/instance/parallelism} — to every partition of each of its
 * topics. A partition has ended once it carried, for each node writing it, the markers of instances 0 to
 * <i>p</i>-1 that each say <i>p</i>: the writer count comes from the markers, not from the reader's graph, so a
 * reader keeps working when a writing node was rescaled while it ran ({@code Deployment.scale}). Which producers have
 * ended travels with the committed offsets (as their metadata), so a restarted worker still knows.
 */
final class Markers {

    static final String END = "sluice.end";

    private final Map<TopicPartition, Set<String>> producers = new HashMap<>();
    private final Map<TopicPartition, Set<String>> ended = new HashMap<>();
    private final Set<TopicPartition> done = new HashSet<>(); // every writer ended: no need to look again

    /** Expects the end markers of every instance of each node in {@code writers} on {@code partition}. */
    void expect(TopicPartition partition, Set<String> writers) {
        producers.put(partition, Set.copyOf(writers));
        ended.put(partition, new HashSet<>());
    }

    /**
     * Whether {@code record} is an end marker: no value and the {@code sluice.end} header. The value is looked at
     * first, so that an item's record — which always has one — costs no walk through its headers.
     */
    static boolean isEnd(ConsumerRecord<byte[], byte[]> record) {
        return record.value() == null && record.headers().lastHeader(END) != null;
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
        for (Map.Entry<TopicPartition, Set<String>> expected : producers.entrySet()) {
            TopicPartition partition = expected.getKey();
            if (done.contains(partition)) {
                continue;
            }
            for (String writer : expected.getValue()) {
                if (!ended(writer, ended.get(partition))) {
                    return false;
                }
            }
            done.add(partition);
        }
        return true;
    }

    /**
     * Whether {@code markers} hold, for some <i>p</i>, the markers of instances 0 to <i>p</i>-1 of {@code node} that
     * each say <i>p</i>. A marker without its count ({@code node/instance}, from an older writer) is not counted.
     */
    static boolean ended(String node, Set<String> markers) {
        Map<Integer, Set<Integer>> byCount = new HashMap<>();
        String prefix = node + "/";
        for (String marker : markers) {
            if (!marker.startsWith(prefix)) {
                continue;
            }
            String[] parts = marker.substring(prefix.length()).split("/");
            if (parts.length != 2) {
                continue;
            }
            int instance = Integer.parseInt(parts[0]);
            int count = Integer.parseInt(parts[1]);
            if (instance < count) {
                Set<Integer> instances = byCount.computeIfAbsent(count, c -> new HashSet<>());
                instances.add(instance);
                if (instances.size() == count) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether every writer of each of {@code partitions} has ended on it, as far as this reader knows: the markers it
     * read, and those committed offsets told it of ({@link #restore}).
     */
    boolean allEnded(java.util.Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            if (done.contains(partition)) {
                continue;
            }
            for (String writer : producers.get(partition)) {
                if (!ended(writer, ended.get(partition))) {
                    return false;
                }
            }
            done.add(partition);
        }
        return true;
    }

    /**
     * Forgets the markers read on {@code partition}: the reads were not committed (an elastic node's member lost the
     * partition), so only what a commit says again counts.
     */
    void reset(TopicPartition partition) {
        ended.get(partition).clear();
        done.remove(partition);
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
