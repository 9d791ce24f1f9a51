package io.sluice.kafka.internal;

import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaOptions;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.CloseOptions;
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
        config.putIfAbsent(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 10);
        return Admin.create(config);
    }

    /**
     * A producer: idempotent always, transactional under exactly-once with {@code transactionalId} (which a restarted
     * worker reuses, so that Kafka fences its dead predecessor).
     */
    static KafkaProducer<byte[], byte[]> producer(KafkaOptions options, String clientId, String transactionalId) {
        return producer(options, clientId, transactionalId, Map.of());
    }

    /**
     * The producer of an elastic node's instance: as {@link #producer}, its transactions timing out after {@link
     * #MEMBER_TIMEOUT} unless the client properties say otherwise. An extra member killed mid-transaction is not
     * started again with its transactional id, so only the broker's timeout aborts what it left open, which holds back
     * read_committed readers of its output and the offsets of its partitions until then.
     */
    static KafkaProducer<byte[], byte[]> memberProducer(KafkaOptions options, String clientId, String transactionalId) {
        return producer(options, clientId, transactionalId, Map.of(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int)
                MEMBER_TIMEOUT.toMillis()));
    }

    /**
     * How soon a group notices an elastic node's member is gone (its session timeout), and aborts what it left open
     * (its transaction timeout): both Kafka's defaults are a minute or so, long for a member killed while the others
     * wait for its partitions.
     */
    static final java.time.Duration MEMBER_TIMEOUT = java.time.Duration.ofSeconds(10);

    /** The records an elastic node's member takes per poll (2000 for a static instance). */
    static final int MEMBER_POLL_RECORDS = 200;

    private static KafkaProducer<byte[], byte[]> producer(
            KafkaOptions options, String clientId, String transactionalId, Map<String, Object> defaults) {
        Map<String, Object> config = common(options);
        config.putAll(defaults);
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
        return consumer(options, clientId, groupId, Map.of());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(
            KafkaOptions options, String clientId, String groupId, Map<String, Object> defaults) {
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
        config.putAll(defaults); // over the settings above, under the user's
        config.putAll(options.clientProperties());
        return new KafkaConsumer<>(config);
    }

    /**
     * Closes a worker's consumer. A member of a group ({@link #member}) has {@code timeout} to leave it, so that the
     * others take its partitions at once. A consumer of assigned partitions owes the broker nothing — it is no member,
     * and its worker commits synchronously — so it closes at once: waiting would only wait for the long poll of the
     * fetch it left in flight (up to {@code fetch.max.wait.ms}, 500 ms by default), which held up the end of every
     * worker that long, and so the completion of every deployment.
     */
    static void close(KafkaConsumer<byte[], byte[]> consumer, boolean member, java.time.Duration timeout) {
        try {
            consumer.close(CloseOptions.timeout(member ? timeout : java.time.Duration.ZERO));
        } catch (org.apache.kafka.common.KafkaException e) {
            // leaving the group failed; the broker expires the member after its session timeout
        }
    }

    /**
     * A consumer of an elastic node's instance, a member of the consumer group {@code groupId} that shares the
     * partitions it subscribes to with the cooperative-sticky assignor (classic group protocol): a member that joins or
     * leaves moves only the partitions that must move, and the others keep reading theirs meanwhile.
     */
    static KafkaConsumer<byte[], byte[]> member(KafkaOptions options, String clientId, String groupId) {
        Map<String, Object> defaults = new HashMap<>();
        defaults.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        defaults.put(
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName());
        defaults.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) MEMBER_TIMEOUT.toMillis());
        defaults.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) MEMBER_TIMEOUT.toMillis() / 4);
        // A member takes part in a rebalance only when it polls, and a commit refused meanwhile is undone: small
        // batches keep both the pause and the work redone short.
        defaults.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MEMBER_POLL_RECORDS);
        return consumer(options, clientId, groupId, defaults);
    }

    /**
     * A consumer outside any group, for reading a partition from the beginning to its end (restoring or querying a
     * store, a position): committed records only whatever the guarantee, and never creating the topic it asks about.
     */
    static KafkaConsumer<byte[], byte[]> reader(KafkaOptions options, String clientId) {
        return reader(options, clientId, "read_committed");
    }

    /**
     * As {@link #reader(KafkaOptions, String)}, of records of open transactions too: only to ask partitions for their
     * high watermark, which a read_committed reader's end offsets stop short of until a commit's markers are written.
     */
    static KafkaConsumer<byte[], byte[]> watermarkReader(KafkaOptions options, String clientId) {
        return reader(options, clientId, "read_uncommitted");
    }

    private static KafkaConsumer<byte[], byte[]> reader(KafkaOptions options, String clientId, String isolation) {
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
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        return new KafkaConsumer<>(config);
    }

    private static Map<String, Object> common(KafkaOptions options) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", options.bootstrapServers());
        config.putAll(options.clientProperties());
        return config;
    }
}
