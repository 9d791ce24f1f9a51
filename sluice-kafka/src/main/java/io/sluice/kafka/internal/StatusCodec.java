package io.sluice.kafka.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.sluice.ItemFailure;
import io.sluice.NodeState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

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
            String failure,
            long replays,
            long givenUp,
            long deadLettered,
            long backlog,
            List<ItemFailure> recentFailures) {

        InstanceStatus {
            recentFailures = recentFailures == null ? List.of() : List.copyOf(recentFailures);
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

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
