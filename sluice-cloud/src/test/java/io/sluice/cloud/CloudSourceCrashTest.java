package io.sluice.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
 *
 * <p>Both checks need the kills to land while objects arrive: a source killed after the last object was committed has
 * nothing to lose, and the power check would find every object delivered (it once did, on a loaded machine whose
 * source worker subscribed only after most objects were published). So publishing starts once the source has subscribed, and the
 * last {@value #TAIL} objects trickle in while kills remain. A kill loses nothing, too, where the last commit came
 * after the last pull but one: workers commit every {@value #COMMIT_MILLIS} ms rather than 100 (pulls come every few
 * milliseconds while objects arrive), and the power check kills only the source worker, all {@value #KILLS} times.
 */
@Tag("slow")
class CloudSourceCrashTest {

    private static final int OBJECTS = 12_000;
    private static final int KILLS = 3;
    private static final Duration PATIENCE = Duration.ofMinutes(4);
    private static final Duration UP_BEFORE_KILL = Duration.ofMillis(2500);
    /** Objects published at most 200 a second while the killer has kills left. */
    private static final int TAIL = 4_000;

    private static final int COMMIT_MILLIS = 500;

    @TempDir
    Path dir;

    @Test
    void killedWorkersLoseNoObjectAndRepeatNone() throws Exception {
        Map<String, Integer> delivered = run("cloud_crash", "", List.of("orders", "invoices"));

        assertThat(delivered).as("objects delivered to the sink").hasSize(OBJECTS);
        assertThat(delivered.values().stream().filter(n -> n > 1).count())
                .as("objects delivered more than once")
                .isZero();
    }

    @Test
    void acknowledgedAtTheNextPullTheSameKillsLoseObjects() throws Exception {
        Map<String, Integer> delivered = run("cloud_broken", "-Dsluice.cloud.fault=ack-at-pull", List.of("orders"));

        assertThat(delivered.size())
                .as("objects delivered to the sink, acknowledged early")
                .isLessThan(OBJECTS);
    }

    /**
     * Publishes while the graph runs, its workers killed; returns how often each object reached the sink once the
     * source has counted {@value #OBJECTS} objects — or, when objects were lost and it never does, after a while.
     */
    private Map<String, Integer> run(String graph, String fault, List<String> victims) throws Exception {
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
                    .withCommitInterval(Duration.ofMillis(COMMIT_MILLIS))
                    .withDeleteTopicsOnClose(true)
                    .withWorkers(Workers.processes(pipeline.toString(), logs)
                            .withJvmOptions(broken ? List.of(fault) : List.of()));
            List<String> kills = new java.util.concurrent.CopyOnWriteArrayList<>();
            Map<String, Integer> delivered;
            Thread killer;
            try (Deployment deployment = Pipeline.load(pipeline).graph().deploy(io.sluice.SystemType.KAFKA, options)) {
                // threads of their own: a publish waited for on the common pool (one thread here) can starve it
                killer = new Thread(
                        () -> {
                            try {
                                kills.addAll(WorkerKills.kill(
                                        deployment, logs, victims, KILLS, new Random(7), UP_BEFORE_KILL));
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        "killer");
                Thread killing = killer;
                Thread publisher = new Thread(() -> publish(client, node, graph + ".orders", killing), "publisher");
                publisher.start();
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
            assertThat(kills).as("kills of the workers of %s", victims).containsAll(victims);
            return delivered;
        }
    }

    /**
     * Publishes {@value #OBJECTS} objects once the source has subscribed under {@code group}: at most 1,600 a second,
     * and the last {@value #TAIL} at most 200 a second while {@code killer} has kills left.
     */
    private static void publish(CloudClient client, CloudNode node, String group, Thread killer) {
        await().atMost(PATIENCE).until(() -> subscribed(node, group));
        for (int i = 0; i < OBJECTS; i++) {
            client.publish("Order", Map.of("id", "o-" + i, "amount", i)).join();
            boolean killing = i >= OBJECTS - TAIL && killer.isAlive();
            if (killing || i % 8 == 0) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static boolean subscribed(CloudNode node, String group) {
        return node.status().get("subscriptions") instanceof Map<?, ?> subscriptions
                && subscriptions.containsKey("Order/" + group);
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
