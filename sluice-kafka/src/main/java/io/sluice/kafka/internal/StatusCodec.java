package io.sluice.kafka.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.NodeState;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The status record one worker instance publishes to {@code <graph>.__status}, keyed {@code node/instance}: plain
 * JSON, so any tool can read it.
 */
final class StatusCodec {

    /** One instance's status at {@code heartbeat} (epoch ms). */
    record InstanceStatus(
            String node,
            int instance,
            NodeState state,
            long itemsIn,
            long itemsOut,
            long errors,
            long lag,
            long lastActivity,
            long heartbeat,
            String failure) {}

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StatusCodec() {}

    static byte[] write(InstanceStatus status) {
        try {
            return MAPPER.writeValueAsBytes(status);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InstanceStatus read(byte[] json) {
        try {
            return MAPPER.readValue(json, InstanceStatus.class);
        } catch (IOException e) {
            throw new UncheckedIOException("not a Sluice status record: " + e.getMessage(), e);
        }
    }
}
