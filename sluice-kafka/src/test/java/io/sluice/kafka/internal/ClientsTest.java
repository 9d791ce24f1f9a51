package io.sluice.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.kafka.KafkaOptions;
import io.sluice.testkit.KafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The clients of a worker, on a real broker. */
class ClientsTest {

    private static final AtomicInteger RUN = new AtomicInteger();

    @Test
    void aConsumerOfAssignedPartitionsClosesWithoutWaitingForTheFetchInFlight() throws Exception {
        // given a worker's consumer whose last poll left a fetch waiting on the broker for records that never come
        KafkaBroker kafka = KafkaBroker.shared();
        String topic = "clients-close-" + RUN.incrementAndGet();
        kafka.createTopics(1, topic);
        Duration longPoll = Duration.ofSeconds(10);
        KafkaOptions options = KafkaOptions.of(kafka.bootstrapServers())
                .withClientProperties(
                        Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, String.valueOf(longPoll.toMillis())));
        KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(options, "clients-test", topic);
        consumer.assign(List.of(new TopicPartition(topic, 0)));
        for (int i = 0; i < 5; i++) {
            consumer.poll(Duration.ofMillis(100)); // empty: its fetch stays in flight
        }

        // when the worker closes it, with time to spare
        long start = System.nanoTime();
        Clients.close(consumer, false, Duration.ofSeconds(30));

        // then it does not wait out the long poll
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(longPoll.dividedBy(2));
    }
}
