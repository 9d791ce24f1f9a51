package io.sluice.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** What a reader takes for an end marker. */
class MarkersTest {

    private static ConsumerRecord<byte[], byte[]> record(byte[] value, RecordHeaders headers) {
        return new ConsumerRecord<>(
                "g.node",
                0,
                7,
                0L,
                TimestampType.CREATE_TIME,
                0,
                value == null ? 0 : value.length,
                null,
                value,
                headers,
                Optional.empty());
    }

    @Test
    void aRecordWithoutValueCarryingTheEndHeaderIsAnEndMarker() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Markers.END, Markers.marker("node", 0, 1));

        assertThat(Markers.isEnd(record(null, headers))).isTrue();
    }

    @Test
    void anItemsRecordIsNeverAnEndMarker() {
        RecordHeaders format = new RecordHeaders();
        format.add(JsonSerde.FORMAT, "long".getBytes(StandardCharsets.UTF_8));
        RecordHeaders endHeaderToo = new RecordHeaders();
        endHeaderToo.add(Markers.END, Markers.marker("node", 0, 1));

        assertThat(Markers.isEnd(record(new byte[8], format))).isFalse();
        assertThat(Markers.isEnd(record(new byte[8], endHeaderToo))).isFalse(); // a marker has no value
        assertThat(Markers.isEnd(record(null, new RecordHeaders()))).isFalse(); // a tombstone from another writer
    }
}
