package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class JsonSerdeTest {

    record Payment(long id, long cents, String currency) {}

    record Batch(String name, List<Payment> payments, Map<String, Long> totals) {}

    private static Object roundTrip(Object item) {
        RecordHeaders headers = new RecordHeaders();
        byte[] bytes = Serdes.json().serialize(item, headers);
        return Serdes.json().deserialize(bytes, headers);
    }

    @Test
    void typesSurviveTheTrip() {
        Batch batch = new Batch("b", List.of(new Payment(1, 250, "EUR")), Map.of("EUR", 250L));

        assertThat(roundTrip(5L)).isEqualTo(5L).isInstanceOf(Long.class);
        assertThat(roundTrip(5)).isEqualTo(5).isInstanceOf(Integer.class);
        assertThat(roundTrip(2.5)).isEqualTo(2.5);
        assertThat(roundTrip(new Payment(1, 250, "EUR"))).isEqualTo(new Payment(1, 250, "EUR"));
        assertThat(roundTrip(batch)).isEqualTo(batch);
        assertThat(roundTrip(List.of(1L, "two", new Payment(3, 3, "USD"))))
                .isEqualTo(List.of(1L, "two", new Payment(3, 3, "USD")));
    }

    @Test
    void stringsAndBytesTravelAsThemselves() {
        RecordHeaders headers = new RecordHeaders();
        assertThat(Serdes.json().serialize("héllo", headers)).isEqualTo("héllo".getBytes(StandardCharsets.UTF_8));
        assertThat(roundTrip("héllo")).isEqualTo("héllo");
        assertThat(roundTrip(new byte[] {1, 2, 3})).isEqualTo(new byte[] {1, 2, 3});
        assertThat(Serdes.json().serialize(258L, new RecordHeaders()))
                .as("a long as Kafka's LongSerializer writes it")
                .isEqualTo(new org.apache.kafka.common.serialization.LongSerializer().serialize("t", 258L));
        assertThat(roundTrip(-7L)).isEqualTo(-7L).isInstanceOf(Long.class);
        assertThat(roundTrip(-7)).isEqualTo(-7).isInstanceOf(Integer.class);
        assertThat(roundTrip(0.25)).isEqualTo(0.25).isInstanceOf(Double.class);
    }
}
