package io.sluice.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A graph over a million items in a child JVM, killed with SIGKILL at random moments several times per run and
 * restarted on the same checkpoint directory: no item may be lost, and none may be written twice — the appended file
 * is cut back to the length the checkpoint recorded. Power check: with the file left as the killed run wrote it
 * ({@code skip-output-resume}), the same kills write items twice. The stateful variant is {@link
 * StateCrashRecoveryTest}.
 */
@Tag("slow")
class CrashRecoveryTest {

    private static final int COUNT = 1_000_000;
    private static final int KILLS = 3;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2})
    void killedAndRestartedItLosesNothing(long seed, @TempDir Path dir) throws Exception {
        Output output = killAndFinish(seed, dir, "");

        assertThat(output.distinct()).as("distinct items").isEqualTo(COUNT);
        assertThat(output.duplicates()).as("items written twice").isZero();
    }

    @Test
    void withTheOutputNotCutBackTheSameKillsWriteItemsTwice(@TempDir Path dir) throws Exception {
        Output output = killAndFinish(3, dir, "skip-output-resume");

        assertThat(output.distinct()).as("distinct items").isEqualTo(COUNT);
        assertThat(output.duplicates())
                .as("items written twice, the output not cut back")
                .isPositive();
    }

    /** What the runs wrote: the distinct items and the lines beyond them. */
    private record Output(int distinct, long duplicates) {}

    /**
     * Runs the graph in child JVMs with {@code fault} ({@code sluice.checkpoints.fault}, none if empty), each but the
     * last killed with SIGKILL at a random moment while it writes; the last runs to completion.
     */
    private static Output killAndFinish(long seed, Path dir, String fault) throws Exception {
        Path out = dir.resolve("out.txt");
        Path checkpoints = dir.resolve("checkpoints");
        Random random = new Random(seed);
        List<Long> killedAt = new ArrayList<>();
        for (int kill = 0; kill < KILLS; kill++) {
            Process child = start(out, checkpoints, fault);
            // Kill somewhere in the next stretch of output: after 5 % to 25 % more of the items.
            long target = ChildJvm.size(out) + (long) ((0.05 + 0.2 * random.nextDouble()) * COUNT * 7);
            while (child.isAlive() && ChildJvm.size(out) < target) {
                Thread.sleep(random.nextInt(5));
            }
            assertThat(child.isAlive())
                    .as("run %d still running when killed", kill + 1)
                    .isTrue();
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, nothing flushed
            child.waitFor();
            killedAt.add(ChildJvm.size(out));
        }
        Process last = start(out, checkpoints, fault);
        assertThat(last.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(last.exitValue()).isZero();

        BitSet seen = new BitSet(COUNT);
        long lines = 0;
        try (Stream<String> all = Files.lines(out)) {
            for (String line : (Iterable<String>) all::iterator) {
                assertThat(line).startsWith("n");
                seen.set(Integer.parseInt(line.substring(1)));
                lines++;
            }
        }
        long duplicates = lines - seen.cardinality();
        System.out.printf(
                "crash test seed %d%s: killed at output sizes %s; %,d lines, %,d distinct, %,d duplicates (%.2f %%)%n",
                seed,
                fault.isEmpty() ? "" : " (" + fault + ")",
                killedAt,
                lines,
                seen.cardinality(),
                duplicates,
                100.0 * duplicates / COUNT);
        return new Output(seen.cardinality(), duplicates);
    }

    private static Process start(Path out, Path checkpoints, String fault) throws IOException {
        return ChildJvm.start(
                fault, CrashingGraph.class, Integer.toString(COUNT), out.toString(), checkpoints.toString());
    }
}
