package io.sluice.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft Kafka broker inside this JVM, on loopback, for tests and local development. It starts in a
 * few seconds, needs no Docker and no install, and deletes its data when closed.
 *
 * <pre>{@code
 * try (KafkaBroker kafka = KafkaBroker.start()) {
 *     graph.deploy(SystemType.KAFKA, KafkaOptions.of(kafka.bootstrapServers()));
 * }
 * }</pre>
 *
 * <p>{@link #shared()} gives one broker per JVM, started on first use and stopped when the JVM exits, so that test
 * classes pay the start-up once.
 */
public final class KafkaBroker implements AutoCloseable {

    private static KafkaBroker shared;

    private final KafkaClusterTestKit cluster;
    private final Path directory;

    private KafkaBroker(KafkaClusterTestKit cluster, Path directory) {
        this.cluster = cluster;
        this.directory = directory;
    }

    /** Starts a broker and waits until it takes requests. */
    public static KafkaBroker start() {
        try {
            // Our own directory, deleted only after the broker has stopped: left to the test kit, it is removed by a
            // shutdown hook of its own that can race the broker's shutdown and make it halt the JVM.
            Path directory = Files.createTempDirectory("sluice-kafka-");
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                            .setBaseDirectory(directory)
                            .setCombined(true)
                            .setNumBrokerNodes(1)
                            .setNumControllerNodes(1)
                            .build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "4")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "4")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .setDeleteOnClose(false)
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new KafkaBroker(cluster, directory);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the Kafka broker", e);
        } catch (Exception e) {
            throw new IllegalStateException("the embedded Kafka broker did not start: " + e, e);
        }
    }

    /** One broker for the whole JVM, started on first use and stopped at exit. */
    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            shared = start();
            KafkaBroker broker = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "sluice-kafka-broker-stop"));
        }
        return shared;
    }

    /** The address clients connect to, {@code host:port}. */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** A new admin client for this broker; close it after use. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /**
     * Creates topics and waits until every partition has a leader and answers offset requests: on a fresh broker,
     * producing before that can fail.
     */
    public void createTopics(int partitions, String... topics) {
        try (Admin admin = admin()) {
            List<NewTopic> newTopics = java.util.Arrays.stream(topics)
                    .map(t -> new NewTopic(t, partitions, (short) 1))
                    .toList();
            admin.createTopics(newTopics).all().get(30, TimeUnit.SECONDS);
            awaitLeaders(admin, List.of(topics), Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (Exception e) {
            throw new IllegalStateException("could not create topics " + List.of(topics) + ": " + e, e);
        }
    }

    /** Writes {@code values} to {@code topic} as UTF-8 text without keys, and waits until all are acknowledged. */
    public void produce(String topic, List<String> values) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, value));
            }
        }
    }

    /**
     * Every committed value of {@code topic} as UTF-8 text, from the beginning to the end it has now, as a {@code
     * read_committed} consumer sees them: what a transactional writer made visible, once each.
     */
    public List<String> readCommitted(String topic) {
        List<String> values = new java.util.ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }

    /** Waits until every partition of the topics has a leader that answers a list-offsets request. */
    public static void awaitLeaders(Admin admin, Collection<String> topics, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> descriptions =
                        admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS);
                Set<TopicPartition> partitions = descriptions.values().stream()
                        .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                        .collect(Collectors.toSet());
                admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                        .all()
                        .get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("the embedded Kafka broker did not stop cleanly: " + e, e);
        }
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // a leftover temporary directory is not worth failing for
        }
    }
}
