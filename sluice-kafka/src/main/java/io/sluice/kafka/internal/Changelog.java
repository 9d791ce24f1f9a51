package io.sluice.kafka.internal;

import io.sluice.kafka.Serde;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The records of a store's changelog ({@code <graph>.__store.<node>.<store>}) and of the start nodes' positions
 * ({@code <graph>.__positions}). A changelog record's key is the store key as the deployment's serde writes it, its
 * value the store value (no value: the key was deleted, which compaction then drops). A serde may describe an encoding
 * in headers; the key's headers are kept under {@code sluice.key.} so that key and value each read back as written.
 * A changelog with as many partitions as the node has instances is written and restored by instance: instance
 * <i>i</i> owns partition <i>i</i>. A changelog with more — a node with room to grow ({@code maxParallelism}) — keeps
 * each key in the partition its input key falls in ({@link #partitionOf}): murmur2 of the serialised key, as a keyed
 * edge computes it, so a store keyed by the node's input key needs no moving when the node is rescaled, and instance
 * <i>i</i> of <i>p</i> owns the partitions <i>c</i> with <i>c mod p = i</i>, as it owns its input partitions.
 *
 * <p>One record is not a change: the {@linkplain #adopted adoption record}, which says that the instance adopted what
 * an external store's server held when the deployment first ran it, so that a restart puts the server back to the
 * changelog even when nothing was adopted and nothing committed since.
 */
final class Changelog {

    private static final String KEY_HEADER_PREFIX = "sluice.key.";
    private static final String ADOPTED_HEADER = "sluice.adopted";
    private static final byte[] NO_BYTES = new byte[0];

    /**
     * The position a start node that is not {@link io.sluice.Resumable} keeps once it committed output: it says
     * only that the node ran, so that a restart knows it would repeat itself.
     */
    static final String NOT_RESUMABLE = "\u0000not-resumable";

    private Changelog() {}

    /** The record that sets {@code key} to {@code value} ({@code null}: deletes it). */
    static ProducerRecord<byte[], byte[]> record(String topic, int partition, Serde serde, Object key, Object value) {
        return record(topic, keyBytes -> partition, serde, key, value);
    }

    /** The partition of a changelog with {@code partitions} partitions that keeps a key serialised as {@code key}. */
    static int partitionOf(byte[] key, int partitions) {
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key))
                % partitions;
    }

    /**
     * The record that sets {@code key} to {@code value} ({@code null}: deletes it), in the partition {@code
     * partitionOf} gives for the serialised key.
     */
    static ProducerRecord<byte[], byte[]> record(
            String topic, java.util.function.ToIntFunction<byte[]> partitionOf, Serde serde, Object key, Object value) {
        RecordHeaders keyHeaders = new RecordHeaders();
        byte[] keyBytes = serde.serialize(key, keyHeaders);
        RecordHeaders headers = new RecordHeaders();
        for (Header header : keyHeaders) {
            headers.add(KEY_HEADER_PREFIX + header.key(), header.value());
        }
        byte[] valueBytes = value == null ? null : serde.serialize(value, headers);
        return new ProducerRecord<>(topic, partitionOf.applyAsInt(keyBytes), keyBytes, valueBytes, headers);
    }

    /**
     * The record that marks, after the content it adopted, that an instance adopted its external store's server: an
     * empty key and value with the header {@value #ADOPTED_HEADER}, which compaction keeps as the key's last record.
     */
    static ProducerRecord<byte[], byte[]> adopted(String topic, int partition) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(ADOPTED_HEADER, NO_BYTES);
        return new ProducerRecord<>(topic, partition, NO_BYTES, NO_BYTES, headers);
    }

    /** Whether {@code record} is an {@linkplain #adopted adoption record}, which sets no key. */
    static boolean isAdoption(ConsumerRecord<byte[], byte[]> record) {
        return record.headers().lastHeader(ADOPTED_HEADER) != null;
    }

    /** The store key a changelog record sets. */
    static Object key(ConsumerRecord<byte[], byte[]> record, Serde serde) {
        RecordHeaders keyHeaders = new RecordHeaders();
        for (Header header : record.headers()) {
            if (header.key().startsWith(KEY_HEADER_PREFIX)) {
                keyHeaders.add(header.key().substring(KEY_HEADER_PREFIX.length()), header.value());
            }
        }
        return serde.deserialize(record.key(), keyHeaders);
    }

    /** The store value a changelog record sets, or {@code null} if it deletes its key. */
    static Object value(ConsumerRecord<byte[], byte[]> record, Serde serde) {
        if (record.value() == null) {
            return null;
        }
        RecordHeaders valueHeaders = new RecordHeaders();
        for (Header header : record.headers()) {
            if (!header.key().startsWith(KEY_HEADER_PREFIX)) {
                valueHeaders.add(header);
            }
        }
        return serde.deserialize(record.value(), valueHeaders);
    }

    /** The key of a start node instance's position in {@code <graph>.__positions}. */
    static byte[] positionKey(String node, int instance) {
        return (node + "." + instance).getBytes(StandardCharsets.UTF_8);
    }

    /** The record that keeps where a start node instance stands. */
    static ProducerRecord<byte[], byte[]> position(String topic, String node, int instance, String position) {
        return new ProducerRecord<>(
                topic, 0, positionKey(node, instance), position.getBytes(StandardCharsets.UTF_8), (Headers) null);
    }
}
