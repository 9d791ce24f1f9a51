package io.sluice.kafka.internal;

import io.sluice.Emitter;
import io.sluice.NodeContext;
import io.sluice.Resumable;
import io.sluice.SluiceException;
import io.sluice.StartNode;
import io.sluice.kafka.KafkaOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * A start node reading a Kafka topic into a graph on any runtime — on LOCAL, the way to consume Kafka. Instance
 * <i>i</i> of <i>p</i> reads the partitions <i>k</i> with <i>k mod p = i</i>. It is {@link Resumable}: its position is
 * the next offset of each of its partitions, so a checkpoint resumes it exactly, and once a checkpoint is written the
 * offsets are committed to the consumer group {@code <graph>.<node>} as well, for tools that watch the group.
 */
public final class TopicSource<T> implements StartNode<T>, Resumable {

    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaOptions options;
    private final String topic;
    private final boolean untilEnd;
    private final Function<ConsumerRecord<byte[], byte[]>, T> read;
    private final Map<Integer, Long> next = new TreeMap<>();
    private final Map<Integer, Long> end = new HashMap<>();
    private final boolean untilMarkers;
    private final Map<Integer, Set<String>> ended = new TreeMap<>(); // untilMarkers: the writers ended, per partition
    private KafkaConsumer<byte[], byte[]> consumer;
    private String node;

    public TopicSource(
            KafkaOptions options, String topic, boolean untilEnd, Function<ConsumerRecord<byte[], byte[]>, T> read) {
        this(options, topic, untilEnd, false, read);
    }

    private TopicSource(
            KafkaOptions options,
            String topic,
            boolean untilEnd,
            boolean untilMarkers,
            Function<ConsumerRecord<byte[], byte[]>, T> read) {
        this.options = options;
        this.topic = topic;
        this.untilEnd = untilEnd;
        this.untilMarkers = untilMarkers;
        this.read = read;
    }

    /**
     * Reads another graph's output topic until each of this instance's partitions has carried the end markers of
     * every instance that writes it (each marker says how many there are): the upstream batch is whole. Its position
     * holds the markers seen, so a restart neither waits for a marker it already read nor ends early.
     */
    static <T> TopicSource<T> untilMarkers(
            KafkaOptions options, String topic, Function<ConsumerRecord<byte[], byte[]>, T> read) {
        return new TopicSource<>(options, topic, false, true, read);
    }

    @Override
    public void open(NodeContext context) {
        node = context.nodeId();
        consumer = Clients.consumer(
                options,
                "sluice-" + context.graph() + "-" + node + "-" + context.instance(),
                context.graph() + "." + node);
        List<PartitionInfo> partitions = consumer.partitionsFor(topic);
        if ((partitions == null || partitions.isEmpty()) && untilMarkers) {
            String graph = topic.substring(0, Math.max(0, topic.lastIndexOf('.')));
            throw new SluiceException("Input '" + node + "' of graph '" + context.graph() + "': the output '" + topic
                    + "' has no topic on " + options.bootstrapServers() + "; deploy graph '" + graph
                    + "' first (its deployment creates the topic), or check the name");
        }
        if (partitions == null || partitions.isEmpty()) {
            throw new SluiceException("Start node '" + node + "': topic '" + topic + "' does not exist on "
                    + options.bootstrapServers() + "; create it, or check the name");
        }
        List<TopicPartition> mine = new ArrayList<>();
        for (PartitionInfo partition : partitions) {
            if (partition.partition() % context.parallelism() == context.instance()) {
                mine.add(new TopicPartition(topic, partition.partition()));
            }
        }
        consumer.assign(mine);
        for (TopicPartition tp : mine) {
            next.put(tp.partition(), consumer.position(tp)); // the group's committed offset, or the beginning
            if (untilMarkers) {
                ended.put(tp.partition(), new TreeSet<>());
            }
        }
        if (untilEnd) {
            consumer.endOffsets(mine).forEach((tp, offset) -> end.put(tp.partition(), offset));
        }
    }

    @Override
    public boolean pull(Emitter<T> emitter) {
        if ((untilEnd || untilMarkers) && reachedEnd()) {
            return false;
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
            if (untilEnd && record.offset() >= end.get(record.partition())) {
                continue;
            }
            if (untilMarkers && Markers.isEnd(record)) {
                ended.get(record.partition())
                        .add(new String(record.headers().lastHeader(Markers.END).value(), StandardCharsets.UTF_8));
                next.put(record.partition(), record.offset() + 1);
                continue;
            }
            T item;
            try {
                item = read.apply(record);
            } catch (RuntimeException e) {
                throw new SluiceException(
                        "Start node '" + node + "' cannot read the record at topic '" + topic + "' partition "
                                + record.partition() + " offset " + record.offset() + ": " + e.getMessage(),
                        e);
            }
            next.put(record.partition(), record.offset() + 1);
            if (item != null) { // a tombstone carries nothing to process
                emitter.emit(item);
            }
        }
        return !(untilEnd || untilMarkers) || !reachedEnd();
    }

    private boolean reachedEnd() {
        if (untilMarkers) {
            for (Set<String> writers : ended.values()) {
                if (writers.isEmpty()
                        || writers.size() < Markers.writers(writers.iterator().next())) {
                    return false;
                }
            }
            return true;
        }
        for (Map.Entry<Integer, Long> partition : end.entrySet()) {
            if (next.get(partition.getKey()) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** {@code partition=offset} of each partition this instance reads, comma-separated. */
    @Override
    public String position() {
        StringJoiner text = new StringJoiner(",");
        next.forEach((partition, offset) -> {
            Set<String> writers = ended.get(partition);
            text.add(partition + "=" + offset
                    + (writers == null || writers.isEmpty() ? "" : "@" + String.join("|", writers)));
        });
        return text.toString();
    }

    @Override
    public void resume(String position) {
        parse(position).forEach((partition, offset) -> {
            if (next.containsKey(partition)) {
                consumer.seek(new TopicPartition(topic, partition), offset);
                next.put(partition, offset);
            }
        });
        if (untilMarkers) {
            for (String pair : position.split(",")) {
                int at = pair.indexOf('@');
                int partition = at < 0
                        ? -1
                        : Integer.parseInt(pair.substring(0, pair.indexOf('=')).strip());
                if (at >= 0 && ended.containsKey(partition)) {
                    ended.get(partition).addAll(List.of(pair.substring(at + 1).split("\\|")));
                }
            }
        }
    }

    @Override
    public void committed(String position) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        parse(position).forEach((partition, offset) -> {
            if (next.containsKey(partition)) {
                offsets.put(new TopicPartition(topic, partition), new OffsetAndMetadata(offset));
            }
        });
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
        }
    }

    @Override
    public void close() {
        if (consumer != null) {
            Clients.close(consumer, false, Duration.ofSeconds(5)); // assigned partitions: at once
        }
    }

    private Map<Integer, Long> parse(String position) {
        Map<Integer, Long> offsets = new HashMap<>();
        if (position.isBlank()) {
            return offsets;
        }
        for (String pair : position.split(",")) {
            int at = pair.indexOf('@'); // the end markers seen, read by resume
            String[] parts = (at < 0 ? pair : pair.substring(0, at)).split("=");
            try {
                offsets.put(Integer.parseInt(parts[0].strip()), Long.parseLong(parts[1].strip()));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("Start node '" + node + "': expected a position such as"
                        + " '0=42,3=17' (partition=offset) but found '" + position + "'; the checkpoint was written"
                        + " for another source");
            }
        }
        return offsets;
    }
}
