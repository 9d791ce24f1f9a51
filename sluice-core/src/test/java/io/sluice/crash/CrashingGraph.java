package io.sluice.crash;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.LocalOptions;
import io.sluice.Partitioning;
import io.sluice.Robustness;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The graph the crash test kills: {@code count} numbers through two parallel instances behind a keyed edge into an
 * appended file, with checkpoints. Run as a child JVM: {@code CrashingGraph COUNT OUT_FILE CHECKPOINT_DIR}; exits 0
 * once the deployment completes.
 */
public final class CrashingGraph {

    private CrashingGraph() {}

    private static void work() {
        long until = System.nanoTime() + 4_000;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    public static void main(String[] args) throws Exception {
        long count = Long.parseLong(args[0]);
        Path out = Path.of(args[1]);
        Path checkpoints = Path.of(args[2]);
        ComputationalGraph graph = ComputationalGraph.builder("crashing")
                .start("numbers", Sources.generator(count, i -> i))
                .map("label", (Long i) -> {
                    work(); // slower than the source, so the queues fill and many items are in flight
                    return "n" + i;
                })
                .parallelism(2)
                .end("out", Sinks.appendLines(out))
                .edge("numbers -> label", Partitioning.keyed((Long i) -> i % 7))
                .edge("label -> out")
                .robustness(Robustness.confirm())
                .build();
        LocalOptions options = LocalOptions.defaults().withCheckpoints(checkpoints, Duration.ofMillis(5));
        try (Deployment deployment = graph.deploy(SystemType.LOCAL, options)) {
            if (!deployment.awaitCompletion(Duration.ofMinutes(5))) {
                System.exit(2);
            }
        }
    }
}
