package io.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The LOCAL runtime's per-item path along a chain: the counters each node reports, now counted once per chained edge
 * and derived for the node downstream, and the map and filter nodes whose functions the path calls itself. Every case
 * runs chained on one thread, chained on task threads, and unchained, where every edge is a queue.
 */
class ChainedPathTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static Deployment run(ComputationalGraph graph, String mode, boolean chaining) throws Exception {
        Deployment deployment = graph.deploy(
                SystemType.LOCAL,
                LocalOptions.defaults()
                        .withMode(LocalOptions.Mode.valueOf(mode))
                        .withChaining(chaining));
        assertThat(deployment.awaitCompletion(TIMEOUT)).as("completed").isTrue();
        return deployment;
    }

    private static List<Integer> numbers(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @ParameterizedTest
    @CsvSource({"SINGLE_THREAD, true", "MULTI_THREAD, true", "MULTI_THREAD, false"})
    void everyNodeCountsWhatItTookAndEmittedAlongChainsFanOutsAndPorts(String mode, boolean chaining) throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("counted")
                .start("numbers", Sources.collection(numbers(10_000)))
                .map("double", (Integer i) -> i * 2)
                .filter("byFour", (Integer i) -> i % 4 == 0) // 5,000 pass, to two nodes
                .end("all", Sinks.discard())
                .route("split", (Integer i) -> i < 4_000 ? "small" : "big", "small", "big")
                .end("small", Sinks.discard())
                .map("halve", (Integer i) -> i % 3 == 0 ? null : i / 2) // null: nothing emitted
                .end("big", Sinks.discard())
                .edge("numbers -> double -> byFour -> all")
                .edge("byFour -> split")
                .edge("split.small -> small")
                .edge("split.big -> halve -> big")
                .build();

        try (Deployment deployment = run(graph, mode, chaining)) {
            DeploymentStatus status = deployment.status();
            long big = IntStream.range(0, 10_000)
                    .map(i -> i * 2)
                    .filter(i -> i % 4 == 0 && i >= 4_000)
                    .count();
            long halved = IntStream.range(0, 10_000)
                    .map(i -> i * 2)
                    .filter(i -> i % 4 == 0 && i >= 4_000 && i % 3 != 0)
                    .count();
            assertCounts(status, "numbers", 0, 10_000);
            assertCounts(status, "double", 10_000, 10_000);
            assertCounts(status, "byFour", 10_000, 5_000);
            assertCounts(status, "all", 5_000, 0);
            assertCounts(status, "split", 5_000, 5_000);
            assertCounts(status, "small", 5_000 - big, 0);
            assertCounts(status, "halve", big, halved);
            assertCounts(status, "big", halved, 0);
        }
    }

    /**
     * A chained map counts what it drops, and its items out are derived: what it took, less the drops and the items
     * its function failed on. Under CONFIRM a failed item fails its tree, not the deployment, so the counts go on.
     */
    @ParameterizedTest
    @CsvSource({"SINGLE_THREAD, true", "MULTI_THREAD, true", "MULTI_THREAD, false"})
    void aMapsItemsOutLeaveOutWhatItDroppedAndWhatFailed(String mode, boolean chaining) throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("failing-map")
                .start("numbers", Sources.collection(numbers(10_000)))
                .map("check", (Integer i) -> {
                    if (i % 1_000 == 0) {
                        throw new IllegalStateException(i + " is a round number");
                    }
                    return i % 7 == 0 ? null : i; // null: dropped
                })
                .map("same", (Integer i) -> i)
                .end("out", Sinks.discard())
                .edge("numbers -> check -> same -> out")
                .robustness(Robustness.confirm())
                .build();

        try (Deployment deployment = run(graph, mode, chaining)) {
            long passed = IntStream.range(0, 10_000)
                    .filter(i -> i % 1_000 != 0 && i % 7 != 0)
                    .count();
            DeploymentStatus status = deployment.status();
            assertCounts(status, "check", 10_000, passed);
            assertThat(status.node("check").errors()).isEqualTo(10);
            assertCounts(status, "same", passed, passed);
            assertCounts(status, "out", passed, 0);
        }
    }

    /**
     * The head of a task counts each item it takes from its queue: when one fails, the items behind it in the batch
     * were never taken in, and the counts the failed deployment shows leave them out. They show as soon as the
     * deployment is FAILED: here the failing node's {@code close()} is still blocked when they are read.
     */
    @Test
    void aTaskHeadThatFailsMidBatchCountsInOnlyWhatItTook() throws Exception {
        CountDownLatch closing = new CountDownLatch(1);
        ComputationalGraph graph = ComputationalGraph.builder("failing-head")
                .start("numbers", Sources.collection(numbers(1_000)))
                .node("boom", () -> new Node<Integer, Integer>() {
                    @Override
                    public void process(Integer i, Emitter<Integer> emitter) {
                        if (i == 300) {
                            throw new IllegalStateException("300 is too many");
                        }
                        emitter.emit(i);
                    }

                    @Override
                    public void close() throws InterruptedException {
                        closing.await();
                    }
                })
                .end("out", Sinks.discard())
                .edge("numbers -> boom -> out")
                .build();
        LocalOptions unchained = LocalOptions.defaults().withChaining(false).withBatchSize(256);

        try (Deployment deployment = graph.deploy(SystemType.LOCAL, unchained)) {
            try {
                assertThat(deployment.awaitTermination(TIMEOUT)).isEqualTo(DeploymentState.FAILED);
                NodeStatus boom = deployment.status().node("boom");
                assertThat(boom.errors()).isEqualTo(1);
                assertThat(boom.itemsIn())
                        .as("items 0 to 300: the second batch (256 to 511) stops at 300")
                        .isEqualTo(301);
            } finally {
                closing.countDown();
            }
        }
    }

    private static void assertCounts(DeploymentStatus status, String node, long in, long out) {
        assertThat(status.node(node).itemsIn()).as("%s in", node).isEqualTo(in);
        assertThat(status.node(node).itemsOut()).as("%s out", node).isEqualTo(out);
    }

    @ParameterizedTest
    @CsvSource({"SINGLE_THREAD, true", "MULTI_THREAD, true", "MULTI_THREAD, false"})
    void mapsAndFiltersOfOneLambdaClassEachApplyTheirOwnCapturedValues(String mode, boolean chaining) throws Exception {
        // one lambda class each for the maps and the filters, captured values differing: the hops of a class are
        // shared by code, never by the function instance
        Function<Integer, Function<Integer, Integer>> adder = k -> i -> i + k;
        Function<Integer, java.util.function.Predicate<Integer>> notDivisibleBy = k -> i -> i % k != 0;
        ComputationalGraph graph = ComputationalGraph.builder("captured")
                .start("numbers", Sources.collection(numbers(1_000)))
                .map("plusOne", adder.apply(1))
                .filter("notByTwo", notDivisibleBy.apply(2))
                .map("plusTen", adder.apply(10))
                .filter("notByThree", notDivisibleBy.apply(3))
                .end("out", Sinks.collect())
                .edge("numbers -> plusOne -> notByTwo -> plusTen -> notByThree -> out")
                .build();

        try (Deployment deployment = run(graph, mode, chaining)) {
            assertThat(deployment.<Integer>results("out"))
                    .containsExactlyElementsOf(IntStream.range(0, 1_000)
                            .map(i -> i + 1)
                            .filter(i -> i % 2 != 0)
                            .map(i -> i + 10)
                            .filter(i -> i % 3 != 0)
                            .boxed()
                            .toList());
        }
    }

    @ParameterizedTest
    @CsvSource({"SINGLE_THREAD, true", "MULTI_THREAD, true", "MULTI_THREAD, false"})
    void aThrowingMapFailsNamingTheNodeAndTheItem(String mode, boolean chaining) {
        ComputationalGraph graph = ComputationalGraph.builder("throwing")
                .start("numbers", Sources.collection(numbers(100)))
                .map("invert", (Integer i) -> 100 / (i - 42))
                .end("out", Sinks.discard())
                .edge("numbers -> invert -> out")
                .build();

        assertThatThrownBy(() -> run(graph, mode, chaining).close())
                .isInstanceOf(NodeFailedException.class)
                .hasMessage("Node 'invert' failed on item 42: ArithmeticException: / by zero");
    }

    @ParameterizedTest
    @CsvSource({"SINGLE_THREAD, true", "MULTI_THREAD, true", "MULTI_THREAD, false"})
    void aThrowingFilterFailsNamingTheNodeAndTheItem(String mode, boolean chaining) {
        ComputationalGraph graph = ComputationalGraph.builder("throwing")
                .start("numbers", Sources.collection(numbers(100)))
                .filter("picky", (Integer i) -> {
                    if (i == 17) {
                        throw new IllegalStateException("17 is not welcome");
                    }
                    return true;
                })
                .end("out", Sinks.discard())
                .edge("numbers -> picky -> out")
                .build();

        assertThatThrownBy(() -> run(graph, mode, chaining).close())
                .isInstanceOf(NodeFailedException.class)
                .hasMessage("Node 'picky' failed on item 17: IllegalStateException: 17 is not welcome");
    }
}
