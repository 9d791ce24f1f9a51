package io.sluice.kafka.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.Emitter;
import io.sluice.EndNode;
import io.sluice.GraphFactory;
import io.sluice.KeyValueStore;
import io.sluice.LocalOptions;
import io.sluice.Node;
import io.sluice.NodeContext;
import io.sluice.Partitioning;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.Workers;
import io.sluice.testkit.KafkaBroker;
import io.sluice.testkit.Pacing;
import io.sluice.testkit.WorkerKills;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A keyed stateful aggregation over a million items, one OS process per node, with the start, the stateful middle
 * and the stateful end worker each killed with SIGKILL at random moments, ten times or more per run. Under
 * exactly-once every aggregate must equal that of a LOCAL run of the same input and the end node must see every item
 * exactly once; under at-least-once nothing may be lost, and the over-count is reported. The power check runs the
 * same kills against a node that keeps its sums in a field, as every node did before stores: the comparison must
 * catch it.
 */
@Tag("slow")
class StatefulCrashTest {

    static final long ITEMS = 1_000_000;
    static final int KEYS = 1_000;
    static final int KILLS = 10;

    /** How long a worker runs before it may be killed: long enough to restore, process and commit. */
    static final Duration UP_BEFORE_KILL = Duration.ofMillis(2500);

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

    /** The same computation with its sums in a plain field: what a restart loses. */
    public static final class SumInAField implements Node<Long, Object> {
        private final Map<Long, long[]> sums = new HashMap<>();

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

    /**
     * The item at {@code i}, produced at no more than about 50,000 a second, so that a run lasts long enough for ten
     * kills at random moments whatever the machine.
     */
    static long paced(long i) {
        return Pacing.every(i, 50);
    }

    static ComputationalGraph graph(String name, boolean inStore) {
        return graph(name, inStore, true);
    }

    static ComputationalGraph graph(String name, boolean inStore, boolean paced) {
        return graph(name, inStore, paced, ITEMS);
    }

    static ComputationalGraph graph(String name, boolean inStore, boolean paced, long items) {
        ComputationalGraph.Builder builder = ComputationalGraph.builder(name)
                .start("numbers", Sources.generator(items, paced ? StatefulCrashTest::paced : i -> i));
        if (inStore) {
            builder.node("sum", Sum::new).stores("sums");
        } else {
            builder.node("sum", SumInAField::new);
        }
        return builder.parallelism(2)
                .end("out", Collect::new)
                .stores("tally")
                .end("lines", io.sluice.Sinks.appendLines(linesFile(name)))
                .edge("numbers -> sum", Partitioning.keyed((Long x) -> x % KEYS))
                .edge("sum -> out", Partitioning.global())
                .edge("sum -> lines", Partitioning.global())
                .build();
    }

    /** Where the end node 'lines' appends what 'sum' emits: one line per item and one per total. */
    static Path linesFile(String graph) {
        // under this build's target directory (workers inherit the working directory), so that builds of other
        // clones on the same machine never share the file
        return Path.of(System.getProperty("user.dir"), "target", "sluice-" + graph + "-lines.txt")
                .toAbsolutePath();
    }

    public static final class ExactlyOnce implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            return graph("stateful-eos", true);
        }
    }

    public static final class AtLeastOnce implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            return graph("stateful-alo", true);
        }
    }

    public static final class StateInAField implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            return graph("stateful-field", false);
        }
    }

    /** The aggregates of a run without faults, on LOCAL. */
    static Map<Long, Total> expected;

    @BeforeAll
    static void runWithoutFaults() throws Exception {
        try (Deployment local =
                graph("stateful-local", true, false).deploy(SystemType.LOCAL, LocalOptions.defaults())) {
            assertThat(local.awaitCompletion(Duration.ofMinutes(2))).isTrue();
            expected = totals(local.results("out"));
        }
        assertThat(expected).hasSize(KEYS);
    }

    @TempDir
    Path logs;

    record Outcome(
            Map<Long, Total> totals,
            Tally tally,
            List<String> kills,
            List<String> lines,
            List<io.sluice.WorkerStatus> workers) {}

    private Outcome runAndKill(GraphFactory factory, Guarantee guarantee, long seed) throws Exception {
        KafkaOptions options = KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withGuarantee(guarantee)
                .withAllowedTypes(Total.class, Tally.class)
                .withDeleteTopicsOnClose(true)
                .withWorkers(Workers.processes(factory.getClass(), logs));
        Files.deleteIfExists(linesFile(factory.create().name()));
        try (Deployment deployment = factory.create().deploy(SystemType.KAFKA, options)) {
            List<String> kills = WorkerKills.kill(
                    deployment,
                    logs,
                    List.of("numbers", "sum", "out", "lines"),
                    KILLS,
                    new Random(seed),
                    UP_BEFORE_KILL);
            assertThat(deployment.awaitCompletion(Duration.ofMinutes(5))).isTrue();
            List<io.sluice.WorkerStatus> workers = deployment.status().workers();
            List<Object> results = deployment.results("out");
            List<Tally> tallies = results.stream()
                    .filter(Tally.class::isInstance)
                    .map(Tally.class::cast)
                    .toList();
            assertThat(tallies).hasSize(1);
            Path file = linesFile(factory.create().name());
            List<String> lines = Files.readAllLines(file);
            Files.delete(file);
            return new Outcome(totals(results), tallies.get(0), kills, lines, workers);
        }
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

    private static final long SUM = ITEMS * (ITEMS - 1) / 2;

    @Test
    void exactlyOnceAggregatesEqualAFaultFreeRunWhateverWorkerIsKilled() throws Exception {
        Outcome outcome = runAndKill(new ExactlyOnce(), Guarantee.EXACTLY_ONCE, 11);

        System.out.printf("exactly-once, kills %s%n", outcome.kills());
        assertThat(outcome.kills())
                .as("kills")
                .hasSizeGreaterThanOrEqualTo(KILLS)
                .contains("numbers", "sum", "out", "lines");
        assertThat(outcome.totals()).isEqualTo(expected);
        assertThat(outcome.tally())
                .as("every item exactly once at the end node")
                .isEqualTo(new Tally(ITEMS, SUM));
        assertThat(outcome.workers())
                .as("the status's worker processes")
                .extracting(io.sluice.WorkerStatus::node)
                .containsExactly("numbers", "sum", "out", "lines");
        assertThat(outcome.workers().stream()
                        .mapToInt(io.sluice.WorkerStatus::restarts)
                        .sum())
                .as("restarts the status counts, one per kill")
                .isEqualTo(outcome.kills().size());
        assertThat(outcome.workers()).allSatisfy(worker -> assertThat(worker.log())
                .hasValueSatisfying(log -> assertThat(log).endsWith(worker.node() + ".log")));
    }

    @Test
    void atLeastOnceLosesNothingWhateverWorkerIsKilled() throws Exception {
        Outcome outcome = runAndKill(new AtLeastOnce(), Guarantee.AT_LEAST_ONCE, 12);

        assertThat(outcome.kills()).hasSizeGreaterThanOrEqualTo(KILLS).contains("numbers", "sum", "out", "lines");
        assertThat(outcome.totals()).hasSize(KEYS);
        long overCount = 0;
        for (Total total : outcome.totals().values()) {
            Total exact = expected.get(total.key());
            assertThat(total.count()).as("key %d: nothing lost", total.key()).isGreaterThanOrEqualTo(exact.count());
            overCount += total.count() - exact.count();
        }
        assertThat(outcome.tally().items()).isGreaterThanOrEqualTo(ITEMS);
        assertThat(outcome.lines().stream()
                        .filter(line -> !line.startsWith("Total"))
                        .distinct())
                .as("no item's line lost")
                .hasSize((int) ITEMS);
        System.out.printf(
                "at-least-once, kills %s: aggregates over-count %d of %d items (%.3f %%); end node saw %d items%n",
                outcome.kills(),
                overCount,
                ITEMS,
                100.0 * overCount / ITEMS,
                outcome.tally().items());
    }

    @Test
    void powerCheckStateInAFieldIsCaught() throws Exception {
        Outcome outcome = runAndKill(new StateInAField(), Guarantee.EXACTLY_ONCE, 13);

        long wrong = outcome.totals().entrySet().stream()
                .filter(e -> !e.getValue().equals(expected.get(e.getKey())))
                .count();
        System.out.printf(
                "power check, state in a field, kills %s: %d of %d totals wrong, end node saw %s%n",
                outcome.kills(), wrong, KEYS, outcome.tally());
        assertThat(outcome.kills()).contains("sum");
        assertThat(outcome.totals())
                .as("a worker restarted with its sums in a field gives other totals")
                .isNotEqualTo(expected);
    }
}
