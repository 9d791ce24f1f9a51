package io.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The LOCAL runtime's behaviour, in both modes wherever the behaviour is the same. */
class LocalRuntimeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static List<Integer> numbers(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    private static Deployment runToCompletion(ComputationalGraph graph, LocalOptions.Mode mode) throws Exception {
        Deployment deployment =
                graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withMode(mode));
        assertThat(deployment.awaitCompletion(TIMEOUT)).as("completed").isTrue();
        return deployment;
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void linearPipelineDeliversEveryItemInOrder(LocalOptions.Mode mode) throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("linear")
                .start("numbers", Sources.collection(numbers(10_000)))
                .map("double", (Integer i) -> i * 2)
                .filter("byFour", (Integer i) -> i % 4 == 0)
                .end("out", Sinks.collect())
                .edge("numbers -> double -> byFour -> out")
                .build();

        try (Deployment deployment = runToCompletion(graph, mode)) {
            assertThat(deployment.<Integer>results("out"))
                    .containsExactlyElementsOf(
                            IntStream.range(0, 5_000).map(i -> i * 4).boxed().toList());
            DeploymentStatus status = deployment.status();
            assertThat(status.state()).isEqualTo(DeploymentState.COMPLETED);
            assertThat(status.node("double").itemsIn()).isEqualTo(10_000);
            assertThat(status.node("byFour").itemsOut()).isEqualTo(5_000);
            assertThat(status.node("out").itemsIn()).isEqualTo(5_000);
            assertThat(status.nodes().values()).allSatisfy(node -> {
                assertThat(node.state()).isEqualTo(NodeState.COMPLETED);
                assertThat(node.lastActivity()).isPresent();
            });
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void broadcastSendsEveryItemToEveryBranch(LocalOptions.Mode mode) throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("fanout")
                .start("numbers", Sources.collection(numbers(1_000)))
                .broadcast("copy")
                .end("left", Sinks.collect())
                .end("right", Sinks.collect())
                .map("plusOne", (Integer i) -> i + 1)
                .parallelism(3)
                .end("third", Sinks.collect())
                .edge("numbers -> copy -> left")
                .edge("copy -> right")
                .edge("copy -> plusOne -> third")
                .build();

        try (Deployment deployment = runToCompletion(graph, mode)) {
            assertThat(deployment.<Integer>results("left")).containsExactlyElementsOf(numbers(1_000));
            assertThat(deployment.<Integer>results("right")).containsExactlyElementsOf(numbers(1_000));
            assertThat(deployment.<Integer>results("third"))
                    .containsExactlyInAnyOrderElementsOf(
                            IntStream.rangeClosed(1, 1_000).boxed().toList());
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void routeSendsEachItemToExactlyOneBranch(LocalOptions.Mode mode) throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("routing")
                .start("numbers", Sources.collection(numbers(1_000)))
                .route("split", (Integer i) -> i % 3 == 0 ? "fizz" : "other", "fizz", "other")
                .end("fizz", Sinks.collect())
                .end("other", Sinks.collect())
                .edge("numbers -> split")
                .edge("split.fizz -> fizz")
                .edge("split.other -> other")
                .build();

        try (Deployment deployment = runToCompletion(graph, mode)) {
            List<Integer> fizz = deployment.results("fizz");
            List<Integer> other = deployment.results("other");
            assertThat(fizz).allMatch(i -> i % 3 == 0).hasSize(334);
            assertThat(other).noneMatch(i -> i % 3 == 0).hasSize(666);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void roundRobinRouteTakesBranchesInTurn(LocalOptions.Mode mode) throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("turns")
                .start("numbers", Sources.collection(numbers(9)))
                .route("deal", "a", "b", "c")
                .end("a", Sinks.collect())
                .end("b", Sinks.collect())
                .end("c", Sinks.collect())
                .edge("numbers -> deal")
                .edge("deal.a -> a")
                .edge("deal.b -> b")
                .edge("deal.c -> c")
                .build();

        try (Deployment deployment = runToCompletion(graph, mode)) {
            assertThat(deployment.<Integer>results("a")).containsExactly(0, 3, 6);
            assertThat(deployment.<Integer>results("b")).containsExactly(1, 4, 7);
            assertThat(deployment.<Integer>results("c")).containsExactly(2, 5, 8);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void routeToAnUndeclaredBranchFailsNamingTheItem(LocalOptions.Mode mode) throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("badroute")
                .start("numbers", Sources.collection(numbers(10)))
                .route("split", (Integer i) -> i == 7 ? "elsewhere" : "ok", "ok")
                .end("ok", Sinks.collect())
                .edge("numbers -> split")
                .edge("split.ok -> ok")
                .build();

        try (Deployment deployment =
                graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withMode(mode))) {
            assertThatThrownBy(() -> deployment.awaitCompletion(TIMEOUT))
                    .isInstanceOf(NodeFailedException.class)
                    .hasMessage("Node 'split' failed on item 7: IllegalArgumentException: the route function returned"
                            + " 'elsewhere', which is not a branch of this route; branches: [ok]");
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void mergeJoinsSeveralBranchesIntoOne(LocalOptions.Mode mode) throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("joins")
                .start("odds", Sources.collection(List.of(1, 3, 5)))
                .start("evens", Sources.collection(List.of(2, 4, 6)))
                .merge("all")
                .end("out", Sinks.collect())
                .edge("odds -> all -> out")
                .edge("evens -> all")
                .build();

        try (Deployment deployment = runToCompletion(graph, mode)) {
            assertThat(deployment.<Integer>results("out")).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void chunkersFlushWhatTheyHoldWhenTheInputEnds(LocalOptions.Mode mode) throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("chunks")
                .start("words", Sources.collection(List.of("a", "a", "b", "ccc", "ccc", "d", "ee")))
                .broadcast("copy")
                .chunk("byCount", Chunking.byCount(3))
                .chunk("byKey", Chunking.byKey((String s) -> s.charAt(0)))
                .chunk("bySize", Chunking.bySize(String::length, 4))
                .end("counted", Sinks.collect())
                .end("keyed", Sinks.collect())
                .end("sized", Sinks.collect())
                .edge("words -> copy -> byCount -> counted")
                .edge("copy -> byKey -> keyed")
                .edge("copy -> bySize -> sized")
                .build();

        try (Deployment deployment = runToCompletion(graph, mode)) {
            assertThat(deployment.<List<String>>results("counted"))
                    .containsExactly(List.of("a", "a", "b"), List.of("ccc", "ccc", "d"), List.of("ee"));
            assertThat(deployment.<List<String>>results("keyed"))
                    .containsExactly(
                            List.of("a", "a"), List.of("b"), List.of("ccc", "ccc"), List.of("d"), List.of("ee"));
            assertThat(deployment.<List<String>>results("sized"))
                    .containsExactly(List.of("a", "a", "b"), List.of("ccc"), List.of("ccc", "d"), List.of("ee"));
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void chunkByTimeEmitsWhatArrivedInEachPeriod(LocalOptions.Mode mode) throws Exception {
        StartNode<Integer> slow = new StartNode<>() {
            private int next;

            @Override
            public boolean pull(Emitter<Integer> emitter) throws InterruptedException {
                Thread.sleep(20);
                emitter.emit(next++);
                return next < 30;
            }
        };
        ComputationalGraph graph = ComputationalGraph.builder("timed")
                .start("slow", () -> slow)
                .chunk("perPeriod", Chunking.byTime(Duration.ofMillis(100)))
                .end("out", Sinks.collect())
                .edge("slow -> perPeriod -> out")
                .build();

        try (Deployment deployment = runToCompletion(graph, mode)) {
            List<List<Integer>> chunks = deployment.results("out");
            assertThat(chunks).hasSizeGreaterThan(1);
            assertThat(chunks.stream().flatMap(List::stream)).containsExactlyElementsOf(numbers(30));
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void sideOutputsReachTheirOwnEdges(LocalOptions.Mode mode) throws Exception {
        Node<String, Integer> parse = (text, out) -> {
            try {
                out.emit(Integer.parseInt(text));
            } catch (NumberFormatException e) {
                out.emit("invalid", text);
            }
        };
        ComputationalGraph graph = ComputationalGraph.builder("sides")
                .start("texts", Sources.collection(List.of("1", "two", "3")))
                .node("parse", parse)
                .ports("invalid")
                .end("numbers", Sinks.collect())
                .end("rejects", Sinks.collect())
                .edge("texts -> parse -> numbers")
                .edge("parse.invalid -> rejects")
                .build();

        try (Deployment deployment = runToCompletion(graph, mode)) {
            assertThat(deployment.<Integer>results("numbers")).containsExactly(1, 3);
            assertThat(deployment.<String>results("rejects")).containsExactly("two");
        }
    }

    /** Tags each item with the instance that saw it. */
    record Seen(Object item, int instance) {}

    private static Node<Object, Seen> tagWithInstance() {
        return new Node<>() {
            private int instance;

            @Override
            public void open(NodeContext context) {
                instance = context.instance();
            }

            @Override
            public void process(Object item, Emitter<Seen> emitter) {
                emitter.emit(new Seen(item, instance));
            }
        };
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void keyedEdgeAlwaysSendsOneKeyToTheSameInstance(LocalOptions.Mode mode) throws Exception {
        List<String> words =
                IntStream.range(0, 5_000).mapToObj(i -> "key" + (i % 37)).toList();
        ComputationalGraph graph = ComputationalGraph.builder("keyed")
                .start("words", Sources.collection(words))
                .parallelism(2)
                .node("tag", LocalRuntimeTest::tagWithInstance)
                .parallelism(4)
                .end("out", Sinks.collect())
                .edge("words -> tag", Partitioning.keyed((String w) -> w))
                .edge("tag -> out")
                .build();

        try (Deployment deployment = runToCompletion(graph, mode)) {
            List<Seen> seen = deployment.results("out");
            assertThat(seen).hasSize(5_000);
            Map<Object, Set<Integer>> instancesByKey = new HashMap<>();
            seen.forEach(s -> instancesByKey
                    .computeIfAbsent(s.item(), k -> new HashSet<>())
                    .add(s.instance()));
            assertThat(instancesByKey).hasSize(37).allSatisfy((key, instances) -> assertThat(instances)
                    .hasSize(1));
            assertThat(instancesByKey.values().stream().flatMap(Set::stream).distinct())
                    .as("keys spread over the instances")
                    .hasSize(4);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void partitioningsSpreadItemsAsTheyPromise(LocalOptions.Mode mode) throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("spread")
                .start("numbers", Sources.collection(numbers(300)))
                .broadcast("copy")
                .node("roundRobin", LocalRuntimeTest::tagWithInstance)
                .parallelism(3)
                .node("everyone", LocalRuntimeTest::tagWithInstance)
                .parallelism(3)
                .node("first", LocalRuntimeTest::tagWithInstance)
                .parallelism(3)
                .end("rr", Sinks.collect())
                .end("all", Sinks.collect())
                .end("global", Sinks.collect())
                .edge("numbers -> copy")
                .edge("copy -> roundRobin", Partitioning.roundRobin())
                .edge("copy -> everyone", Partitioning.broadcast())
                .edge("copy -> first", Partitioning.global())
                .edge("roundRobin -> rr")
                .edge("everyone -> all")
                .edge("first -> global")
                .build();

        try (Deployment deployment = runToCompletion(graph, mode)) {
            assertThat(countByInstance(deployment.results("rr")))
                    .containsOnly(Map.entry(0, 100L), Map.entry(1, 100L), Map.entry(2, 100L));
            assertThat(countByInstance(deployment.results("all")))
                    .containsOnly(Map.entry(0, 300L), Map.entry(1, 300L), Map.entry(2, 300L));
            assertThat(countByInstance(deployment.results("global"))).containsOnly(Map.entry(0, 300L));
        }
    }

    private static Map<Integer, Long> countByInstance(List<Seen> seen) {
        return seen.stream().collect(Collectors.groupingBy(Seen::instance, Collectors.counting()));
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void parallelStartNodesShareTheirInputWithoutOverlap(LocalOptions.Mode mode) throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("shared")
                .start("numbers", Sources.collection(numbers(1_000)))
                .parallelism(3)
                .start("generated", Sources.generator(1_000, i -> (int) i))
                .parallelism(2)
                .end("fromCollection", Sinks.collect())
                .end("fromGenerator", Sinks.collect())
                .edge("numbers -> fromCollection", Partitioning.roundRobin())
                .edge("generated -> fromGenerator", Partitioning.roundRobin())
                .build();

        try (Deployment deployment = runToCompletion(graph, mode)) {
            assertThat(deployment.<Integer>results("fromCollection"))
                    .containsExactlyInAnyOrderElementsOf(numbers(1_000));
            assertThat(deployment.<Integer>results("fromGenerator"))
                    .containsExactlyInAnyOrderElementsOf(numbers(1_000));
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void userExceptionFailsTheDeploymentNamingNodeAndItem(LocalOptions.Mode mode) throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        Node<Integer, Integer> picky = new Node<>() {
            @Override
            public void process(Integer item, Emitter<Integer> emitter) {
                if (item == 4_321) {
                    throw new IllegalStateException("cannot stand " + item);
                }
                emitter.emit(item);
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };
        ComputationalGraph graph = ComputationalGraph.builder("failing")
                .start("numbers", Sources.generator(i -> (int) i)) // never ends on its own
                .node("picky", () -> picky)
                .parallelism(1)
                .end("out", Sinks.discard())
                .parallelism(2)
                .edge("numbers -> picky -> out")
                .build();

        try (Deployment deployment =
                graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withMode(mode))) {
            assertThatThrownBy(() -> deployment.awaitCompletion(TIMEOUT))
                    .isInstanceOf(NodeFailedException.class)
                    .hasMessage("Node 'picky' failed on item 4321: IllegalStateException: cannot stand 4321")
                    .hasRootCauseInstanceOf(IllegalStateException.class)
                    .satisfies(
                            e -> assertThat(((NodeFailedException) e).nodeId()).isEqualTo("picky"));
            await().atMost(TIMEOUT).until(closed::get);
            DeploymentStatus status = deployment.status();
            assertThat(status.state()).isEqualTo(DeploymentState.FAILED);
            assertThat(status.failure())
                    .contains("Node 'picky' failed on item 4321: IllegalStateException: cannot" + " stand 4321");
            assertThat(status.node("picky").state()).isEqualTo(NodeState.FAILED);
            assertThat(status.node("picky").errors()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void assertionErrorInANodeFailsTheDeploymentNamingNodeAndItem(LocalOptions.Mode mode) throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("asserting")
                .start("numbers", Sources.collection(numbers(10)))
                .map("strict", (Integer i) -> {
                    if (i == 3) {
                        throw new AssertionError("three is odd");
                    }
                    return i;
                })
                .end("out", Sinks.collect())
                .edge("numbers -> strict -> out")
                .build();

        try (Deployment deployment =
                graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withMode(mode))) {
            assertThatThrownBy(() -> deployment.awaitCompletion(TIMEOUT))
                    .isInstanceOf(NodeFailedException.class)
                    .hasMessage("Node 'strict' failed on item 3: AssertionError: three is odd")
                    .hasRootCauseInstanceOf(AssertionError.class);
            assertThat(deployment.status().state()).isEqualTo(DeploymentState.FAILED);
            assertThat(deployment.status().node("strict").state()).isEqualTo(NodeState.FAILED);
        }
    }

    @Test
    void errorsOfNodeCodeAreItemFailuresButTheJvmsOwnAreNot() throws Exception {
        // A StackOverflowError is the node's recursion: under REPLAY its item is replayed, then dead-lettered.
        ComputationalGraph recursing = ComputationalGraph.builder("recursing")
                .start("numbers", Sources.collection(numbers(5)))
                .map("deep", (Integer i) -> i == 2 ? overflow(i) : i)
                .end("out", Sinks.collect())
                .end("dead", Sinks.collect())
                .edge("numbers -> deep -> out")
                .robustness(
                        Robustness.replay(2).withBackoff(Duration.ofMillis(1)).withDeadLetter("dead"))
                .build();
        try (Deployment deployment = recursing.deploy(SystemType.LOCAL, LocalOptions.defaults())) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
            assertThat(deployment.<Integer>results("out")).containsExactlyInAnyOrder(0, 1, 3, 4);
            List<DeadLetter> dead = deployment.results("dead");
            assertThat(dead).singleElement().satisfies(letter -> {
                assertThat(letter.item()).isEqualTo(2);
                assertThat(letter.lastFailure().error()).startsWith("StackOverflowError");
            });
        }

        // An OutOfMemoryError is the JVM's: no item is blamed for it, the deployment fails naming the node.
        ComputationalGraph greedy = ComputationalGraph.builder("greedy")
                .start("numbers", Sources.collection(numbers(5)))
                .map("hungry", (Integer i) -> {
                    if (i == 2) {
                        throw new OutOfMemoryError("simulated");
                    }
                    return i;
                })
                .parallelism(2) // a task of its own, so that the task's node is the node
                .end("out", Sinks.collect())
                .end("dead", Sinks.collect())
                .edge("numbers -> hungry -> out")
                .robustness(
                        Robustness.replay(2).withBackoff(Duration.ofMillis(1)).withDeadLetter("dead"))
                .build();
        try (Deployment deployment = greedy.deploy(SystemType.LOCAL, LocalOptions.defaults())) {
            assertThatThrownBy(() -> deployment.awaitCompletion(TIMEOUT))
                    .isInstanceOf(NodeFailedException.class)
                    .hasMessageStartingWith("Node 'hungry' (task '")
                    .hasMessageEndingWith("failed: OutOfMemoryError: simulated")
                    .hasRootCauseInstanceOf(OutOfMemoryError.class);
            assertThat(deployment.<DeadLetter>results("dead")).isEmpty();
        }
    }

    private static int overflow(int depth) {
        return overflow(depth + 1) + 1;
    }

    @Test
    void failureInOpenIsReportedWithTheNodeAndInstance() throws Exception {
        Node<Object, Object> broken = new Node<>() {
            @Override
            public void open(NodeContext context) throws Exception {
                if (context.instance() == 1) {
                    throw new java.io.IOException("no connection");
                }
            }

            @Override
            public void process(Object item, Emitter<Object> emitter) {}
        };
        ComputationalGraph graph = ComputationalGraph.builder("opening")
                .start("numbers", Sources.collection(numbers(10)))
                .node("broken", () -> broken)
                .parallelism(2)
                .end("out", Sinks.discard())
                .edge("numbers -> broken", Partitioning.roundRobin())
                .edge("broken -> out")
                .build();

        try (Deployment deployment = graph.deploySystem(SystemType.LOCAL)) {
            assertThatThrownBy(() -> deployment.awaitCompletion(TIMEOUT))
                    .hasMessage("Node 'broken' (instance 1 of 2) failed to open: IOException: no connection");
        }
    }

    @Test
    void closeStopsAnEndlessGraphAndClosesEveryNode() throws Exception {
        AtomicBoolean sinkClosed = new AtomicBoolean();
        ComputationalGraph graph = ComputationalGraph.builder("endless")
                .start("ticks", Sources.generator(i -> i))
                .map("square", (Long i) -> i * i)
                .parallelism(2)
                .end("out", () -> new EndNode<Long>() {
                    @Override
                    public void process(Long item) {}

                    @Override
                    public void close() {
                        sinkClosed.set(true);
                    }
                })
                .edge("ticks -> square", Partitioning.roundRobin())
                .edge("square -> out")
                .build();

        Deployment deployment = graph.deploySystem(SystemType.LOCAL);
        await().atMost(TIMEOUT).until(() -> deployment.status().node("out").itemsIn() > 10_000);
        assertThat(deployment.awaitCompletion(Duration.ofMillis(10))).isFalse();

        deployment.close();

        assertThat(deployment.status().state()).isEqualTo(DeploymentState.CANCELLED);
        assertThat(deployment.status().nodes().values())
                .allSatisfy(n -> assertThat(n.state()).isEqualTo(NodeState.CANCELLED));
        assertThat(sinkClosed).isTrue();
        assertThat(deployment.awaitCompletion(Duration.ofMillis(10))).isFalse();
        assertThat(deployment.awaitTermination(Duration.ofMillis(10))).isEqualTo(DeploymentState.CANCELLED);
        assertThat(deployment.failure()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void awaitTerminationTellsATimeoutFromEachWayOfEnding(LocalOptions.Mode mode) throws Exception {
        ComputationalGraph endless = ComputationalGraph.builder("endless")
                .start("ticks", Sources.generator(i -> i))
                .end("out", Sinks.discard())
                .edge("ticks -> out")
                .build();
        ComputationalGraph failing = ComputationalGraph.builder("failing")
                .start("numbers", Sources.collection(numbers(5)))
                .map("bad", (Integer i) -> 10 / (i - 3))
                .end("out", Sinks.collect())
                .edge("numbers -> bad -> out")
                .build();
        LocalOptions options = LocalOptions.defaults().withMode(mode);

        Deployment running = endless.deploy(SystemType.LOCAL, options);
        assertThat(running.awaitTermination(Duration.ofMillis(50))).isEqualTo(DeploymentState.RUNNING);
        running.close();
        assertThat(running.awaitTermination(Duration.ofMillis(50))).isEqualTo(DeploymentState.CANCELLED);
        try (Deployment failed = failing.deploy(SystemType.LOCAL, options)) {
            assertThat(failed.awaitTermination(TIMEOUT)).isEqualTo(DeploymentState.FAILED);
            assertThat(failed.failure()).hasValueSatisfying(f -> {
                assertThat(f.nodeId()).isEqualTo("bad");
                assertThat(f.item()).hasValue("3");
            });
            assertThatThrownBy(() -> failed.awaitCompletion(TIMEOUT))
                    .isInstanceOf(NodeFailedException.class)
                    .hasMessageContaining("Node 'bad'");
        }
        try (Deployment completed = runToCompletion(
                ComputationalGraph.builder("fine")
                        .start("numbers", Sources.collection(numbers(5)))
                        .end("out", Sinks.collect())
                        .edge("numbers -> out")
                        .build(),
                mode)) {
            assertThat(completed.awaitTermination(Duration.ZERO)).isEqualTo(DeploymentState.COMPLETED);
        }
    }

    @Test
    void aStatusSnapshotNeverShowsANodeAheadOfItsUpstream() throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("consistent")
                .start("ticks", Sources.generator(i -> i))
                .map("square", (Long i) -> i * i)
                .parallelism(2)
                .filter("even", (Long i) -> i % 2 == 0)
                .parallelism(2)
                .end("out", Sinks.discard())
                .parallelism(3)
                .edge("ticks -> square", Partitioning.roundRobin())
                .edge("square -> even")
                .edge("even -> out", Partitioning.keyed(i -> i))
                .build();
        List<String> chain = List.of("ticks", "square", "even", "out");

        try (Deployment deployment =
                graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withBatchSize(16))) {
            for (int sample = 0; sample < 5_000; sample++) {
                DeploymentStatus status = deployment.status();
                for (int i = 1; i < chain.size(); i++) {
                    NodeStatus upstream = status.node(chain.get(i - 1));
                    NodeStatus node = status.node(chain.get(i));
                    assertThat(node.itemsIn())
                            .as("sample %d: %s in vs %s out", sample, node.id(), upstream.id())
                            .isLessThanOrEqualTo(upstream.itemsOut());
                }
            }
        }
    }

    @Test
    void slowSinkHoldsBackAFastSourceSoMemoryStaysBounded() throws Exception {
        int batch = 16;
        int capacity = 4;
        ComputationalGraph graph = ComputationalGraph.builder("backpressure")
                .start("fast", Sources.generator(i -> new byte[1024]))
                .end("slow", () -> item -> Thread.sleep(1))
                .edge("fast -> slow")
                .build();
        LocalOptions options = LocalOptions.defaults()
                .withBatchSize(batch)
                .withQueueCapacity(capacity)
                .withChaining(false);

        try (Deployment deployment = graph.deploy(SystemType.LOCAL, options)) {
            // In flight at most: the producer's open batch, one batch waiting to enter the full queue, the queue,
            // and the consumer's batch in hand (whose count is published only when it is done).
            long bound = (long) batch * (capacity + 3);
            List<Long> inFlight = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                Thread.sleep(25);
                DeploymentStatus status = deployment.status();
                long sunk = status.node("slow").itemsIn();
                long produced = status.node("fast").itemsOut();
                inFlight.add(produced - sunk);
                assertThat(status.node("slow").queueDepth()).isLessThanOrEqualTo((long) batch * (capacity + 1));
            }
            assertThat(inFlight).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(bound));
            assertThat(deployment.status().node("fast").itemsOut())
                    .as("the source was held back: it could make millions of items a second")
                    .isLessThan(5_000);
        }
    }

    /**
     * A start node that may wait for its next input, and a task that waits for its next batch: what either gathered
     * goes downstream before it waits, not with its next input.
     */
    @Test
    void whatATaskGatheredGoesDownstreamBeforeItWaits() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        ComputationalGraph graph = ComputationalGraph.builder("waiting-source")
                .start("waits", () -> new StartNode<Integer>() {
                    private int pulls;

                    @Override
                    public boolean pull(Emitter<Integer> out) throws InterruptedException {
                        if (pulls > 0) {
                            awaitSink(() -> seen.get() == pulls, "item " + pulls);
                        }
                        if (pulls == 3) {
                            return false;
                        }
                        out.emit(++pulls);
                        return true;
                    }
                })
                .map("relay", (Integer i) -> i)
                .end("sink", () -> item -> seen.incrementAndGet())
                .edge("waits -> relay -> sink")
                .build();

        assertCompletesOneBatchShort(graph);
    }

    /**
     * A generator never waits for input, so its task keeps partly filled batches across pulls; only briefly: items
     * that a slow pull emitted reach the sink while the generator goes on.
     */
    @Test
    void aStartNodeThatNeverWaitsHoldsAPartlyFilledBatchOnlyBriefly() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        int burst = 512; // what a generator emits per pull
        ComputationalGraph graph = ComputationalGraph.builder("holding-source")
                .start("generate", Sources.generator(3L * burst, i -> {
                    try {
                        if (i == 2L * burst - 1) {
                            Thread.sleep(20); // the second pull is slow: longer than a batch may be held
                        } else if (i == 2L * burst) {
                            awaitSink(() -> seen.get() > 0, "the items of the first two pulls");
                        }
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return i;
                }))
                .end("sink", () -> item -> seen.incrementAndGet())
                .edge("generate -> sink")
                .build();

        assertCompletesOneBatchShort(graph);
    }

    private static void awaitSink(BooleanSupplier reached, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!reached.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + " never reached the sink: it waits upstream in a partly filled batch");
            }
            Thread.sleep(1);
        }
    }

    /** Runs {@code graph} multi-thread and unchained, with batches larger than the whole input, to completion. */
    private static void assertCompletesOneBatchShort(ComputationalGraph graph) throws Exception {
        LocalOptions options = LocalOptions.defaults().withBatchSize(4096).withChaining(false);
        try (Deployment deployment = graph.deploy(SystemType.LOCAL, options)) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).as("completed").isTrue();
            assertThat(deployment.status().state()).isEqualTo(DeploymentState.COMPLETED);
        }
    }

    @Test
    void singleThreadModeIsDeterministic() throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("deterministic")
                .start("a", Sources.collection(numbers(2_000)))
                .start(
                        "b",
                        Sources.collection(numbers(2_000).stream().map(i -> -i).toList()))
                .merge("both")
                .node("tag", LocalRuntimeTest::tagWithInstance)
                .parallelism(3)
                .end("out", Sinks.collect())
                .edge("a -> both")
                .edge("b -> both")
                .edge("both -> tag", Partitioning.roundRobin())
                .edge("tag -> out", Partitioning.global())
                .build();

        List<Object> first;
        try (Deployment deployment = runToCompletion(graph, LocalOptions.Mode.SINGLE_THREAD)) {
            first = deployment.results("out");
        }
        try (Deployment deployment = runToCompletion(graph, LocalOptions.Mode.SINGLE_THREAD)) {
            assertThat(deployment.results("out")).hasSize(4_000).containsExactlyElementsOf(first);
        }
    }

    @Test
    void singleThreadModeRunsOnTheCallersThread() throws Exception {
        Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ComputationalGraph graph = ComputationalGraph.builder("caller")
                .start("numbers", Sources.collection(numbers(100)))
                .map("record", (Integer i) -> {
                    threads.add(Thread.currentThread().getName());
                    return i;
                })
                .parallelism(2)
                .end(
                        "out",
                        Sinks.callback(i -> threads.add(Thread.currentThread().getName())))
                .edge("numbers -> record", Partitioning.roundRobin())
                .edge("record -> out", Partitioning.roundRobin())
                .build();

        try (Deployment deployment =
                graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withMode(LocalOptions.Mode.SINGLE_THREAD))) {
            assertThat(threads).isEmpty();
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
        }
        assertThat(threads).containsExactly(Thread.currentThread().getName());
    }

    @Test
    void resultsAreOnlyKeptByEndNodes() {
        ComputationalGraph graph = ComputationalGraph.builder("results")
                .start("numbers", Sources.collection(numbers(3)))
                .end("out", Sinks.collect())
                .edge("numbers -> out")
                .build();

        try (Deployment deployment = graph.deploySystem(SystemType.LOCAL)) {
            assertThatThrownBy(() -> deployment.results("numbers"))
                    .hasMessage("Node 'numbers' is a start node; results are kept by end nodes: [out]");
            assertThatThrownBy(() -> deployment.results("nope"))
                    .hasMessage("Node 'nope' is not defined; results are kept by end nodes: [out]");
            assertThatThrownBy(() -> deployment.status().node("nope"))
                    .hasMessage("Node 'nope' is not defined; defined nodes: [numbers, out]");
        }
    }

    @Test
    void resultsArePagedByPositionAndOnlyTheLatestAreKeptWhenAsked() throws Exception {
        int n = 10_000;
        ComputationalGraph graph = ComputationalGraph.builder("paged")
                .start("numbers", Sources.collection(numbers(n)))
                .end("out", Sinks.collect())
                .edge("numbers -> out")
                .build();

        try (Deployment all = graph.deploy(SystemType.LOCAL, LocalOptions.defaults())) {
            assertThat(all.awaitCompletion(TIMEOUT)).isTrue();
            ResultPage<Integer> page = all.results("out", 1020, 10);
            assertThat(page.total()).isEqualTo(n);
            assertThat(page.first()).isEqualTo(1020);
            assertThat(page.items())
                    .containsExactlyElementsOf(
                            IntStream.range(1020, 1030).boxed().toList());
            assertThat(page.next()).isEqualTo(1030);
            assertThat(all.<Integer>results("out", n - 3, 100).items()).containsExactly(n - 3, n - 2, n - 1);
            assertThat(all.<Integer>results("out", n + 5, 100).items()).isEmpty();
            assertThat(all.<Integer>latestResults("out", 2).items()).containsExactly(n - 2, n - 1);
            assertThat(all.<Integer>results("out")).hasSize(n);
            assertThatThrownBy(() -> all.results("out", -1, 10))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("results: expected from ≥ 0 and limit ≥ 1, found from -1 and limit 10");
            assertThatThrownBy(() -> all.results("numbers", 0, 10))
                    .hasMessage("Node 'numbers' is a start node; results are kept by end nodes: [out]");
        }
        try (Deployment latest =
                graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withKeptResults(3000))) {
            assertThat(latest.awaitCompletion(TIMEOUT)).isTrue();
            List<Integer> kept = latest.results("out");
            // let go a segment at a time: at least the latest 3,000, never a whole segment more
            assertThat(kept.size()).isBetween(3000, 3000 + 1024);
            assertThat(kept)
                    .containsExactlyElementsOf(
                            IntStream.range(n - kept.size(), n).boxed().toList());
            ResultPage<Integer> fromStart = latest.results("out", 0, 5);
            assertThat(fromStart.total()).isEqualTo(n);
            assertThat(fromStart.first()).isEqualTo(n - kept.size());
            assertThat(fromStart.items())
                    .containsExactlyElementsOf(IntStream.range(n - kept.size(), n - kept.size() + 5)
                            .boxed()
                            .toList());
        }
    }

    @Test
    void optionsOfAnotherSystemAreRefused() {
        ComputationalGraph graph = ComputationalGraph.builder("options")
                .start("numbers", Sources.collection(numbers(3)))
                .end("out", Sinks.collect())
                .edge("numbers -> out")
                .build();
        DeploymentOptions foreign = () -> SystemType.LOCAL;

        assertThatThrownBy(() -> graph.deploy(SystemType.LOCAL, foreign))
                .hasMessageStartingWith("A LOCAL deployment takes LocalOptions; found ");
        assertThatThrownBy(() -> LocalOptions.defaults().withBatchSize(0))
                .hasMessage("LocalOptions.batchSize: must be ≥ 1, found 0");
    }

    @Test
    void aSystemWithoutItsModuleIsRefusedNamingTheModuleAlsoOnceTheRuntimesAreFound() throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("modules")
                .start("numbers", Sources.collection(numbers(3)))
                .end("out", Sinks.collect())
                .edge("numbers -> out")
                .build();
        try (Deployment local = graph.deploySystem(SystemType.LOCAL)) { // the runtimes are looked up here, or before
            assertThat(local.awaitCompletion(Duration.ofSeconds(10))).isTrue();
        }

        // sluice-core's tests have neither sluice-kafka nor sluice-processes on the class path
        assertThatThrownBy(() -> graph.deploySystem(SystemType.KAFKA))
                .isInstanceOf(SluiceException.class)
                .hasMessage("No runtime for system KAFKA on the class path; add the module io.sluice:sluice-kafka to"
                        + " the dependencies");
        assertThatThrownBy(() -> graph.deploy(
                        SystemType.LOCAL, LocalOptions.defaults().withProcesses(GraphFactoryTest.Tiny.class)))
                .isInstanceOf(SluiceException.class)
                .hasMessageContaining("needs the module io.sluice:sluice-processes on the class path");
    }

    @Test
    void aRuntimeThatCannotBeMadeFailsEveryLookupNamingItsServiceFile(@TempDir Path classes) throws Exception {
        Path services = Files.createDirectories(classes.resolve("META-INF/services"));
        Files.writeString(
                services.resolve(io.sluice.spi.SystemRuntime.class.getName()), BrokenRuntime.class.getName() + "\n");
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(
                new java.net.URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            for (int lookup = 1; lookup <= 2; lookup++) { // a failed lookup is not kept: the second says the same
                assertThatThrownBy(() -> ComputationalGraph.Runtimes.find(loader))
                        .as("lookup %d", lookup)
                        .isInstanceOf(SluiceException.class)
                        .hasMessageContaining("A runtime listed in META-INF/services/io.sluice.spi.SystemRuntime on"
                                + " the class path could not be loaded")
                        .hasMessageContaining(BrokenRuntime.class.getName())
                        .hasRootCauseMessage("its module is broken");
            }
        }
        // the class path's own service files still give the LOCAL runtime
        assertThat(ComputationalGraph.Runtimes.find(getClass().getClassLoader()).all)
                .extracting(io.sluice.spi.SystemRuntime::system)
                .containsExactly(SystemType.LOCAL);
    }

    /** A runtime whose constructor throws, as one of a jar built against another sluice-core might. */
    public static final class BrokenRuntime implements io.sluice.spi.SystemRuntime {
        public BrokenRuntime() {
            throw new IllegalStateException("its module is broken");
        }

        @Override
        public SystemType system() {
            return SystemType.LOCAL;
        }

        @Override
        public DeploymentOptions defaultOptions() {
            return LocalOptions.defaults();
        }

        @Override
        public Deployment deploy(ComputationalGraph graph, DeploymentOptions options) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aLocalDeploymentRefusesToRescaleANodeSayingWhereItIsBuilt() throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("rescaled")
                .start("numbers", Sources.collection(List.of(1, 2, 3)))
                .map("double", (Integer i) -> i * 2)
                .maxParallelism(4)
                .end("out", Sinks.collect())
                .edge("numbers -> double -> out")
                .build();
        try (Deployment deployment = graph.deploy(SystemType.LOCAL, LocalOptions.defaults())) {
            assertThatThrownBy(() -> deployment.scale("double", 2))
                    .isInstanceOf(SluiceException.class)
                    .hasMessage("Node 'double': deployment '" + deployment.id() + "' runs on LOCAL, which cannot"
                            + " rescale a running node; rescaling is built on KAFKA with worker processes"
                            + " (Workers.processes); to run it with another parallelism here, deploy the graph again");
            assertThatThrownBy(() -> deployment.scale("dobule", 2))
                    .isInstanceOf(NotDefinedException.class)
                    .hasMessageEndingWith("did you mean 'double'?");
        }
    }
}
