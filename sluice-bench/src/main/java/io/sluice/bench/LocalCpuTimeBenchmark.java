package io.sluice.bench;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.LocalOptions;
import io.sluice.Robustness;
import io.sluice.SystemType;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link LocalThroughputBenchmark}'s contenders measured by the CPU time they take rather than by the clock: items per
 * CPU-second of the whole process, beside items per wall-clock second. On a machine shared with other work (the
 * project's 2-core reference machine, often at a load of 8 to 15) the wall clock of a JMH run mostly measures how
 * much of a core the benchmark got; the CPU time a contender spends on a million items moves far less, so it is the
 * figure to compare optimisations by. Each contender runs in its own JVM (one argument each), warms up for a pass of
 * {@code rounds} invocations, then is measured over a second pass.
 *
 * <p>Run: {@code java -cp sluice-bench/target/benchmarks.jar io.sluice.bench.LocalCpuTimeBenchmark <contender>
 * [rounds]}, contenders: {@code fused rxJava reactor single multi keyed unchained singleConfirm singleReplay
 * keyedConfirm}.
 */
public final class LocalCpuTimeBenchmark {

    private LocalCpuTimeBenchmark() {}

    public static void main(String[] args) throws Exception {
        String contender = args[0];
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Map<String, Runnable> contenders = contenders();
        Runnable run = contenders.get(contender);
        if (run == null) {
            throw new IllegalArgumentException(
                    "unknown contender '" + contender + "'; expected one of " + contenders.keySet());
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int pass = 0; pass < 2; pass++) {
            long wall = System.nanoTime();
            long cpu = os.getProcessCpuTime();
            for (int r = 0; r < rounds; r++) {
                run.run();
            }
            wall = System.nanoTime() - wall;
            cpu = os.getProcessCpuTime() - cpu;
            if (pass == 1) {
                double items = (double) rounds * LocalThroughputBenchmark.ITEMS;
                System.out.printf(
                        "%s: %.1f M items per CPU-second, %.1f M items/s wall clock%n",
                        contender, items / cpu * 1e3, items / wall * 1e3);
            }
        }
    }

    private static Map<String, Runnable> contenders() {
        LocalThroughputBenchmark peers = new LocalThroughputBenchmark();
        Blackhole blackhole = new Blackhole(
                "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        ComputationalGraph chained = LocalThroughputBenchmark.graph(1);
        ComputationalGraph keyed = LocalThroughputBenchmark.graph(2);
        LocalOptions single = LocalOptions.defaults().withMode(LocalOptions.Mode.SINGLE_THREAD);
        Map<String, Runnable> contenders = new LinkedHashMap<>();
        contenders.put("fused", () -> peers.fusedLoop(blackhole));
        contenders.put("rxJava", () -> peers.rxJava(blackhole));
        contenders.put("reactor", () -> peers.reactor(blackhole));
        contenders.put("single", () -> run(chained, single));
        contenders.put("multi", () -> run(chained, LocalOptions.defaults()));
        contenders.put("keyed", () -> run(keyed, LocalOptions.defaults()));
        contenders.put("unchained", () -> run(chained, LocalOptions.defaults().withChaining(false)));
        contenders.put("singleConfirm", () -> run(tracked(chained, Robustness.Level.CONFIRM), single));
        contenders.put("singleReplay", () -> run(tracked(chained, Robustness.Level.REPLAY), single));
        contenders.put("keyedConfirm", () -> run(tracked(keyed, Robustness.Level.CONFIRM), LocalOptions.defaults()));
        return contenders;
    }

    private static ComputationalGraph tracked(ComputationalGraph graph, Robustness.Level level) {
        return graph.withRobustness(Robustness.of(level));
    }

    private static void run(ComputationalGraph graph, LocalOptions options) {
        try (Deployment deployment = graph.deploy(SystemType.LOCAL, options)) {
            if (!deployment.awaitCompletion(Duration.ofMinutes(1))) {
                throw new IllegalStateException("benchmark graph did not complete: " + deployment.status());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
