package io.sluice.kafka.internal;

import io.sluice.NodeFailedException;
import io.sluice.kafka.Serde;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;

/**
 * Writes what a node instance emits on one port to the port's topic. On a keyed port the partition is the murmur2
 * hash of the serialised key — stable across JVMs — so one key always reaches the same downstream instance; other
 * ports spread records round-robin. Send failures are kept and reported by the worker; an item the serde refuses
 * fails the node at once, naming it.
 */
final class PortWriter implements Consumer<Object> {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String node;
    private final String writing;
    private final Serde serde;
    private final String topic;
    private final int partitions;
    private final Function<Object, ?> key;
    private final AtomicReference<Exception> failure;
    private final Callback sent; // one for every send, not one allocated per record
    private int next;

    /**
     * @param node the writing node, for errors
     * @param writing what the node does with the items, for errors: "emitted", "emitted on port 'x'"
     */
    PortWriter(
            KafkaProducer<byte[], byte[]> producer,
            String node,
            String writing,
            Serde serde,
            String topic,
            int partitions,
            Function<Object, ?> key,
            int instance,
            AtomicReference<Exception> failure) {
        this.producer = producer;
        this.node = node;
        this.writing = writing;
        this.serde = serde;
        this.topic = topic;
        this.partitions = partitions;
        this.key = key;
        this.failure = failure;
        this.sent = (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        };
        this.next = instance % partitions;
    }

    @Override
    public void accept(Object item) {
        RecordHeaders headers = new RecordHeaders();
        byte[] value = serialize(item, headers, writing);
        byte[] keyBytes = null;
        int partition;
        if (key != null) {
            Object k = key.apply(item);
            if (k == null) {
                throw new IllegalArgumentException("the key function of the keyed edge from topic '" + topic
                        + "' returned null; every item needs a key");
            }
            keyBytes = serialize(k, new RecordHeaders(), "keyed an item by");
            partition = Utils.toPositive(Utils.murmur2(keyBytes)) % partitions;
        } else {
            partition = next;
            next = next + 1 == partitions ? 0 : next + 1;
        }
        producer.send(new ProducerRecord<>(topic, partition, keyBytes, value, headers), sent);
    }

    private byte[] serialize(Object item, RecordHeaders headers, String doing) {
        try {
            return serde.serialize(item, headers);
        } catch (ItemTypeException e) {
            throw refused(node, doing, e);
        }
    }

    /** The node's failure for an item the serde refused to write: what the node did, and what was refused. */
    static NodeFailedException refused(String node, String doing, ItemTypeException e) {
        return new NodeFailedException(node, "Node '" + node + "' " + doing + " " + e.problem(), e);
    }

    /** Writes the end marker of {@code node/instance} (one of {@code parallelism}) to every partition. */
    void end(String node, int instance, int parallelism) {
        for (int p = 0; p < partitions; p++) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(Markers.END, Markers.marker(node, instance, parallelism));
            producer.send(new ProducerRecord<>(topic, p, (byte[]) null, (byte[]) null, headers), sent);
        }
    }

    /** Waits until the broker acknowledged every record sent on this writer's producer, or refused it. */
    void flush() {
        producer.flush();
    }

    String topic() {
        return topic;
    }
}
