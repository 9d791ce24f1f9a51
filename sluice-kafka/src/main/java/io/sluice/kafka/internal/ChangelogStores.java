package io.sluice.kafka.internal;

import io.sluice.ComputationalGraph;
import io.sluice.SluiceException;
import io.sluice.StoreView;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.Serde;
import io.sluice.kafka.TopicPlan;
import io.sluice.spi.StoreQueries;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * The stores of a graph on Kafka as queries see them: each call reads the store's changelog ({@code
 * <graph>.__store.<node>.<store>}, partition <i>i</i> written by instance <i>i</i>) from its beginning to the end it
 * has when the call starts, committed records only, the latest record of each key winning and a record without a
 * value deleting its key. It needs nothing but the graph and the options, so a deployment in this process and one
 * attached from elsewhere answer alike. Values are decoded only for the entries a query returns.
 */
final class ChangelogStores {

    private ChangelogStores() {}

    /**
     * A view of one store; the node and store names are checked now, the topic at each call. Once {@code completed}
     * says the deployment completed, a call reads the changelog to its high watermark: every instance committed, and
     * a last commit whose markers are still on their way is read too.
     */
    static StoreView view(
            ComputationalGraph graph, KafkaOptions options, String nodeId, String store, BooleanSupplier completed) {
        graph.store(nodeId, store);
        String topic = TopicPlan.storeTopic(graph.name(), nodeId, store);
        return StoreQueries.view(
                nodeId,
                store,
                keys -> read(
                        graph.name(),
                        options,
                        "Store '" + store + "' of node '" + nodeId + "'",
                        topic,
                        keys,
                        completed));
    }

    private static StoreQueries.Instances read(
            String graph,
            KafkaOptions options,
            String what,
            String topic,
            Predicate<Object> wanted,
            BooleanSupplier completed) {
        Serde serde = JsonSerde.of(options);
        List<Map<Object, ConsumerRecord<byte[], byte[]>>> latest = new ArrayList<>();
        KafkaConsumer<byte[], byte[]> watermarks = null;
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.reader(options, graph + "-state-reader")) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos == null || infos.isEmpty()) {
                throw new SluiceException(what + ": its changelog topic '" + topic + "' does not exist at "
                        + options.bootstrapServers() + "; deploy the graph first (deploying makes its topics)");
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .sorted(Comparator.comparingInt(TopicPartition::partition))
                    .toList();
            for (int i = 0; i < partitions.size(); i++) {
                latest.add(new LinkedHashMap<>());
            }
            if (completed.getAsBoolean()) { // every instance committed: read what its last commit's markers cover too
                watermarks = Clients.watermarkReader(options, graph + "-state-watermarks");
            }
            long deadline = System.nanoTime() + options.timeout().toNanos();
            TopicReads.toEnd(
                    consumer,
                    watermarks,
                    partitions,
                    ends -> {
                        if (System.nanoTime() - deadline > 0) {
                            throw new SluiceException(what + ": timed out after "
                                    + options.timeout().toMillis() + " ms reading its changelog topic '" + topic
                                    + "' to its end " + ends.values()
                                    + "; the cluster is slow or the store is large; raise KafkaOptions.timeout");
                        }
                        return true;
                    },
                    record -> {
                        if (record.key() == null || Changelog.isAdoption(record)) {
                            return; // not a store record: every change has its key, and sets it
                        }
                        Object key = decode(what, record, () -> Changelog.key(record, serde));
                        if (!wanted.test(key)) {
                            return;
                        }
                        Map<Object, ConsumerRecord<byte[], byte[]>> partition = latest.get(record.partition());
                        if (record.value() == null) {
                            partition.remove(key);
                        } else {
                            partition.put(key, record);
                        }
                    });
        } finally {
            if (watermarks != null) {
                watermarks.close();
            }
        }
        return new Snapshot(what, serde, latest);
    }

    private static Object decode(
            String what, ConsumerRecord<byte[], byte[]> record, java.util.function.Supplier<Object> decoding) {
        try {
            return decoding.get();
        } catch (RuntimeException e) {
            throw new SluiceException(
                    what + ": cannot read the changelog record at topic '" + record.topic() + "' partition "
                            + record.partition() + " offset " + record.offset() + ": " + e.getMessage()
                            + "; read it with the serde the deployment wrote it with (KafkaOptions.serde)",
                    e);
        }
    }

    /** The latest record of each key, per partition; a value is decoded when asked for. */
    private record Snapshot(String what, Serde serde, List<Map<Object, ConsumerRecord<byte[], byte[]>>> partitions)
            implements StoreQueries.Instances {

        @Override
        public int count() {
            return partitions.size();
        }

        @Override
        public Object get(int instance, Object key) {
            ConsumerRecord<byte[], byte[]> record = partitions.get(instance).get(key);
            return record == null ? null : value(record);
        }

        @Override
        public void forEach(int instance, BiPredicate<Object, Object> action) {
            for (Map.Entry<Object, ConsumerRecord<byte[], byte[]>> entry :
                    partitions.get(instance).entrySet()) {
                if (!action.test(entry.getKey(), value(entry.getValue()))) {
                    return;
                }
            }
        }

        @Override
        public long size(int instance) {
            return partitions.get(instance).size();
        }

        private Object value(ConsumerRecord<byte[], byte[]> record) {
            return decode(what, record, () -> Changelog.value(record, serde));
        }
    }
}
