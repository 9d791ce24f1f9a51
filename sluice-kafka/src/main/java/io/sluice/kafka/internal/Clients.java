package io.sluice.kafka.internal;

import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaOptions;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The Kafka clients of a deployment, configured in one place from its options. */
final class Clients {

    private Clients() {}

    static Admin admin(KafkaOptions options) {
        Map<String, Object> config = common(options);
        int timeoutMs = (int) options.timeout().toMillis();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        return Admin.create(config);
    }

    /**
     * A producer: idempotent always, transactional under exactly-once with {@code transactionalId} (which a restarted
     * worker reuses, so that Kafka fences its dead predecessor).
     */
    static KafkaProducer<byte[], byte[]> producer(KafkaOptions options, String clientId, String transactionalId) {
        Map<String, Object> config = common(options);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, options.timeout().toMillis());
        if (options.guarantee() == Guarantee.EXACTLY_ONCE && transactionalId != null) {
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        config.putAll(options.clientProperties());
        return new KafkaProducer<>(config);
    }

    /** A consumer that commits by hand and, under exactly-once, reads committed records only. */
    static KafkaConsumer<byte[], byte[]> consumer(KafkaOptions options, String clientId, String groupId) {
        Map<String, Object> config = common(options);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int)
                options.timeout().toMillis());
        if (options.guarantee() == Guarantee.EXACTLY_ONCE) {
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
        config.putAll(options.clientProperties());
        return new KafkaConsumer<>(config);
    }

    /**
     * A consumer outside any group, for reading a partition from the beginning to its end (restoring or querying a
     * store, a position): committed records only whatever the guarantee, and never creating the topic it asks about.
     */
    static KafkaConsumer<byte[], byte[]> reader(KafkaOptions options, String clientId) {
        Map<String, Object> config = common(options);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int)
                options.timeout().toMillis());
        config.putAll(options.clientProperties());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(config);
    }

    private static Map<String, Object> common(KafkaOptions options) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", options.bootstrapServers());
        config.putAll(options.clientProperties());
        return config;
    }
}
