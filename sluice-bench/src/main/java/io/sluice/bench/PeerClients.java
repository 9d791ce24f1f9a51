package io.sluice.bench;

import io.sluice.kafka.Guarantee;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;

/**
 * The client settings of the hand-written Kafka peers, in one place so that every benchmark measures them with the
 * same settings Sluice's own clients use: linger 5 ms, 128 KiB batches, 2,000 records a poll, offsets committed by
 * hand, committed records only under exactly-once. Keys and values are longs.
 */
final class PeerClients {

    private PeerClients() {}

    /** A producer's settings; transactional under exactly-once when {@code transactionalId} is given. */
    static Map<String, Object> producer(String bootstrap, Guarantee guarantee, String transactionalId) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                LongSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                LongSerializer.class,
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.BATCH_SIZE_CONFIG,
                128 * 1024));
        if (guarantee == Guarantee.EXACTLY_ONCE && transactionalId != null) {
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return config;
    }

    /** A consumer's settings, in consumer group {@code group} if it is given. */
    static Map<String, Object> consumer(String bootstrap, Guarantee guarantee, String group) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                2000,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                guarantee == Guarantee.EXACTLY_ONCE ? "read_committed" : "read_uncommitted",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                LongDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                LongDeserializer.class));
        if (group != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return config;
    }
}
