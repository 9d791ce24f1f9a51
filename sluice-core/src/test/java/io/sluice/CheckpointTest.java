package io.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checkpoints on LOCAL: node stores, start node positions and end node positions taken as one consistent cut, so that
 * a deployment that failed and is started again on the same directory gives exactly what one run without a failure
 * gives. The crash tests ({@code StateCrashRecoveryTest}) do the same with kill -9.
 */
class CheckpointTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** Counts the items of each key in a store and emits the key's count so far: "k<key> <n>". */
    static final class Count implements Node<Long, String> {
        private KeyValueStore<Long, Long> counts;

        @Override
        public void open(NodeContext context) {
            counts = context.store("counts");
        }

        @Override
        public void process(Long key, Emitter<String> out) {
            long n = counts.getOrDefault(key, 0L) + 1;
            counts.put(key, n);
            out.emit("k" + key + " " + n);
        }
    }

    /** Sums what it sees in a value state and emits the sum when its input ends. */
    static final class Sum implements Node<Long, String> {
        private ValueState<Long> sum;

        @Override
        public void open(NodeContext context) {
            sum = context.valueState("sum");
        }

        @Override
        public void process(Long item, Emitter<String> out) {
            sum.set(sum.getOrDefault(0L) + item);
        }

        @Override
        public void onComplete(Emitter<String> out) {
            out.emit("sum " + sum.getOrDefault(0L));
        }
    }

    private static ComputationalGraph counting(Path out, long items, String breakAt, Robustness robustness) {
        return ComputationalGraph.builder("counting")
                .start("numbers", Sources.generator(items, i -> i % 100))
                .node("count", Count::new)
                .stores("counts")
                .parallelism(2)
                .map("check", (String line) -> {
                    if (line.equals(breakAt)) {
                        throw new IllegalStateException("disk full");
                    }
                    return line;
                })
                .end("out", Sinks.appendLines(out))
                .edge("numbers -> count", Partitioning.keyed((Long key) -> key))
                .edge("count -> check -> out")
                .robustness(robustness)
                .build();
    }

    static Stream<Arguments> modesAndLevels() {
        List<Arguments> all = new ArrayList<>();
        for (LocalOptions.Mode mode : List.of(LocalOptions.Mode.SINGLE_THREAD, LocalOptions.Mode.MULTI_THREAD)) {
            all.add(Arguments.of(mode, Robustness.none()));
            all.add(Arguments.of(mode, Robustness.confirm().withNode("check", Robustness.Level.NONE)));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("modesAndLevels")
    void afterAFailureTheStoresAndTheOutputFileComeBackAsTheCheckpointHadThem(
            LocalOptions.Mode mode, Robustness robustness, @TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        LocalOptions options = LocalOptions.defaults()
                .withMode(mode)
                .withCheckpoints(dir.resolve("checkpoints"), Duration.ofMillis(1));

        // First run: the deployment fails when key 7 reaches 1,500 — long after the first checkpoints.
        try (Deployment broken = counting(out, 300_000, "k7 1500", robustness).deploy(SystemType.LOCAL, options)) {
            assertThatThrownBy(() -> broken.awaitCompletion(TIMEOUT)).hasMessageContaining("disk full");
        }
        assertThat(Files.readAllLines(out)).hasSizeLessThan(300_000);

        // Second run on the same directory: the counts go on from the checkpoint, and the file from its length then.
        try (Deployment resumed = counting(out, 300_000, "none", robustness).deploy(SystemType.LOCAL, options)) {
            assertThat(resumed.awaitCompletion(TIMEOUT)).isTrue();
        }
        assertExactCounts(Files.readAllLines(out), 100, 3_000);
    }

    /** Every key's lines are "k<key> 1" to "k<key> <count>", each once: what one run without failure writes. */
    private static void assertExactCounts(List<String> lines, int keys, long count) {
        Map<String, Long> seen = new HashMap<>();
        for (String line : lines) {
            seen.merge(line, 1L, Long::sum);
        }
        Map<String, Long> duplicated = new HashMap<>();
        seen.forEach((line, times) -> {
            if (times > 1) {
                duplicated.put(line, times);
            }
        });
        List<String> missing = new ArrayList<>();
        for (int key = 0; key < keys; key++) {
            for (long n = 1; n <= count; n++) {
                if (!seen.containsKey("k" + key + " " + n)) {
                    missing.add("k" + key + " " + n);
                }
            }
        }
        assertThat(duplicated).as("lines written twice").isEmpty();
        assertThat(missing).as("lines missing").isEmpty();
        assertThat(lines).hasSize((int) (keys * count));
    }

    @Test
    void aCompletedDeploymentRunAgainGoesOnFromWhereItEnded(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.txt");
        Path out = dir.resolve("out.txt");
        LocalOptions options = LocalOptions.defaults().withCheckpoints(dir.resolve("checkpoints"));
        Files.write(in, List.of("1", "2", "3"));
        try (Deployment first = summing(in, out).deploy(SystemType.LOCAL, options)) {
            assertThat(first.awaitCompletion(TIMEOUT)).isTrue();
        }
        Files.write(in, List.of("1", "2", "3", "10"));
        try (Deployment second = summing(in, out).deploy(SystemType.LOCAL, options)) {
            assertThat(second.awaitCompletion(TIMEOUT)).isTrue();
        }

        assertThat(Files.readAllLines(out))
                .as("the second run read only the new line, and its sum started from the first run's")
                .containsExactly("sum 6", "sum 16");
    }

    private static ComputationalGraph summing(Path in, Path out) {
        return ComputationalGraph.builder("summing")
                .start("lines", Sources.lines(in))
                .map("parse", (String line) -> Long.parseLong(line))
                .node("sum", Sum::new)
                .stores("sum")
                .end("out", Sinks.appendLines(out))
                .edge("lines -> parse -> sum -> out")
                .build();
    }

    @Test
    void aBranchThatEndedBeforeTheFailureIsNotRunAgain(@TempDir Path dir) throws Exception {
        Path sums = dir.resolve("sums.txt");
        Path counts = dir.resolve("counts.txt");
        LocalOptions options = LocalOptions.defaults()
                .withMode(LocalOptions.Mode.SINGLE_THREAD)
                .withCheckpoints(dir.resolve("checkpoints"), Duration.ofMillis(1));

        // The short branch ends in the first round; the long one fails 200,000 items later, after many checkpoints.
        try (Deployment broken = twoBranches(sums, counts, "k7 2000").deploy(SystemType.LOCAL, options)) {
            assertThatThrownBy(() -> broken.awaitCompletion(TIMEOUT)).hasMessageContaining("disk full");
        }
        assertThat(Files.readAllLines(sums)).containsExactly("sum 55");

        try (Deployment resumed = twoBranches(sums, counts, "none").deploy(SystemType.LOCAL, options)) {
            assertThat(resumed.awaitCompletion(TIMEOUT)).isTrue();
        }
        assertThat(Files.readAllLines(sums))
                .as("the short branch had ended: its sum is not emitted again")
                .containsExactly("sum 55");
        assertExactCounts(Files.readAllLines(counts), 100, 3_000);
    }

    private static ComputationalGraph twoBranches(Path sums, Path counts, String breakAt) {
        return ComputationalGraph.builder("two-branches")
                .start("few", Sources.generator(11, i -> i))
                .node("sum", Sum::new)
                .stores("sum")
                .end("sums", Sinks.appendLines(sums))
                .start("numbers", Sources.generator(300_000, i -> i % 100))
                .node("count", Count::new)
                .stores("counts")
                .map("check", (String line) -> {
                    if (line.equals(breakAt)) {
                        throw new IllegalStateException("disk full");
                    }
                    return line;
                })
                .end("counts", Sinks.appendLines(counts))
                .edge("few -> sum -> sums")
                .edge("numbers -> count -> check -> counts")
                .build();
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void nodesThatTickGoOnTickingBetweenCheckpoints(LocalOptions.Mode mode, @TempDir Path dir) throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("ticking")
                .start("numbers", Sources.generator(200_000, i -> i))
                .chunk("chunks", Chunking.byTime(Duration.ofMillis(2)))
                .parallelism(2)
                .end("out", Sinks.collect())
                .edge("numbers -> chunks", Partitioning.roundRobin())
                .edge("chunks -> out")
                .build();
        LocalOptions options = LocalOptions.defaults().withMode(mode).withCheckpoints(dir, Duration.ofMillis(1));

        try (Deployment deployment = graph.deploy(SystemType.LOCAL, options)) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
            List<List<Long>> chunks = deployment.results("out");
            assertThat(chunks).hasSizeGreaterThan(2);
            assertThat(chunks.stream().mapToLong(List::size).sum()).isEqualTo(200_000);
            assertThat(chunks.stream().flatMap(List::stream).distinct().count()).isEqualTo(200_000);
        }
    }

    /** A value a store cannot write to a checkpoint. */
    record Tally(long n, Object lock) {}

    @Test
    void aValueThatCannotBeSerializedFailsNamingTheStoreKeyAndType(@TempDir Path dir) throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("tallies")
                .start("words", Sources.collection(List.of("a", "b")))
                .node("tally", () -> new Node<String, String>() {
                    private KeyValueStore<String, Tally> tallies;

                    @Override
                    public void open(NodeContext context) {
                        tallies = context.store("tallies");
                    }

                    @Override
                    public void process(String word, Emitter<String> out) {
                        tallies.put(word, new Tally(1, new Object()));
                    }
                })
                .stores("tallies")
                .end("out", Sinks.collect())
                .edge("words -> tally -> out")
                .build();

        try (Deployment deployment =
                graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withCheckpoints(dir))) {
            assertThatThrownBy(() -> deployment.awaitCompletion(TIMEOUT))
                    .isInstanceOf(NodeFailedException.class)
                    .hasMessageContaining(
                            "Store 'tallies' of node 'tally' (instance 0): cannot write key 'a' to the" + " checkpoint")
                    .hasMessageContaining("expected a value that is java.io.Serializable but found a"
                            + " io.sluice.CheckpointTest$Tally; make io.sluice.CheckpointTest$Tally implement"
                            + " java.io.Serializable");
        }
    }

    @Test
    void aCheckpointWrittenWithAnotherParallelismIsRefused(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        LocalOptions options = LocalOptions.defaults().withCheckpoints(dir.resolve("checkpoints"));
        try (Deployment first = counting(out, 1_000, "none", Robustness.none()).deploy(SystemType.LOCAL, options)) {
            assertThat(first.awaitCompletion(TIMEOUT)).isTrue();
        }
        ComputationalGraph wider = ComputationalGraph.builder("counting")
                .start("numbers", Sources.generator(1_000, i -> i % 100))
                .node("count", Count::new)
                .stores("counts")
                .parallelism(3)
                .end("out", Sinks.appendLines(out))
                .edge("numbers -> count", Partitioning.keyed((Long key) -> key))
                .edge("count -> out")
                .build();

        assertThatThrownBy(() -> wider.deploy(SystemType.LOCAL, options))
                .isInstanceOf(SluiceException.class)
                .hasMessageContaining("Node 'count': the checkpoint ")
                .hasMessageContaining(" was written with a different parallelism; expected 2 (its state and positions"
                        + " are split that way) but found 3; run the node with parallelism 2, or delete the checkpoint"
                        + " to start from the beginning");
    }

    /**
     * A two-phase sink: items are staged, a position is how many, and only what a written checkpoint covers becomes
     * visible; what the last checkpoint did not cover is made visible by {@code onComplete}.
     */
    static final class TwoPhaseSink implements EndNode<Long>, Resumable {
        static final List<Long> visible = java.util.Collections.synchronizedList(new ArrayList<>());
        static final List<String> given = java.util.Collections.synchronizedList(new ArrayList<>());
        static final List<String> confirmed = java.util.Collections.synchronizedList(new ArrayList<>());
        private final List<Long> staged = new ArrayList<>();
        private int shown;

        @Override
        public void process(Long item) {
            staged.add(item);
        }

        @Override
        public String position() {
            String position = Integer.toString(staged.size());
            given.add(position);
            return position;
        }

        @Override
        public void resume(String position) {}

        @Override
        public void committed(String position) {
            confirmed.add(position);
            int upTo = Integer.parseInt(position);
            if (upTo > shown) { // nothing after onComplete
                visible.addAll(staged.subList(shown, upTo));
                shown = upTo;
            }
        }

        @Override
        public void onComplete() {
            visible.addAll(staged.subList(shown, staged.size()));
            shown = staged.size();
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void anEndNodeIsToldWhenACheckpointHoldingItsPositionIsWritten(LocalOptions.Mode mode, @TempDir Path dir)
            throws Exception {
        TwoPhaseSink.visible.clear();
        TwoPhaseSink.given.clear();
        TwoPhaseSink.confirmed.clear();
        long items = 20_000;
        ComputationalGraph graph = ComputationalGraph.builder("two-phase-" + mode)
                .start("numbers", Sources.generator(items, i -> {
                    if (i % 100 == 0) {
                        sleep(1); // long enough for several checkpoints
                    }
                    return i;
                }))
                .end("sink", TwoPhaseSink::new)
                .edge("numbers -> sink")
                .build();
        LocalOptions options = LocalOptions.defaults().withMode(mode).withCheckpoints(dir, Duration.ofMillis(20));
        try (Deployment deployment = graph.deploy(SystemType.LOCAL, options)) {
            assertThat(deployment.awaitCompletion(Duration.ofMinutes(1))).isTrue();
        }

        assertThat(TwoPhaseSink.confirmed).as("positions confirmed").isNotEmpty();
        assertThat(TwoPhaseSink.given).as("every confirmed position was given").containsAll(TwoPhaseSink.confirmed);
        assertThat(TwoPhaseSink.confirmed.stream().map(Integer::parseInt).toList())
                .as("confirmed in order")
                .isSorted();
        assertThat(TwoPhaseSink.visible)
                .as("every item visible once, in order")
                .isEqualTo(java.util.stream.LongStream.range(0, items).boxed().toList());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
