package io.sluice.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.Deployment;
import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.Workers;
import io.sluice.testkit.KafkaBroker;
import io.sluice.testkit.WorkerKills;
import io.sluice.yaml.Pipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code cloud://} source on KAFKA under exactly-once, its worker and the sink's killed with SIGKILL while objects
 * arrive: every object published reaches the sink topic once. The source acknowledges an object only once a commit
 * covers it, and drops one the node delivers again although a commit covered it. Power check: acknowledged at the
 * next pull, as it was before, the killed source's last pulls are lost.
 */
@Tag("slow")
class CloudSourceCrashTest {

    private static final int OBJECTS = 12_000;
    private static final int KILLS = 3;
    private static final Duration PATIENCE = Duration.ofMinutes(4);
    private static final Duration UP_BEFORE_KILL = Duration.ofMillis(2500);

    @TempDir
    Path dir;

    @Test
    void killedWorkersLoseNoObjectAndRepeatNone() throws Exception {
        Map<String, Integer> delivered = run("cloud_crash", "");

        assertThat(delivered).as("objects delivered to the sink").hasSize(OBJECTS);
        assertThat(delivered.values().stream().filter(n -> n > 1).count())
                .as("objects delivered more than once")
                .isZero();
    }

    @Test
    void acknowledgedAtTheNextPullTheSameKillsLoseObjects() throws Exception {
        Map<String, Integer> delivered = run("cloud_broken", "-Dsluice.cloud.fault=ack-at-pull");

        assertThat(delivered.size())
                .as("objects delivered to the sink, acknowledged early")
                .isLessThan(OBJECTS);
    }

    /**
     * Publishes while the graph runs, its workers killed; returns how often each object reached the sink once the
     * source has counted {@value #OBJECTS} objects — or, when objects were lost and it never does, after a while.
     */
    private Map<String, Integer> run(String graph, String fault) throws Exception {
        boolean broken = !fault.isEmpty();
        Path types = Status.typesFile(dir);
        String topic = graph + "-invoices";
        try (CloudNode node = CloudNode.start(
                        CloudNodeOptions.of("A", dir.resolve("node")).withTypes(ObjectType.readAll(types)));
                CloudClient client = CloudClient.connect(node.address())) {
            Path pipeline = Files.writeString(dir.resolve("pipeline.yaml"), """
                    graph: %s
                    nodes:
                      - id: orders
                        source: "cloud://Order?node=%s"
                        config: {count: %d}
                      - id: invoices
                        sink: "kafka://%s"
                        config: {bootstrap: "%s"}
                    edges:
                      - orders -> invoices
                    """.formatted(
                    graph, node.address(), OBJECTS, topic, KafkaBroker.shared().bootstrapServers()));
            Path logs = Files.createDirectories(dir.resolve("logs"));
            KafkaOptions options = KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                    .withGuarantee(Guarantee.EXACTLY_ONCE)
                    .withDeleteTopicsOnClose(true)
                    .withWorkers(Workers.processes(pipeline.toString(), logs)
                            .withJvmOptions(broken ? List.of(fault) : List.of()));
            List<String> kills = new java.util.concurrent.CopyOnWriteArrayList<>();
            Map<String, Integer> delivered;
            Thread killer;
            try (Deployment deployment = Pipeline.load(pipeline).graph().deploy(io.sluice.SystemType.KAFKA, options)) {
                // threads of their own: a publish waited for on the common pool (one thread here) can starve it
                Thread publisher = new Thread(() -> publish(client), "publisher");
                publisher.start();
                killer = new Thread(
                        () -> {
                            try {
                                kills.addAll(WorkerKills.kill(
                                        deployment,
                                        logs,
                                        List.of("orders", "invoices"),
                                        KILLS,
                                        new Random(7),
                                        UP_BEFORE_KILL));
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        "killer");
                killer.start();
                boolean completed = deployment.awaitCompletion(broken ? Duration.ofSeconds(60) : PATIENCE);
                publisher.join();
                if (!broken) {
                    assertThat(completed)
                            .as("the deployment completed, failed with %s", deployment.failure())
                            .isTrue();
                }
                delivered = read(topic);
            }
            killer.join(); // the deployment is closed: the kills end
            System.out.printf("%s: kills %s, %d of %d objects delivered%n", graph, kills, delivered.size(), OBJECTS);
            assertThat(kills).as("kills of the start and the end worker").contains("orders", "invoices");
            return delivered;
        }
    }

    private static void publish(CloudClient client) {
        for (int i = 0; i < OBJECTS; i++) {
            client.publish("Order", Map.of("id", "o-" + i, "amount", i)).join();
            if (i % 8 == 0) {
                try {
                    Thread.sleep(5); // at most 1,600 objects a second: the workers are killed while objects arrive
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** How often each order id is in the sink topic, read as committed. */
    private static Map<String, Integer> read(String topic) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        Map<String, Integer> delivered = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    String id = record.value().replaceAll(".*\"id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
                    delivered.merge(id, 1, Integer::sum);
                }
            }
        }
        return delivered;
    }
}
