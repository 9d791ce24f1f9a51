package io.sluice.kafka.internal;

import io.sluice.NodeFailedException;
import io.sluice.kafka.Serde;
import io.sluice.kafka.TopicPlan;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The producer side of one worker: its producer, the transaction of the current iteration under exactly-once, and the
 * failures of sends, which are kept as they come back and reported on the worker's thread by {@link #checkSends}.
 * Every write of the instance — its ports, its dead letters, its changelogs and position — goes through here, so one
 * transaction holds them all.
 */
final class TransactionalOutput {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String node;
    private final boolean exactlyOnce;
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private boolean inTransaction;

    TransactionalOutput(KafkaProducer<byte[], byte[]> producer, String node, boolean exactlyOnce) {
        this.producer = producer;
        this.node = node;
        this.exactlyOnce = exactlyOnce;
    }

    /** Under exactly-once, fences a dead predecessor and aborts the transaction it left open. */
    void initTransactions() {
        if (exactlyOnce) {
            producer.initTransactions();
        }
    }

    boolean exactlyOnce() {
        return exactlyOnce;
    }

    /** A writer of {@code topic} on this producer, whose send failures this output reports. */
    PortWriter writer(String writing, Serde serde, TopicPlan.Topic topic, Function<Object, ?> key, int index) {
        return new PortWriter(
                producer, node, writing, serde, topic.name(), topic.partitions(), key, index, sendFailure);
    }

    /** Under exactly-once, opens the iteration's transaction unless it is open. */
    void beginIfNeeded() {
        if (exactlyOnce && !inTransaction) {
            producer.beginTransaction();
            inTransaction = true;
        }
    }

    void send(ProducerRecord<byte[], byte[]> record) {
        producer.send(record, (metadata, e) -> {
            if (e != null) {
                sendFailure.compareAndSet(null, e);
            }
        });
    }

    void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        producer.sendOffsetsToTransaction(offsets, group);
    }

    /** Commits the open transaction, if there is one. */
    void commitTransaction() {
        if (inTransaction) {
            producer.commitTransaction();
            inTransaction = false;
        }
    }

    /**
     * Aborts the open transaction, if there is one: an elastic node's member lost its partitions, so the group no
     * longer takes its offsets, and their new owner writes the output again.
     */
    void abortTransaction() {
        if (inTransaction) {
            producer.abortTransaction();
            inTransaction = false;
            sendFailure.set(null); // sends of the aborted transaction fail with its error: they are undone anyway
        }
    }

    void flush() {
        producer.flush();
    }

    /** Fails the node with the first send that failed, if one did. */
    void checkSends() {
        Exception failed = sendFailure.get();
        if (failed != null) {
            throw new NodeFailedException(
                    node,
                    "Node '" + node + "' could not write to Kafka: "
                            + failed.getClass().getSimpleName() + ": " + failed.getMessage(),
                    failed);
        }
    }

    /** Aborts an open transaction, if any, and closes the producer. */
    void close(Duration timeout) {
        try {
            if (inTransaction) {
                producer.abortTransaction();
            }
        } catch (RuntimeException e) {
            // the transaction dies with the producer; the broker aborts it
        }
        producer.close(timeout);
    }
}
