package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.Emitter;
import io.sluice.EndNode;
import io.sluice.GraphFactory;
import io.sluice.KeyValueStore;
import io.sluice.Node;
import io.sluice.NodeContext;
import io.sluice.Partitioning;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.testkit.KafkaBroker;
import io.sluice.testkit.Pacing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A keyed aggregation over a million items on KAFKA exactly-once, one OS process per node, whose stateful node is
 * rescaled mid-run from 2 instances to 5, then to 3, while the items flow: its totals must equal those computed
 * without Sluice, and the end node downstream must see every item exactly once. The power check runs the same moves
 * with instances that restore their stores from the changelog partition of their index only, as before changelogs
 * had room to grow: the comparison must catch it.
 */
@Tag("slow")
class RescaleTest {

    static final long ITEMS = 1_000_000;
    static final int KEYS = 1_000;
    static final int MAX = 6;

    /** The sum and count of the values of one key, as the aggregation emits them at the end. */
    public record Total(long key, long sum, long count) {}

    /** What the end node saw: every pass-through item counted and summed in its own store. */
    public record Tally(long items, long sum) {}

    /** Sums the values of its keys in the store 'sums' and passes every value on. */
    public static final class Sum implements Node<Long, Object> {
        private KeyValueStore<Long, long[]> sums;

        @Override
        public void open(NodeContext context) {
            sums = context.store("sums");
        }

        @Override
        public void process(Long value, Emitter<Object> out) {
            long key = value % KEYS;
            long[] before = sums.getOrDefault(key, new long[2]);
            sums.put(key, new long[] {before[0] + value, before[1] + 1});
            out.emit(value);
        }

        @Override
        public void onComplete(Emitter<Object> out) {
            sums.forEach((key, total) -> out.emit(new Total(key, total[0], total[1])));
        }
    }

    /** Keeps the totals as results, and counts and sums the values it sees in the store 'tally'. */
    public static final class Collect implements EndNode<Object> {
        private KeyValueStore<String, Long> tally;
        private NodeContext context;

        @Override
        public void open(NodeContext context) {
            this.context = context;
            tally = context.store("tally");
        }

        @Override
        public void process(Object item) {
            if (item instanceof Total total) {
                context.keepResult(total);
            } else {
                tally.put("items", tally.getOrDefault("items", 0L) + 1);
                tally.put("sum", tally.getOrDefault("sum", 0L) + (Long) item);
            }
        }

        @Override
        public void onComplete() {
            context.keepResult(new Tally(tally.getOrDefault("items", 0L), tally.getOrDefault("sum", 0L)));
        }
    }

    /** The item at {@code i}, at no more than about 50,000 a second, so that two rescales land mid-run. */
    static long paced(long i) {
        return Pacing.every(i, 50);
    }

    static ComputationalGraph graph(String name) {
        return ComputationalGraph.builder(name)
                .start("numbers", Sources.generator(ITEMS, RescaleTest::paced))
                .node("sum", Sum::new)
                .stores("sums")
                .parallelism(2)
                .maxParallelism(MAX)
                .end("out", Collect::new)
                .stores("tally")
                .edge("numbers -> sum", Partitioning.keyed((Long x) -> x % KEYS))
                .edge("sum -> out", Partitioning.global())
                .build();
    }

    public static final class Rescaled implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            return graph("rescale-eos");
        }
    }

    public static final class RestoredByInstance implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            return graph("rescale-by-instance");
        }
    }

    /** The totals computed without Sluice: what any run of the graph must end with. */
    static Map<Long, Total> expected() {
        long[] sums = new long[KEYS];
        long[] counts = new long[KEYS];
        for (long i = 0; i < ITEMS; i++) {
            sums[(int) (i % KEYS)] += i;
            counts[(int) (i % KEYS)]++;
        }
        Map<Long, Total> totals = new TreeMap<>();
        for (int k = 0; k < KEYS; k++) {
            totals.put((long) k, new Total(k, sums[k], counts[k]));
        }
        return totals;
    }

    private static final long SUM = ITEMS * (ITEMS - 1) / 2;

    @TempDir
    Path logs;

    /** One rescale: how long {@code scale} took, and how long the node committed nothing. */
    record Move(int from, int to, long callMillis, long pauseMillis, String shown) {}

    record Outcome(
            Map<Long, Total> totals,
            Tally tally,
            List<Move> moves,
            int instances,
            int restarts,
            TreeSet<String> published) {}

    private Outcome run(GraphFactory factory, String... jvmOptions) throws Exception {
        ComputationalGraph graph = factory.create();
        KafkaOptions options = KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withGuarantee(Guarantee.EXACTLY_ONCE)
                .withAllowedTypes(Total.class, Tally.class)
                .withOnExisting(OnExisting.FRESH)
                .withDeleteTopicsOnClose(true)
                .withWorkers(Workers.processes(factory.getClass(), logs).withJvmOptions(jvmOptions));
        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options);
                Admin admin = Admin.create(Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KafkaBroker.shared().bootstrapServers()))) {
            List<Move> moves = new ArrayList<>();
            awaitPassed(deployment, ITEMS / 4);
            moves.add(rescale(deployment, admin, graph.name(), 5));
            assertThat(deployment.status().node("sum").instances()).isEqualTo(5);
            awaitPassed(deployment, ITEMS * 3 / 5);
            moves.add(rescale(deployment, admin, graph.name(), 3));
            assertThat(deployment.status().node("out").itemsIn())
                    .as("the second rescale lands before the end")
                    .isLessThan(ITEMS);

            assertThat(deployment.awaitCompletion(Duration.ofMinutes(5))).isTrue();
            List<Object> results = deployment.results("out");
            List<Tally> tallies = results.stream()
                    .filter(Tally.class::isInstance)
                    .map(Tally.class::cast)
                    .toList();
            assertThat(tallies).hasSize(1);
            return new Outcome(
                    totals(results),
                    tallies.get(0),
                    moves,
                    deployment.status().node("sum").instances(),
                    deployment.status().workers().stream()
                            .mapToInt(io.sluice.WorkerStatus::restarts)
                            .sum(),
                    publishedInstances(graph.name()));
        }
    }

    private static void awaitPassed(Deployment deployment, long items) {
        Awaitility.await()
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> deployment.status().node("out").itemsIn() >= items);
    }

    /**
     * Rescales 'sum' and measures the pause: from the call to the first offsets its new instances commit, read from
     * its consumer group (the old instances commit nothing once stopped: their open transaction is aborted).
     */
    private static Move rescale(Deployment deployment, Admin admin, String graph, int to) throws Exception {
        int from = deployment.graph().node("sum").parallelism();
        String group = graph + ".sum";
        long start = System.nanoTime();
        deployment.scale("sum", to);
        long called = System.nanoTime();
        String shown = deployment.status().node("sum").rescaling().orElse("");
        long stopped = committed(admin, group);
        Awaitility.await()
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> committed(admin, group) > stopped);
        long resumed = System.nanoTime();
        Move move = new Move(
                from,
                to,
                TimeUnit.NANOSECONDS.toMillis(called - start),
                TimeUnit.NANOSECONDS.toMillis(resumed - start),
                shown);
        System.out.printf(
                "rescale of 'sum' from %d to %d: scale() returned after %d ms; no commit for %d ms (status showed '%s')%n",
                from, to, move.callMillis(), move.pauseMillis(), shown);
        return move;
    }

    private static long committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        return offsets.values().stream()
                .filter(java.util.Objects::nonNull)
                .mapToLong(OffsetAndMetadata::offset)
                .sum();
    }

    private static Map<Long, Total> totals(List<Object> results) {
        Map<Long, Total> totals = new TreeMap<>();
        for (Object result : results) {
            if (result instanceof Total total) {
                assertThat(totals.put(total.key(), total))
                        .as("one total per key")
                        .isNull();
            }
        }
        return totals;
    }

    /** The instances of 'sum' whose latest record in the status topic is a status, not a tombstone. */
    private static TreeSet<String> publishedInstances(String graph) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        TreeSet<String> live = new TreeSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            TopicPartition status = new TopicPartition(TopicPlan.statusTopic(graph), 0);
            consumer.assign(List.of(status));
            consumer.seekToBeginning(List.of(status));
            long end = consumer.endOffsets(List.of(status)).get(status);
            while (consumer.position(status) < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    String key = new String(record.key(), StandardCharsets.UTF_8);
                    if (!key.startsWith("sum/")) {
                        continue;
                    }
                    if (record.value() == null) {
                        live.remove(key);
                    } else {
                        live.add(key);
                    }
                }
            }
        }
        return live;
    }

    @Test
    void aStatefulNodeRescaledFromTwoToFiveToThreeMidRunEndsWithTheTotalsOfAnyRun() throws Exception {
        Outcome outcome = run(new Rescaled());

        assertThat(outcome.totals()).isEqualTo(expected());
        assertThat(outcome.tally())
                .as("every item exactly once at the end node, which read on through both rescales")
                .isEqualTo(new Tally(ITEMS, SUM));
        assertThat(outcome.moves())
                .extracting(Move::shown)
                .as("the status shows each move until the new instances report")
                .containsExactly("from 2 to 5", "from 5 to 3");
        assertThat(outcome.instances()).isEqualTo(3);
        assertThat(outcome.restarts()).as("a rescale is not a restart").isZero();
        assertThat(outcome.published())
                .as("the instances the second rescale removed are gone from the status")
                .containsExactly("sum/0", "sum/1", "sum/2");
    }

    @Test
    void powerCheckInstancesRestoringOnlyThePartitionOfTheirIndexAreCaught() throws Exception {
        Outcome outcome = run(new RestoredByInstance(), "-Dsluice.kafka.fault=restore-by-instance");

        Map<Long, Total> expected = expected();
        long wrong = outcome.totals().entrySet().stream()
                .filter(e -> !e.getValue().equals(expected.get(e.getKey())))
                .count();
        System.out.printf("power check, restored by instance: %d of %d totals wrong%n", wrong, KEYS);
        assertThat(outcome.totals())
                .as("instances that did not take up the keys of their new partitions give other totals")
                .isNotEqualTo(expected);
    }
}
