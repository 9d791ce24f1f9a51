package io.sluice.crash;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.Emitter;
import io.sluice.KeyValueStore;
import io.sluice.LocalOptions;
import io.sluice.Node;
import io.sluice.NodeContext;
import io.sluice.Partitioning;
import io.sluice.Robustness;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The stateful graph the crash test kills: {@code count} numbers, keyed into {@link #KEYS} keys, counted per key in a
 * store by two parallel instances, each item's running count ("k&lt;key&gt; &lt;n&gt;") appended to a file. Run as a
 * child JVM: {@code CountingGraph COUNT OUT_FILE CHECKPOINT_DIR MODE INTERVAL_MS LEVEL}; exits 0 once the deployment
 * completes.
 */
public final class CountingGraph {

    static final int KEYS = 1_000;

    private CountingGraph() {}

    /** The key of item {@code i}: spread over the keys, not in runs. */
    static long keyOf(long i) {
        return i * 7_919 % KEYS;
    }

    /** Counts the items of each key in the store {@code counts}; emits each item's count so far. */
    static final class Count implements Node<Long, String> {
        private final boolean slow;
        private KeyValueStore<Long, Long> counts;

        Count(boolean slow) {
            this.slow = slow;
        }

        @Override
        public void open(NodeContext context) {
            counts = context.store("counts");
        }

        @Override
        public void process(Long i, Emitter<String> out) {
            if (slow) {
                work(); // slower than the source, so that queues fill and many items are in flight
            }
            long key = keyOf(i);
            long n = counts.getOrDefault(key, 0L) + 1;
            counts.put(key, n);
            out.emit("k" + key + " " + n);
        }
    }

    private static void work() {
        long until = System.nanoTime() + 3_000;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    static ComputationalGraph graph(long count, Path out, boolean slow, Robustness robustness) {
        return ComputationalGraph.builder("counting")
                .start("numbers", Sources.generator(count, i -> i))
                .node("count", () -> new Count(slow))
                .stores("counts")
                .parallelism(2)
                .end("out", Sinks.appendLines(out))
                .edge("numbers -> count", Partitioning.keyed((Long i) -> keyOf(i)))
                .edge("count -> out")
                .robustness(robustness)
                .build();
    }

    public static void main(String[] args) throws Exception {
        long count = Long.parseLong(args[0]);
        Path out = Path.of(args[1]);
        Path checkpoints = Path.of(args[2]);
        LocalOptions.Mode mode = LocalOptions.Mode.valueOf(args[3]);
        Duration interval = Duration.ofMillis(Long.parseLong(args[4]));
        Robustness robustness = Robustness.of(Robustness.Level.valueOf(args[5]));
        LocalOptions options = LocalOptions.defaults().withMode(mode).withCheckpoints(checkpoints, interval);
        try (Deployment deployment = graph(count, out, true, robustness).deploy(SystemType.LOCAL, options)) {
            if (!deployment.awaitCompletion(Duration.ofMinutes(5))) {
                System.exit(2);
            }
        }
    }
}
