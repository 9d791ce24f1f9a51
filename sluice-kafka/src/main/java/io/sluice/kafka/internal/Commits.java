package io.sluice.kafka.internal;

import io.sluice.ItemFailure;
import io.sluice.NodeFailedException;
import io.sluice.NodeKind;
import io.sluice.NodeSpec;
import io.sluice.Resumable;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.Serde;
import io.sluice.kafka.TopicPlan;
import io.sluice.spi.InstanceStore;
import io.sluice.spi.InstanceStores;
import io.sluice.spi.NodeInstance;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The commit protocol of one worker: what it read and what it wrote become durable together. Each commit writes the
 * stores' changes to their changelogs, then the node's position, then the input offsets with their end markers — in
 * one transaction under exactly-once; under at-least-once by flushing the output before committing the offsets — and
 * only after that commits the external stores, which follow the changelog.
 */
final class Commits {

    private final String graphName;
    private final TopicPlan plan;
    private final NodeSpec spec;
    private final int index;
    private final KafkaOptions options;
    private final Serde serde;
    private final TransactionalOutput output;
    private final boolean exactlyOnce;
    private final Markers markers;
    private final NodeInstance instance;
    private final Supplier<KafkaConsumer<byte[], byte[]>> consumer;
    private final InstanceStores stores;
    private final List<InstanceStore> externalStores; // those whose server outlives the process
    private final Resumable resumable; // a start node that can say where it is in its input, an end node in its output
    private final Map<TopicPartition, Long> committedOffsets = new HashMap<>();
    private final Map<TopicPartition, Long> pendingOffsets = new HashMap<>();
    private long lastCommitNanos;
    private String writtenPosition; // the last position committed

    /**
     * @param consumer the worker's consumer, once it has one (a start node has none, and no offsets to commit)
     * @param writtenPosition the position the last committed run wrote, or {@code null}
     * @param lastCommitNanos when the first commit interval began
     */
    Commits(
            WorkerHost deployment,
            NodeSpec spec,
            int index,
            Serde serde,
            TransactionalOutput output,
            Markers markers,
            NodeInstance instance,
            Supplier<KafkaConsumer<byte[], byte[]>> consumer,
            String writtenPosition,
            long lastCommitNanos) {
        this.graphName = deployment.graph().name();
        this.plan = deployment.plan();
        this.spec = spec;
        this.index = index;
        this.options = deployment.options();
        this.serde = serde;
        this.output = output;
        this.exactlyOnce = output.exactlyOnce();
        this.markers = markers;
        this.instance = instance;
        this.consumer = consumer;
        this.stores = instance.stores();
        this.externalStores =
                stores.all().stream().filter(InstanceStore::isExternal).toList();
        this.resumable = instance.resumable();
        this.writtenPosition = writtenPosition;
        this.lastCommitNanos = lastCommitNanos;
    }

    /** {@code tp} starts at {@code offset}, committed by an earlier run or where the consumer begins. */
    void startAt(TopicPartition tp, long offset) {
        committedOffsets.put(tp, offset);
    }

    /** {@code tp} is no longer this instance's (an elastic node's member gave it up, committed or lost). */
    void forget(TopicPartition tp) {
        committedOffsets.remove(tp);
        pendingOffsets.remove(tp);
    }

    /** The record before {@code next} of {@code tp} was read; its offset goes with the next commit. */
    void read(TopicPartition tp, long next) {
        pendingOffsets.put(tp, next);
    }

    /** Records read and not yet committed. */
    long uncommitted() {
        long uncommitted = 0;
        for (Map.Entry<TopicPartition, Long> read : pendingOffsets.entrySet()) {
            uncommitted += read.getValue() - committedOffsets.getOrDefault(read.getKey(), read.getValue());
        }
        return uncommitted;
    }

    /** Commits once the commit interval has passed since the last commit. */
    void commitIfDue() {
        if (due()) {
            commit();
        }
    }

    /** Whether the commit interval has passed since the last commit. */
    boolean due() {
        return System.nanoTime() - lastCommitNanos >= options.commitInterval().toNanos();
    }

    /** Forgets the offsets read since the last commit: their commit was refused, and the records are read again. */
    void dropPending() {
        pendingOffsets.clear();
    }

    /**
     * Makes the output so far durable, then the input offsets behind it: in one transaction under exactly-once; by
     * flushing the producer, then committing, under at-least-once. The offsets carry which writers have ended.
     */
    void commit() {
        Map<TopicPartition, OffsetAndMetadata> offsets = readOffsets();
        writeStoreChanges();
        String position = position();
        boolean newPosition = position != null && !position.equals(writtenPosition);
        if (exactlyOnce) {
            if (newPosition) {
                output.beginIfNeeded();
                output.send(Changelog.position(TopicPlan.positionsTopic(graphName), spec.id(), index, position));
            }
            if (!offsets.isEmpty()) {
                output.beginIfNeeded();
                output.sendOffsetsToTransaction(offsets, consumer.get().groupMetadata());
            }
            output.commitTransaction();
            output.checkSends();
        } else {
            output.flush();
            output.checkSends();
            if (newPosition) { // behind the output it covers, ahead of the offsets that move past it
                output.send(Changelog.position(TopicPlan.positionsTopic(graphName), spec.id(), index, position));
                output.flush();
                output.checkSends();
            }
            if (!offsets.isEmpty()) {
                consumer.get().commitSync(offsets);
            }
        }
        committedOffsets.putAll(pendingOffsets);
        pendingOffsets.clear();
        lastCommitNanos = System.nanoTime();
        // External stores follow the log the commit above made durable; a failure fails the node, and a restart puts
        // the server back to the changelog.
        commitExternalStores();
        if (newPosition) {
            writtenPosition = position;
            boolean start = spec.kind() == NodeKind.START;
            try {
                if (resumable != null) {
                    resumable.committed(position); // a start node's input, an end node's output up to there
                }
            } catch (Exception e) {
                throw new NodeFailedException(
                        spec.id(),
                        "Node '" + spec.id() + "' failed to " + (start ? "release its input" : "commit its output")
                                + " up to position '" + position + "': " + ItemFailure.errorOf(e),
                        e);
            }
        }
    }

    /** The offsets read since the last commit, with which writers have ended on each partition. */
    private Map<TopicPartition, OffsetAndMetadata> readOffsets() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        pendingOffsets.forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset, markers.metadata(tp))));
        return offsets;
    }

    /**
     * The {@code offsets-on-read} fault of the crash tests ({@link CrashFaults}): commits the offsets read so far on
     * the consumer alone, outside the transaction and ahead of the output they produced, which stays uncommitted
     * until the next {@link #commit}.
     */
    void commitReadOffsetsAhead() {
        Map<TopicPartition, OffsetAndMetadata> offsets = readOffsets();
        if (!offsets.isEmpty()) {
            consumer.get().commitSync(offsets);
        }
    }

    /**
     * Logs what {@code adopted} took from their servers, before the node processes anything: their content to their
     * changelogs, then an {@linkplain Changelog#adopted adoption record} after it, committed at once (in one
     * transaction under exactly-once). A restart then finds a changelog to put the server back to, even if this run
     * is killed before its first commit, after writes of its own reached the server; and even if nothing was adopted.
     */
    void commitAdoption(List<InstanceStore> adopted) {
        if (adopted.isEmpty()) {
            return;
        }
        writeStoreChanges();
        for (InstanceStore store : adopted) {
            output.beginIfNeeded();
            output.send(Changelog.adopted(TopicPlan.storeTopic(graphName, spec.id(), store.name()), index));
        }
        if (exactlyOnce) {
            output.commitTransaction();
        } else {
            output.flush();
        }
        output.checkSends(); // no position and no offsets: nothing moved yet
    }

    /**
     * Commits the external stores now, ahead of the transaction that holds their changelog: for {@link
     * CrashFaults#COMMIT_LATE} only.
     */
    void commitExternalStores() {
        for (InstanceStore store : externalStores) {
            store.commitExternal();
        }
    }

    /**
     * Where the node stands, to keep with this commit: a resumable start node's input position; a resumable end
     * node's output position once what it wrote is durable ({@code flush}); for a start node that cannot say, that it
     * ran; nothing for other nodes.
     */
    private String position() {
        if (resumable == null) {
            return spec.kind() == NodeKind.START ? Changelog.NOT_RESUMABLE : null;
        }
        if (spec.kind() == NodeKind.END) {
            instance.flush();
        }
        return resumable.position();
    }

    /**
     * The changelog partition of a key this instance wrote, in a changelog with room to grow: the partition of the key
     * as an input key, which this instance must own, as it owns the input partitions with that number.
     *
     * @throws NodeFailedException if another instance owns it: the store is not keyed by the node's input key, so its
     *     keys cannot follow their input when the node is rescaled
     */
    private int owned(String store, Object key, byte[] keyBytes, int partitions) {
        int partition = Changelog.partitionOf(keyBytes, partitions);
        if (partition % spec.parallelism() != index) {
            throw new NodeFailedException(
                    spec.id(),
                    "Node '" + spec.id() + "' (instance " + index + " of " + spec.parallelism() + ") wrote key '" + key
                            + "' to its store '" + store
                            + "', but that key's input partition (" + partition + " of " + partitions + ") belongs to"
                            + " instance " + (partition % spec.parallelism()) + "; a node with maxParallelism "
                            + spec.maxParallelism() + " keeps each store key where its input key goes, so that a"
                            + " rescale needs no moving: key its stores by the key of its keyed input edge, or deploy"
                            + " it without maxParallelism",
                    null);
        }
        return partition;
    }

    /**
     * Sends what each store changed since the last commit to its changelog — the last value of each key, once — in
     * the transaction under exactly-once, ahead of the flush that precedes the offsets under at-least-once.
     */
    private void writeStoreChanges() {
        for (InstanceStore store : stores.all()) {
            if (store.hasChanges()) {
                output.beginIfNeeded();
                String topic = TopicPlan.storeTopic(graphName, spec.id(), store.name());
                int partitions = plan.topic(topic).partitions();
                boolean byInstance = partitions == spec.parallelism();
                store.drainChanges((key, value) -> {
                    try {
                        output.send(Changelog.record(
                                topic,
                                keyBytes -> byInstance ? index : owned(store.name(), key, keyBytes, partitions),
                                serde,
                                key,
                                value));
                    } catch (ItemTypeException e) {
                        throw PortWriter.refused(spec.id(), "wrote to its store '" + store.name() + "'", e);
                    }
                });
            }
        }
    }
}
