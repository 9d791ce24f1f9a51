package io.sluice.kafka.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.Flow;
import io.sluice.GraphFactory;
import io.sluice.GraphOutput;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.OnExisting;
import io.sluice.kafka.Workers;
import io.sluice.testkit.KafkaBroker;
import io.sluice.testkit.WorkerKills;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a link between graphs promises on KAFKA under exactly-once, shown by SIGKILL: an upstream graph publishes an
 * output from two writer instances, a downstream graph reads it until every writer's end marker has come; the start
 * and output workers of the one and the input and end workers of the other are killed at random moments, and the
 * downstream results hold every item exactly once. Power check: with the output written outside the worker's
 * transaction, the same kills leave duplicates downstream — and so that it finds them every time, not only when a kill
 * of the output's writer lands between a write and its commit, one writer also halts right after its first items
 * reached the topic, before their input offsets were committed.
 */
@Tag("slow")
class LinkedGraphsCrashTest {

    static final long ITEMS = 120_000;
    private static final String SUFFIX = "sluice.test.link-suffix";

    static ComputationalGraph up(String suffix) {
        Flow flow = Flow.named("link-up-" + suffix);
        flow.read("numbers", Sources.generator(ITEMS, i -> {
                    if (i % 40 == 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // a run of several seconds
                    }
                    return i;
                }))
                .parallelism(2)
                .map("double", (Long i) -> i * 2)
                .parallelism(2)
                .output("doubled");
        return flow.build();
    }

    static ComputationalGraph down(String suffix) {
        Flow flow = Flow.named("link-down-" + suffix);
        flow.input("in", GraphOutput.of("link-up-" + suffix, "doubled"))
                .parallelism(2)
                .map("plus-one", (Object i) -> ((Number) i).longValue() + 1)
                .to("out", Sinks.collect());
        return flow.build();
    }

    public static final class Up implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            return up(System.getProperty(SUFFIX));
        }
    }

    public static final class Down implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            return down(System.getProperty(SUFFIX));
        }
    }

    @TempDir
    Path logs;

    @Test
    void killingWorkersOfBothGraphsLeavesEveryItemOnceDownstream() throws Exception {
        Map<Long, Long> counts = crash("commit-late", 31);
        assertThat(counts).as("items downstream").hasSize((int) ITEMS);
        assertThat(counts.values()).as("each once").containsOnly(1L);
    }

    @Test
    void powerCheckAnOutputWrittenOutsideTheTransactionLeavesDuplicates() throws Exception {
        Map<Long, Long> counts = crash("commit-late,sink-own-producer,halt-after-sink-write", 32);
        long duplicates = counts.values().stream().filter(c -> c > 1).count();
        System.out.printf("linked graphs power check: %d of %d items more than once%n", duplicates, ITEMS);
        try (Stream<Path> files = Files.list(halted())) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("the workers that halted after the output's first write")
                    .containsExactly("doubled");
        }
        assertThat(counts).as("nothing lost").hasSize((int) ITEMS);
        assertThat(duplicates).as("items downstream more than once").isPositive();
    }

    private Map<Long, Long> crash(String fault, long seed) throws Exception {
        String suffix = seed + "-" + System.nanoTime() % 100_000;
        Path upLogs = Files.createDirectories(logs.resolve("up"));
        Path downLogs = Files.createDirectories(logs.resolve("down"));
        List<String> jvm = List.of(
                "-D" + SUFFIX + "=" + suffix, "-Dsluice.kafka.fault=" + fault, "-Dsluice.kafka.fault.once=" + halted());
        KafkaOptions options = KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withGuarantee(Guarantee.EXACTLY_ONCE)
                .withOnExisting(OnExisting.FRESH);
        List<String> kills = new ArrayList<>();
        List<Object> results;
        try (Deployment upstream = up(suffix)
                        .deploy(
                                SystemType.KAFKA,
                                options.withWorkers(Workers.processes(Up.class, upLogs)
                                        .withJvmOptions(jvm.toArray(String[]::new))));
                Deployment downstream = down(suffix)
                        .deploy(
                                SystemType.KAFKA,
                                options.withWorkers(Workers.processes(Down.class, downLogs)
                                        .withJvmOptions(jvm.toArray(String[]::new))))) {
            // both graphs' workers are killed at once, each graph on a thread of its own
            FutureTask<List<String>> upKills = killing(() -> WorkerKills.kill(
                    upstream, upLogs, List.of("numbers", "doubled"), 3, new Random(seed), Duration.ofMillis(2500)));
            FutureTask<List<String>> downKills = killing(() -> WorkerKills.kill(
                    downstream, downLogs, List.of("in", "out"), 3, new Random(seed + 1), Duration.ofMillis(2500)));
            kills.addAll(upKills.get());
            kills.addAll(downKills.get());
            assertThat(upstream.awaitTermination(Duration.ofMinutes(4))).isEqualTo(DeploymentState.COMPLETED);
            assertThat(downstream.awaitTermination(Duration.ofMinutes(4))).isEqualTo(DeploymentState.COMPLETED);
            results = downstream.results("out");
        }
        System.out.printf("linked graphs (%s): kills %s%n", fault, kills);
        if (!fault.contains("halt-after-sink-write")) { // the power check's output writer halts, whatever the kills
            assertThat(kills).as("the output writers were killed").contains("doubled");
        }
        Map<Long, Long> counts = new HashMap<>();
        for (Object result : results) {
            counts.merge(((Number) result).longValue(), 1L, Long::sum);
        }
        return counts;
    }

    /**
     * Where a worker that halts on purpose leaves its mark, so that one worker of a node halts per deployment; both
     * graphs share it, their node names differing.
     */
    private Path halted() throws IOException {
        return Files.createDirectories(logs.resolve("halted"));
    }

    private static FutureTask<List<String>> killing(Callable<List<String>> kills) {
        FutureTask<List<String>> task = new FutureTask<>(kills);
        Thread.ofPlatform().start(task);
        return task;
    }
}
