package io.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Robustness levels on LOCAL: tuple-tree tracking, recent failures, replay, dead letters and checkpoints. */
class RobustnessTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static Deployment run(ComputationalGraph graph, LocalOptions options) throws Exception {
        Deployment deployment = graph.deploy(SystemType.LOCAL, options);
        assertThat(deployment.awaitCompletion(TIMEOUT)).as("completed").isTrue();
        return deployment;
    }

    private static LocalOptions options(LocalOptions.Mode mode) {
        // small batches so that trees cross many batches and queues
        return LocalOptions.defaults().withMode(mode).withBatchSize(7).withQueueCapacity(4);
    }

    private static ItemTracking tracking(Deployment deployment) {
        return deployment.status().tracking().orElseThrow();
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void confirmKnowsEveryTreeCompletedAcrossKeyedBroadcastAndFlatMapEdges(LocalOptions.Mode mode) throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("trees")
                .start("numbers", Sources.generator(20_000, i -> i))
                .flatMap("twice", (Long i) -> List.of(i, -i))
                .parallelism(2)
                .node("count", () -> new Node<Long, Long>() {
                    private long seen;

                    @Override
                    public void process(Long item, Emitter<Long> out) {
                        seen++; // consumes: emits nothing per item
                    }

                    @Override
                    public void onComplete(Emitter<Long> out) {
                        out.emit(seen);
                    }
                })
                .parallelism(3)
                .broadcast("copy")
                .end("a", Sinks.collect())
                .end("b", Sinks.discard())
                .edge("numbers -> twice")
                .edge("twice -> count", Partitioning.keyed((Long i) -> i % 11))
                .edge("count -> copy -> a")
                .edge("copy -> b")
                .robustness(Robustness.confirm())
                .build();

        try (Deployment deployment = run(graph, options(mode))) {
            ItemTracking tracking = tracking(deployment);
            assertThat(tracking.level()).isEqualTo(Robustness.Level.CONFIRM);
            assertThat(tracking.introduced()).isEqualTo(20_000);
            assertThat(tracking.completed()).isEqualTo(20_000);
            assertThat(tracking.pending()).isZero();
            assertThat(tracking.allProcessed()).isTrue();
            assertThat(deployment.<Long>results("a").stream()
                            .mapToLong(Long::longValue)
                            .sum())
                    .isEqualTo(40_000);
        }
    }

    @Test
    void noneTracksNothing() throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("untracked")
                .start("numbers", Sources.generator(10, i -> i))
                .end("out", Sinks.collect())
                .edge("numbers -> out")
                .build();
        try (Deployment deployment = run(graph, LocalOptions.defaults())) {
            assertThat(deployment.status().tracking()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void underConfirmAFailedItemFailsItsTreeNotTheDeployment(LocalOptions.Mode mode) throws Exception {
        try (Deployment deployment = run(failingEveryThousandth(Robustness.confirm()), options(mode))) {
            assertThat(deployment.status().state()).isEqualTo(DeploymentState.COMPLETED);
            ItemTracking tracking = tracking(deployment);
            assertThat(tracking.introduced()).isEqualTo(10_000);
            assertThat(tracking.failed()).isEqualTo(10);
            assertThat(tracking.completed()).isEqualTo(9_990);
            assertThat(tracking.allProcessed()).isFalse();
            assertThat(tracking.recentFailures())
                    .as("CONFIRM keeps no failures")
                    .isEmpty();
            assertThat(deployment.<Long>results("out")).hasSize(9_990);
            assertThat(deployment.status().node("check").errors()).isEqualTo(10);
        }
    }

    @Test
    void trackKeepsTheMostRecentFailuresWithNodeItemErrorAndAttempt() throws Exception {
        Robustness track = Robustness.track().withFailuresKept(4);
        try (Deployment deployment = run(failingEveryThousandth(track), options(LocalOptions.Mode.SINGLE_THREAD))) {
            ItemTracking tracking = tracking(deployment);
            assertThat(tracking.failed()).isEqualTo(10);
            assertThat(tracking.recentFailures()).hasSize(4);
            ItemFailure last = tracking.recentFailures().get(3);
            assertThat(last.node()).isEqualTo("check");
            assertThat(last.item()).isEqualTo("9000");
            assertThat(last.error()).isEqualTo("IllegalStateException: 9000 is a round number");
            assertThat(last.attempt()).isEqualTo(1);
            assertThat(last.time()).isNotNull();
        }
    }

    private static ComputationalGraph failingEveryThousandth(Robustness robustness) {
        return ComputationalGraph.builder("failing")
                .start("numbers", Sources.generator(10_000, i -> i))
                .map("check", (Long i) -> {
                    if (i % 1000 == 0) {
                        throw new IllegalStateException(i + " is a round number");
                    }
                    return i;
                })
                .parallelism(2)
                .end("out", Sinks.collect())
                .edge("numbers -> check -> out")
                .robustness(robustness)
                .build();
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void aPoisonItemEndsInDeadLetterAfterExactlyNAttemptsWithoutBlockingTheStream(LocalOptions.Mode mode)
            throws Exception {
        AtomicInteger poisonAttempts = new AtomicInteger();
        ComputationalGraph graph = ComputationalGraph.builder("poison")
                .start("numbers", Sources.generator(5_000, i -> i))
                .map("parse", (Long i) -> {
                    if (i == 1234) {
                        poisonAttempts.incrementAndGet();
                        throw new IllegalArgumentException("cannot parse " + i);
                    }
                    return i;
                })
                .parallelism(2)
                .end("out", Sinks.collect())
                .end("dead", Sinks.collect())
                .edge("numbers -> parse -> out")
                .robustness(
                        Robustness.replay(4).withBackoff(Duration.ofMillis(5)).withDeadLetter("dead"))
                .build();

        try (Deployment deployment = run(graph, options(mode))) {
            assertThat(poisonAttempts).hasValue(4);
            List<DeadLetter> dead = deployment.results("dead");
            assertThat(dead).hasSize(1);
            DeadLetter letter = dead.get(0);
            assertThat(letter.source()).isEqualTo("numbers");
            assertThat(letter.item()).isEqualTo(1234L);
            assertThat(letter.attempts()).isEqualTo(4);
            assertThat(letter.failures()).extracting(ItemFailure::attempt).containsExactly(1, 2, 3, 4);
            assertThat(letter.lastFailure().error()).isEqualTo("IllegalArgumentException: cannot parse 1234");
            assertThat(letter.lastFailure().node()).isEqualTo("parse");

            assertThat(deployment.<Long>results("out")).hasSize(4_999).doesNotContain(1234L);
            ItemTracking tracking = tracking(deployment);
            assertThat(tracking.introduced()).isEqualTo(5_000);
            assertThat(tracking.completed()).isEqualTo(4_999);
            assertThat(tracking.failed()).isEqualTo(1);
            assertThat(tracking.deadLettered()).isEqualTo(1);
            assertThat(tracking.replays()).isEqualTo(3);
            assertThat(tracking.recentFailures()).hasSize(4);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void transientFailuresAreHealedByReplayWithNothingInDeadLetter(LocalOptions.Mode mode) throws Exception {
        Set<Long> failedOnce = ConcurrentHashMap.newKeySet();
        ComputationalGraph graph = ComputationalGraph.builder("flaky")
                .start("numbers", Sources.generator(10_000, i -> i))
                .broadcast("both")
                .map("flaky", (Long i) -> {
                    if (i % 97 == 0 && failedOnce.add(i)) {
                        throw new IllegalStateException("service unavailable");
                    }
                    return i;
                })
                .parallelism(2)
                .end("out", Sinks.collect())
                .end("audit", Sinks.collect())
                .end("dead", Sinks.collect())
                .edge("numbers -> both -> flaky -> out")
                .edge("both -> audit")
                .robustness(
                        Robustness.replay(3).withBackoff(Duration.ofMillis(1)).withDeadLetter("dead"))
                .build();

        try (Deployment deployment = run(graph, options(mode))) {
            assertThat(deployment.<DeadLetter>results("dead")).isEmpty();
            List<Long> out = deployment.results("out");
            assertThat(out).hasSize(10_000);
            assertThat(new HashSet<>(out)).hasSize(10_000);
            // a replay starts again at the source item, so the branch that had succeeded sees it twice
            assertThat(deployment.<Long>results("audit")).hasSize(10_000 + failedOnce.size());
            ItemTracking tracking = tracking(deployment);
            assertThat(tracking.replays()).isEqualTo(failedOnce.size()).isEqualTo(104);
            assertThat(tracking.completed()).isEqualTo(10_000);
            assertThat(tracking.allProcessed()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void aTreeThatNeverLeavesItsSourceTaskIsReplayedAndCountedLikeAnyOther(LocalOptions.Mode mode) throws Exception {
        // all chained: a tree gets its root only when a node fails on it, so this checks the root made that late
        Set<Long> failedOnce = ConcurrentHashMap.newKeySet();
        ComputationalGraph graph = ComputationalGraph.builder("chained-flaky")
                .start("numbers", Sources.generator(10_000, i -> i))
                .map("flaky", (Long i) -> {
                    if (i % 97 == 0 && failedOnce.add(i)) {
                        throw new IllegalStateException("service unavailable");
                    }
                    return i;
                })
                .end("out", Sinks.collect())
                .edge("numbers -> flaky -> out")
                .robustness(Robustness.replay(3).withBackoff(Duration.ofMillis(1)))
                .build();

        try (Deployment deployment = run(graph, options(mode))) {
            List<Long> out = deployment.results("out");
            assertThat(out).hasSize(10_000);
            assertThat(new HashSet<>(out)).hasSize(10_000);
            ItemTracking tracking = tracking(deployment);
            assertThat(tracking.replays()).isEqualTo(failedOnce.size()).isEqualTo(104);
            assertThat(tracking.completed()).isEqualTo(10_000);
            assertThat(tracking.allProcessed()).isTrue();
        }
    }

    @Test
    void aNodeOverriddenToNoneStillFailsTheDeployment() throws Exception {
        ComputationalGraph graph =
                failingEveryThousandth(Robustness.replay(3).withNode("check", Robustness.Level.NONE));
        try (Deployment deployment = graph.deploy(SystemType.LOCAL, LocalOptions.defaults())) {
            assertThatThrownBy(() -> deployment.awaitCompletion(TIMEOUT))
                    .isInstanceOf(NodeFailedException.class)
                    .hasMessageContaining("Node 'check'")
                    .hasMessageContaining("failed on item 0: IllegalStateException: 0 is a round number");
            assertThat(deployment.status().state()).isEqualTo(DeploymentState.FAILED);
        }
    }

    @Test
    void robustnessSettingsThatDoNotFitTheGraphAreReportedTogether() {
        assertThatThrownBy(() -> ComputationalGraph.builder("bad")
                        .start("numbers", Sources.generator(10, i -> i))
                        .map("check", (Long i) -> i)
                        .end("out", Sinks.collect())
                        .edge("numbers -> check -> out")
                        .robustness(
                                Robustness.replay(2).withDeadLetter("check").withNode("chek", Robustness.Level.NONE))
                        .build())
                .isInstanceOf(InvalidGraphException.class)
                .hasMessageContaining("Robustness: node 'chek' has a level of its own but is not defined; defined"
                        + " nodes: [numbers, check, out]; did you mean 'check'?")
                .hasMessageContaining("Robustness: the dead-letter node 'check' must be an end node, but it is a"
                        + " processing node");
        assertThatThrownBy(() -> ComputationalGraph.builder("bad")
                        .start("numbers", Sources.generator(10, i -> i))
                        .end("out", Sinks.collect())
                        .edge("numbers -> out")
                        .robustness(Robustness.track().withDeadLetter("out"))
                        .build())
                .isInstanceOf(InvalidGraphException.class)
                .hasMessageContaining("the dead-letter node 'out' must have no inbound edge")
                .hasMessageContaining("the dead-letter node 'out' would never get an item, since no node replays");
    }

    @Test
    void checkpointsNeedResumableStartNodesButNoTracking(@TempDir Path dir) throws Exception {
        // Barriers make checkpoints consistent without following items: an untracked graph takes them too.
        ComputationalGraph untracked = ComputationalGraph.builder("plain")
                .start("numbers", Sources.generator(10, i -> i))
                .end("out", Sinks.collect())
                .edge("numbers -> out")
                .build();
        try (Deployment deployment = run(untracked, LocalOptions.defaults().withCheckpoints(dir))) {
            assertThat(deployment.<Long>results("out")).hasSize(10);
        }
        assertThat(dir.resolve("plain.checkpoint")).exists();

        ComputationalGraph timer = ComputationalGraph.builder("timer")
                .start("ticks", Sources.interval(Duration.ofSeconds(1), Duration.ZERO))
                .end("out", Sinks.collect())
                .edge("ticks -> out")
                .build();
        assertThatThrownBy(() ->
                        timer.deploy(SystemType.LOCAL, LocalOptions.defaults().withCheckpoints(dir)))
                .isInstanceOf(SluiceException.class)
                .hasMessageContaining("Start node 'ticks' cannot resume from the checkpoint")
                .hasMessageContaining("implement io.sluice.Resumable, or give the node the level NONE"
                        + " (Robustness.withNode(\"ticks\", Level.NONE)) to start it from its beginning after a"
                        + " restart");
        ComputationalGraph excused = timer.withRobustness(Robustness.none().withNode("ticks", Robustness.Level.NONE));
        try (Deployment deployment =
                excused.deploy(SystemType.LOCAL, LocalOptions.defaults().withCheckpoints(dir))) {
            assertThat(deployment.status().state()).isEqualTo(DeploymentState.RUNNING);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void aRestartResumesFromTheCheckpointAndLosesNothing(LocalOptions.Mode mode, @TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        Path lines = dir.resolve("in.txt");
        Files.write(lines, LongStream.range(0, 20_000).mapToObj(Long::toString).toList());
        LocalOptions options = options(mode).withCheckpoints(dir.resolve("checkpoints"), Duration.ofMillis(1));

        // First run: the sink breaks down for good at line 12,000 (level NONE fails the deployment).
        ComputationalGraph breaking = resumingGraph(lines, out, 12_000);
        try (Deployment deployment = breaking.deploy(SystemType.LOCAL, options)) {
            assertThatThrownBy(() -> deployment.awaitCompletion(TIMEOUT)).hasMessageContaining("disk full");
            assertThat(deployment.status().state()).isEqualTo(DeploymentState.FAILED);
        }
        List<String> firstRun = Files.readAllLines(out);
        assertThat(firstRun).hasSizeLessThan(20_000);

        // Second run, same checkpoint directory: resumes at or before where the first stopped.
        try (Deployment deployment = run(resumingGraph(lines, out, -1), options)) {
            ItemTracking tracking = tracking(deployment);
            assertThat(tracking.introduced())
                    .as("the second run starts where the checkpoint says, not at the beginning")
                    .isLessThan(20_000 - 5_000);
            assertThat(tracking.allProcessed()).isTrue();
        }
        List<String> all = Files.readAllLines(out);
        assertThat(new HashSet<>(all)).hasSize(20_000);
        assertThat(all).hasSizeGreaterThanOrEqualTo(20_000);

        // Third run: everything is checkpointed, nothing comes again.
        try (Deployment deployment = run(resumingGraph(lines, out, -1), options)) {
            assertThat(tracking(deployment).introduced()).isZero();
        }
        assertThat(Files.readAllLines(out)).hasSize(all.size());
    }

    private static ComputationalGraph resumingGraph(Path in, Path out, long breakAt) {
        return ComputationalGraph.builder("resuming")
                .start("lines", Sources.lines(in))
                .map("number", (String line) -> {
                    if (Long.parseLong(line) == breakAt) {
                        throw new IllegalStateException("disk full");
                    }
                    return line;
                })
                .end("out", Sinks.appendLines(out))
                .edge("lines -> number -> out")
                .robustness(Robustness.confirm().withNode("number", Robustness.Level.NONE))
                .build();
    }
}
