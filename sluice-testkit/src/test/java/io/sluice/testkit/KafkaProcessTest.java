package io.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("slow")
class KafkaProcessTest {

    @TempDir
    Path dir;

    @Test
    void brokerKilledAndRestartedKeepsItsData() throws Exception {
        try (KafkaProcess kafka = KafkaProcess.start(dir)) {
            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("survivors", 1, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                KafkaBroker.awaitLeaders(admin, List.of("survivors"), Duration.ofSeconds(30));
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>("survivors", "v" + i)).get();
                }
            }
            long firstPid = kafka.handle().pid();

            kafka.kill();
            kafka.restart();

            assertThat(kafka.handle().pid()).isNotEqualTo(firstPid);
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG,
                    "after-restart",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    "earliest",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                    StringDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    StringDeserializer.class))) {
                consumer.subscribe(List.of("survivors"));
                int received = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (received < 100 && System.nanoTime() < deadline) {
                    received += consumer.poll(Duration.ofMillis(200)).count();
                }
                assertThat(received).isEqualTo(100);
            }
        }
    }
}
