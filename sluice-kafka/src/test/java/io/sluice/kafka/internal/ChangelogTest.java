package io.sluice.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.kafka.AllowedTypes;
import io.sluice.kafka.Serde;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** A store's changelog records give back the key and the value that were written, types and hints kept apart. */
class ChangelogTest {

    record Key(String name, Object part) {}

    record Total(long sum, List<Long> seen, Map<String, Object> tags) {}

    private static final Serde SERDE = JsonSerde.allowing(AllowedTypes.of(Key.class, Total.class));

    private static ConsumerRecord<byte[], byte[]> asRead(ProducerRecord<byte[], byte[]> written) {
        return new ConsumerRecord<>(
                written.topic(),
                written.partition(),
                0,
                0,
                TimestampType.CREATE_TIME,
                0,
                0,
                written.key(),
                written.value(),
                new RecordHeaders(written.headers().toArray()),
                Optional.empty());
    }

    @Test
    void keysAndValuesOfRecordTypesRestoreAsTheyWereWritten() {
        Key key = new Key("k", 42L);
        Total value = new Total(7, List.of(3L, 4L), Map.of("when", 5L, "who", "me"));

        ConsumerRecord<byte[], byte[]> record = asRead(Changelog.record("t", 0, SERDE, key, value));

        assertThat(Changelog.key(record, SERDE)).isEqualTo(key);
        assertThat(Changelog.value(record, SERDE)).isEqualTo(value);
        assertThat(record.headers().lastHeader("sluice.key.sluice.type/part")).isNotNull();
        assertThat(record.headers().lastHeader("sluice.type/tags/when")).isNotNull();
    }

    @Test
    void aDeletionRestoresAsNoValue() {
        ConsumerRecord<byte[], byte[]> record = asRead(Changelog.record("t", 0, SERDE, "gone", null));

        assertThat(Changelog.key(record, SERDE)).isEqualTo("gone");
        assertThat(Changelog.value(record, SERDE)).isNull();
    }
}
