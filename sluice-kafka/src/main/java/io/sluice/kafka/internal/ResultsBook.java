package io.sluice.kafka.internal;

import io.sluice.ComputationalGraph;
import io.sluice.NodeSpec;
import io.sluice.ResultPage;
import io.sluice.SluiceException;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.Serde;
import io.sluice.kafka.TopicPlan;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A deployment handle's book of its end nodes' results, read from their results topics ({@code
 * <graph>.__results.<node>}) as they come: each call reads only what was committed since the last. Results are
 * numbered from 0, the first the topic holds, in the order of the topic (one partition). The latest {@link
 * KafkaOptions#keptResults()} of each node are kept in memory as they were read — undecoded, so that a page decodes
 * only what it returns; older pages are read again from the topic, from the offset of the segment of {@value
 * #SEGMENT} results they fall in, which the book remembers for every segment. A page of results the topic no longer
 * holds (deleted by retention) starts at the oldest one it still does, as {@link ResultPage#first()} tells.
 */
final class ResultsBook implements AutoCloseable {

    static final int SEGMENT = 1024;

    /** A result as read: its offset, value and headers. */
    private record Raw(long offset, byte[] value, Header[] headers) {}

    /** One end node's results. */
    private static final class Kept {
        final String node;
        final TopicPartition partition;
        final ArrayDeque<List<Raw>> segments = new ArrayDeque<>();
        long[] segmentOffsets = new long[16]; // the offset of result k × SEGMENT
        long dropped; // results let go from memory, whole segments
        long total;

        Kept(String node, TopicPartition partition) {
            this.node = node;
            this.partition = partition;
        }

        void add(ConsumerRecord<byte[], byte[]> record, long kept) {
            if (total % SEGMENT == 0) {
                int segment = (int) (total / SEGMENT);
                if (segment == segmentOffsets.length) {
                    segmentOffsets = Arrays.copyOf(segmentOffsets, segment * 2);
                }
                segmentOffsets[segment] = record.offset();
                segments.addLast(new ArrayList<>(SEGMENT));
            }
            segments.peekLast()
                    .add(new Raw(
                            record.offset(), record.value(), record.headers().toArray()));
            total++;
            while (total - dropped - SEGMENT >= kept) {
                segments.removeFirst();
                dropped += SEGMENT;
            }
        }

        Raw get(long position) {
            long at = position - dropped;
            int segment = (int) (at / SEGMENT);
            var it = segments.iterator();
            for (int i = 0; i < segment; i++) {
                it.next();
            }
            return it.next().get((int) (at % SEGMENT));
        }
    }

    private final String graph;
    private final KafkaOptions options;
    private final Serde serde;
    private final TopicFollower follower;
    private final BooleanSupplier completed; // whether the deployment completed: its end nodes wrote and committed all
    private final Map<String, Kept> byNode = new LinkedHashMap<>();
    private final Map<TopicPartition, Kept> byPartition = new LinkedHashMap<>();
    private final List<TopicPartition> partitions = new ArrayList<>();

    ResultsBook(ComputationalGraph graph, KafkaOptions options, BooleanSupplier completed) {
        this.graph = graph.name();
        this.options = options;
        this.completed = completed;
        this.serde = JsonSerde.of(options);
        this.follower = new TopicFollower(options, graph.name() + "-results-reader");
        for (NodeSpec end : graph.endNodes()) {
            TopicPartition partition = new TopicPartition(TopicPlan.resultsTopic(graph.name(), end.id()), 0);
            Kept kept = new Kept(end.id(), partition);
            byNode.put(end.id(), kept);
            byPartition.put(partition, kept);
            partitions.add(partition);
        }
    }

    /** At most {@code limit} results of {@code node} from position {@code from}, as of what is committed now. */
    synchronized <T> ResultPage<T> page(String node, long from, int limit) {
        return page(refresh(node), from, limit);
    }

    /** The latest {@code limit} results of {@code node}. */
    synchronized <T> ResultPage<T> latest(String node, int limit) {
        Kept kept = refresh(node);
        return page(kept, Math.max(0, kept.total - limit), limit);
    }

    private <T> ResultPage<T> page(Kept kept, long from, int limit) {
        long first = Math.min(from, kept.total);
        long end = Math.min(kept.total, first + Math.min(limit, Long.MAX_VALUE - first));
        List<T> items = new ArrayList<>((int) Math.min(end - first, 10_000));
        if (first < kept.dropped) {
            first = older(kept, first, Math.min(end, kept.dropped), items);
        }
        for (long n = Math.max(first + items.size(), kept.dropped); n < end; n++) {
            items.add(decode(kept, kept.get(n)));
        }
        return new ResultPage<>(kept.total, first, items);
    }

    /** Records read from the results topics so far, for tests. */
    long recordsRead() {
        return follower.recordsRead();
    }

    @Override
    public void close() {
        follower.close();
    }

    private Kept refresh(String node) {
        Kept kept = byNode.get(node);
        java.util.function.Consumer<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> add =
                record -> byPartition
                        .get(new TopicPartition(record.topic(), record.partition()))
                        .add(record, options.keptResults());
        TopicFollower.Progress progress = follower.catchUp(partitions, options.timeout(), add);
        if (progress.atEnd() && completed.getAsBoolean()) {
            // every result, even where the last commit's markers are still on their way to the topic
            progress = follower.catchUp(partitions, options.timeout(), add, true);
        }
        if (!progress.atEnd()) {
            throw new SluiceException("Timed out reading the results of node '" + node + "' from topic '"
                    + kept.partition.topic() + "' within " + options.timeout().toMillis() + " ms"
                    + (progress.ends().isEmpty()
                            ? " (could not learn where it ends)"
                            : " (read to offset " + progress.reached().get(kept.partition) + " of "
                                    + progress.ends().get(kept.partition) + ")")
                    + " from Kafka at '" + options.bootstrapServers() + "'; raise KafkaOptions.timeout if the"
                    + " cluster is slow");
        }
        return kept;
    }

    /**
     * Reads results {@code first} up to {@code end} (all older than memory holds) again from the topic into {@code
     * items}; returns the position of the first one read, later than {@code first} if retention deleted the others.
     */
    private <T> long older(Kept kept, long first, long end, List<T> items) {
        int segment = (int) (first / SEGMENT);
        long beginning = follower.beginning(kept.partition, options.timeout());
        while (kept.segmentOffsets[segment] < beginning) {
            segment++;
            if ((long) segment * SEGMENT >= kept.dropped) {
                return kept.dropped; // all of them are gone from the topic
            }
        }
        long start = Math.max(first, (long) segment * SEGMENT);
        long[] position = {(long) segment * SEGMENT};
        boolean read = follower.reread(kept.partition, kept.segmentOffsets[segment], options.timeout(), record -> {
            if (position[0] >= start) {
                items.add(decode(
                        kept,
                        new Raw(
                                record.offset(),
                                record.value(),
                                record.headers().toArray())));
            }
            position[0]++;
            return position[0] < end;
        });
        if (!read) {
            throw new SluiceException("Timed out reading results " + start + " to " + end + " of node '" + kept.node
                    + "' again from topic '" + kept.partition.topic() + "' within "
                    + options.timeout().toMillis()
                    + " ms; raise KafkaOptions.timeout if the cluster is slow");
        }
        return start;
    }

    @SuppressWarnings("unchecked")
    private <T> T decode(Kept kept, Raw raw) {
        try {
            return (T) serde.deserialize(raw.value(), new RecordHeaders(raw.headers()));
        } catch (RuntimeException e) {
            throw new SluiceException(
                    "Results of node '" + kept.node + "' of graph '" + graph + "': cannot read the record at topic '"
                            + kept.partition.topic() + "' partition 0 offset " + raw.offset() + ": " + e.getMessage(),
                    e);
        }
    }
}
