package io.sluice.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.Deployment;
import io.sluice.LocalOptions;
import io.sluice.Robustness;
import io.sluice.SystemType;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A keyed count over a million items in a child JVM with checkpoints ({@link CountingGraph}), killed with SIGKILL at
 * random moments several times and restarted on the same checkpoint directory until it completes: every key's running
 * counts in the output must be exactly those of a run without faults — every count once, none missing, the same final
 * count per key. Power checks: the same test, with the restore of the stores or of the output file broken on purpose,
 * finds the difference.
 */
@Tag("slow")
class StateCrashRecoveryTest {

    private static final int COUNT = 1_000_000;

    /** Bytes of output per item, about: "k123 456\n". */
    private static final int LINE = 9;

    private static Summary faultFree;

    @BeforeAll
    static void runOnceWithoutFaults(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("fault-free.txt");
        try (Deployment deployment = CountingGraph.graph(COUNT, out, false, Robustness.none())
                .deploy(SystemType.LOCAL, LocalOptions.defaults())) {
            assertThat(deployment.awaitCompletion(Duration.ofMinutes(2))).isTrue();
        }
        faultFree = Summary.of(out);
        assertThat(faultFree.exact()).as("the fault-free run: %s", faultFree).isTrue();
    }

    @ParameterizedTest(name = "seed {0}, {1}, every {2} ms, {3}")
    @CsvSource({
        "1, MULTI_THREAD, 10, NONE",
        "2, MULTI_THREAD, 200, CONFIRM",
        "3, SINGLE_THREAD, 10, NONE",
    })
    void killedAndRestartedItCountsExactly(
            long seed, LocalOptions.Mode mode, long intervalMillis, Robustness.Level level, @TempDir Path dir)
            throws Exception {
        Summary crashed = crashAndRecover(seed, 4, mode, intervalMillis, level, "", dir);

        assertThat(crashed.finalCounts).as("the count of every key").isEqualTo(faultFree.finalCounts);
        assertThat(crashed.duplicates).as("counts written twice").isZero();
        assertThat(crashed.missing).as("counts missing").isZero();
        assertThat(crashed.lines).isEqualTo(faultFree.lines);
    }

    @Test
    void withoutRestoringTheStoresTheSameTestFindsTheCountsWrong(@TempDir Path dir) throws Exception {
        Summary broken = crashAndRecover(
                4, 2, LocalOptions.Mode.MULTI_THREAD, 10, Robustness.Level.NONE, "skip-store-restore", dir);

        assertThat(broken.finalCounts).as("the count of every key").isNotEqualTo(faultFree.finalCounts);
        assertThat(broken.exact()).isFalse();
    }

    @Test
    void withoutCuttingTheOutputBackTheSameTestFindsCountsWrittenTwice(@TempDir Path dir) throws Exception {
        // Three kills at a 200 ms interval: a kill that lands while a checkpoint is taken finds the file exactly at the
        // checkpoint's length and leaves nothing to write twice; at 200 ms, most of the time no checkpoint is taken.
        Summary broken = crashAndRecover(
                5, 3, LocalOptions.Mode.MULTI_THREAD, 200, Robustness.Level.NONE, "skip-output-resume", dir);

        assertThat(broken.finalCounts).as("the counts themselves are right").isEqualTo(faultFree.finalCounts);
        assertThat(broken.duplicates).as("counts written twice").isPositive();
        assertThat(broken.exact()).isFalse();
    }

    private static Summary crashAndRecover(
            long seed,
            int kills,
            LocalOptions.Mode mode,
            long intervalMillis,
            Robustness.Level level,
            String fault,
            Path dir)
            throws Exception {
        Path out = dir.resolve("out.txt");
        Path checkpoints = dir.resolve("checkpoints");
        Random random = new Random(seed * 0x9E3779B97F4A7C15L); // small seeds alone start alike
        List<Long> killedAt = new ArrayList<>();
        for (int kill = 0; kill < kills; kill++) {
            Process child = start(out, checkpoints, mode, intervalMillis, level, fault);
            // Kill somewhere in the next stretch of output: after 5 % to 20 % more of the items.
            long target = ChildJvm.size(out) + (long) ((0.05 + 0.15 * random.nextDouble()) * COUNT * LINE);
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(1 + random.nextInt(4)))
                    .until(() -> !child.isAlive() || ChildJvm.size(out) >= target);
            assertThat(child.isAlive())
                    .as("run %d still running when killed", kill + 1)
                    .isTrue();
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, nothing flushed
            child.waitFor();
            killedAt.add(ChildJvm.size(out));
        }
        Process last = start(out, checkpoints, mode, intervalMillis, level, fault);
        assertThat(last.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(last.exitValue()).isZero();

        Summary summary = Summary.of(out);
        System.out.printf(
                "state crash test seed %d (%s, %d ms, %s%s): killed at output sizes %s; %s%n",
                seed, mode, intervalMillis, level, fault.isEmpty() ? "" : ", fault " + fault, killedAt, summary);
        return summary;
    }

    private static Process start(
            Path out,
            Path checkpoints,
            LocalOptions.Mode mode,
            long intervalMillis,
            Robustness.Level level,
            String fault)
            throws IOException {
        return ChildJvm.start(
                fault,
                CountingGraph.class,
                Integer.toString(COUNT),
                out.toString(),
                checkpoints.toString(),
                mode.name(),
                Long.toString(intervalMillis),
                level.name());
    }

    /** What an output file says: each key's highest count, and how many counts were written twice or not at all. */
    record Summary(long[] finalCounts, long lines, long duplicates, long missing) {

        static Summary of(Path file) throws IOException {
            BitSet[] seen = new BitSet[CountingGraph.KEYS];
            long[] highest = new long[CountingGraph.KEYS];
            long lines = 0;
            long duplicates = 0;
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    int space = line.indexOf(' ');
                    int key = Integer.parseInt(line.substring(1, space));
                    int n = Integer.parseInt(line.substring(space + 1));
                    BitSet counts = seen[key] == null ? (seen[key] = new BitSet()) : seen[key];
                    if (counts.get(n)) {
                        duplicates++;
                    }
                    counts.set(n);
                    highest[key] = Math.max(highest[key], n);
                    lines++;
                }
            }
            long missing = 0;
            for (int key = 0; key < CountingGraph.KEYS; key++) {
                missing += highest[key] - (seen[key] == null ? 0 : seen[key].cardinality());
            }
            return new Summary(highest, lines, duplicates, missing);
        }

        boolean exact() {
            return duplicates == 0 && missing == 0;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Summary s
                    && Arrays.equals(finalCounts, s.finalCounts)
                    && lines == s.lines
                    && duplicates == s.duplicates
                    && missing == s.missing;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(finalCounts);
        }

        @Override
        public String toString() {
            return String.format(
                    "%,d lines, %,d counts written twice, %,d missing, final counts summing to %,d",
                    lines, duplicates, missing, Arrays.stream(finalCounts).sum());
        }
    }
}
