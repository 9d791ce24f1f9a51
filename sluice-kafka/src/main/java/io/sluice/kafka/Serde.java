package io.sluice.kafka;

import org.apache.kafka.common.header.Headers;

/**
 * Turns the items on an edge into Kafka record values and back. A serde may describe the encoding in the record's
 * headers; it must read back exactly what it wrote, in any worker process of the same graph.
 *
 * <p>Implementations are thread-safe: one serde serves every worker of a deployment.
 */
public interface Serde {

    /** Encodes an item; may add headers that {@link #deserialize} needs. */
    byte[] serialize(Object item, Headers headers);

    /**
     * Decodes what {@link #serialize} wrote.
     *
     * @throws RuntimeException if the bytes cannot be read; the worker reports the topic, partition and offset
     */
    Object deserialize(byte[] data, Headers headers);
}
