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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Puts back, when a worker starts, what the last committed run of its instance left: each store from its changelog
 * partition, an external store's server to what its changelog holds, and a start or end node's position, from which
 * the node then resumes. Its failures fail the node naming it and the Kafka it read.
 */
final class Restorer {

    // the worker's logger, so that its warnings keep their category
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(InstanceWorker.class);

    private final WorkerHost deployment;
    private final String graphName;
    private final NodeSpec spec;
    private final int index;
    private final String name;
    private final KafkaOptions options;
    private final Serde serde;
    private final boolean exactlyOnce;
    private String restoredPosition; // where the last committed run of this instance stopped
    private final List<InstanceStore> adopted = new java.util.ArrayList<>(); // external stores without a log yet

    Restorer(WorkerHost deployment, NodeSpec spec, int index, String name, Serde serde, boolean exactlyOnce) {
        this.deployment = deployment;
        this.graphName = deployment.graph().name();
        this.spec = spec;
        this.index = index;
        this.name = name;
        this.options = deployment.options();
        this.serde = serde;
        this.exactlyOnce = exactlyOnce;
    }

    /**
     * Puts back what the last committed run of this instance left: every store from its changelog partition and a
     * start node's position. Runs after {@code initTransactions}, which aborts a dead predecessor's open
     * transaction, and before the node opens, so the node never sees a store that is not whole.
     */
    void restore(InstanceStores stores, Resumable resumable) {
        boolean start = spec.kind() == NodeKind.START;
        if (stores.isEmpty() && !start && resumable == null) {
            return;
        }
        try (KafkaConsumer<byte[], byte[]> reader = Clients.reader(options, name + "-restore")) {
            for (InstanceStore store : stores.all()) {
                List<TopicPartition> owned = owned(store);
                store.reset();
                if (store.isExternal()) {
                    restoreExternal(reader, owned, store);
                } else if (!CrashFaults.SKIP_STORE_RESTORE) {
                    readToEnd(reader, owned, record -> {
                        if (!Changelog.isAdoption(record)) {
                            requireInPlace(store, record);
                            store.restore(Changelog.key(record, serde), Changelog.value(record, serde));
                        }
                    });
                }
            }
            if (start || resumable != null) {
                byte[] key = Changelog.positionKey(spec.id(), index);
                readToEnd(reader, List.of(new TopicPartition(TopicPlan.positionsTopic(graphName), 0)), record -> {
                    if (java.util.Arrays.equals(record.key(), key)) {
                        restoredPosition = record.value() == null
                                ? null
                                : new String(record.value(), java.nio.charset.StandardCharsets.UTF_8);
                    }
                });
            }
        } catch (RuntimeException e) {
            if (e instanceof NodeFailedException) {
                throw e;
            }
            throw new NodeFailedException(
                    spec.id(),
                    "Node '" + spec.id() + "' (instance " + index + ") could not restore its state from Kafka at '"
                            + options.bootstrapServers() + "': " + ItemFailure.errorOf(e),
                    e);
        }
    }

    /**
     * Puts an external store's server back to what its changelog holds — the changelog, written in the transaction,
     * is the judge — and commits that; a changelog with nothing yet (a first run) adopts what the server holds
     * instead, which the worker logs at once, before any record moves ({@link Commits#commitAdoption}): so a run
     * killed before its first commit, whose writes may have reached the server, is put back to what was adopted, and
     * its writes are not adopted in turn.
     */
    private void restoreExternal(
            KafkaConsumer<byte[], byte[]> reader, List<TopicPartition> owned, InstanceStore store) {
        Map<Object, Object> content = new HashMap<>();
        boolean[] any = {false};
        readToEnd(reader, owned, record -> {
            any[0] = true;
            if (Changelog.isAdoption(record)) {
                return; // the content adopted came before it
            }
            requireInPlace(store, record);
            Object key = Changelog.key(record, serde);
            Object value = Changelog.value(record, serde);
            if (value == null) {
                content.remove(key);
            } else {
                content.put(key, value);
            }
        });
        if (any[0] && !CrashFaults.SKIP_STORE_RESTORE) {
            store.restoreExactly(content);
            store.commitExternal();
        } else {
            store.adoptContent();
            adopted.add(store);
        }
    }

    /** The external stores whose changelog was empty, which adopted what their server holds: to be logged at once. */
    List<InstanceStore> adopted() {
        return adopted;
    }

    /**
     * Goes back to where the last committed run of a resumable start or end node stopped. A start node that cannot say where
     * it is and already committed output would emit it all again: under exactly-once that is refused, since the
     * deployment could not complete without duplicates; under at-least-once it is allowed, with a warning. Returns the
     * position the last committed run already wrote, or {@code null}.
     */
    String resume(Resumable resumable) {
        if (resumable == null && Changelog.NOT_RESUMABLE.equals(restoredPosition)) {
            String problem =
                    "Start node '" + spec.id() + "'" + (spec.parallelism() == 1 ? "" : " (instance " + index + ")")
                            + " already committed output in an earlier run and cannot resume after it: its node does"
                            + " not implement io.sluice.Resumable, so starting it again would emit its items a second time";
            if (exactlyOnce) {
                throw new NodeFailedException(
                        spec.id(),
                        problem + "; under exactly-once that is refused — implement Resumable (position and resume),"
                                + " or deploy the graph afresh",
                        null);
            }
            LOG.warn("{}; under at-least-once its items are read again from the beginning", problem);
            return restoredPosition;
        }
        if (resumable == null || restoredPosition == null) {
            return null;
        }
        try {
            resumable.resume(restoredPosition);
        } catch (Exception e) {
            throw new NodeFailedException(
                    spec.id(),
                    "Node '" + spec.id() + "' failed to resume from position '" + restoredPosition + "': "
                            + ItemFailure.errorOf(e),
                    e);
        }
        return restoredPosition;
    }

    /**
     * The changelog partitions of {@code store} this instance owns: its own, in a changelog with a partition per
     * instance; in one with room to grow, those whose number is its index modulo the parallelism, as with its input
     * partitions — which after a rescale are other partitions than before, holding the keys of its new input.
     */
    private List<TopicPartition> owned(InstanceStore store) {
        String topic = TopicPlan.storeTopic(graphName, spec.id(), store.name());
        int partitions = deployment.plan().topic(topic).partitions();
        if (partitions == spec.parallelism() || CrashFaults.RESTORE_BY_INSTANCE) {
            return List.of(new TopicPartition(topic, index));
        }
        List<TopicPartition> owned = new java.util.ArrayList<>();
        for (int c = index; c < partitions; c += spec.parallelism()) {
            owned.add(new TopicPartition(topic, c));
        }
        return owned;
    }

    /**
     * In a changelog with room to grow, a key read from a partition that is not its input key's proves the store is
     * not keyed by the node's input key (it was written by instance when the changelog had a partition per instance):
     * split among other instances, its keys would not meet their input. Refused, naming the key and the partitions.
     */
    private void requireInPlace(InstanceStore store, ConsumerRecord<byte[], byte[]> record) {
        String topic = record.topic();
        int partitions = deployment.plan().topic(topic).partitions();
        if (partitions == spec.parallelism() || record.key() == null) {
            return;
        }
        int belongs = Changelog.partitionOf(record.key(), partitions);
        if (belongs != record.partition()) {
            throw new NodeFailedException(
                    spec.id(),
                    "Node '" + spec.id() + "' (instance " + index + " of " + spec.parallelism() + ") cannot restore"
                            + " its store '" + store.name() + "': key '" + Changelog.key(record, serde)
                            + "' is in changelog partition " + record.partition() + " of topic '" + topic + "' but its"
                            + " input partition is " + belongs + "; the store is not keyed by the node's input key, so"
                            + " its keys cannot follow their input to other instances: run the node with the"
                            + " parallelism that wrote it (" + partitions + "), or key its stores by the key of its"
                            + " keyed input edge",
                    null);
        }
    }

    /** Reads partitions from their beginning to their end at the time of the call, unless the deployment stops. */
    private void readToEnd(
            KafkaConsumer<byte[], byte[]> reader,
            List<TopicPartition> tps,
            java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> apply) {
        TopicReads.toEnd(
                reader,
                tps,
                ends -> {
                    if (!deployment.isRunning()) {
                        throw new NodeFailedException(spec.id(), "stopped while restoring", null);
                    }
                    return true;
                },
                apply);
    }
}
