package io.sluice.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.kafka.KafkaOptions;
import io.sluice.testkit.KafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * How a deployment handle reads its results topics: up to the last stable offset while the deployment runs, and
 * once it completed up to the high watermark, so that a last transaction whose commit returned but whose markers
 * are not yet in the partition is read too, rather than missed.
 */
class TopicFollowerTest {

    @Test
    void aSettledCatchUpReadsATransactionTheStableEndStopsShortOf() throws Exception {
        String topic = "follower-" + System.nanoTime();
        KafkaBroker.shared().createTopics(1, topic);
        TopicPartition partition = new TopicPartition(topic, 0);
        KafkaOptions options = KafkaOptions.of(KafkaBroker.shared().bootstrapServers());

        try (KafkaProducer<byte[], byte[]> producer = transactional(topic);
                TopicFollower follower = new TopicFollower(options, "follower-test")) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, new byte[] {(byte) i}));
            }
            producer.flush(); // in the partition, the transaction still open: as between a commit and its markers

            List<byte[]> read = new CopyOnWriteArrayList<>();
            TopicFollower.Progress stable =
                    follower.catchUp(List.of(partition), Duration.ofSeconds(30), r -> read.add(r.value()));
            assertThat(stable.atEnd()).as("read to the stable end").isTrue();
            assertThat(read)
                    .as("the open transaction's records are past the stable end")
                    .isEmpty();

            CompletableFuture<TopicFollower.Progress> settled = CompletableFuture.supplyAsync(
                    () -> follower.catchUp(List.of(partition), Duration.ofSeconds(60), r -> read.add(r.value()), true));
            Thread.sleep(300);
            assertThat(settled).as("waits for the transaction to be resolved").isNotDone();
            producer.commitTransaction();

            TopicFollower.Progress progress = settled.get(60, TimeUnit.SECONDS);
            assertThat(progress.atEnd()).isTrue();
            assertThat(read).hasSize(3);
        }
    }

    private static KafkaProducer<byte[], byte[]> transactional(String topic) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.shared().bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                topic + "-writer",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
    }
}
