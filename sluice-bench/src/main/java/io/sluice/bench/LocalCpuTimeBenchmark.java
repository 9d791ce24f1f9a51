package io.sluice.bench;

import io.sluice.ComputationalGraph;
import io.sluice.EndNode;
import io.sluice.LocalOptions;
import io.sluice.Robustness;
import io.sluice.Sources;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
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
 * [rounds]}, contenders: {@code fused rxJava rxJavaShared reactor single singleShared multi keyed unchained singleConfirm
 * singleReplay keyedConfirm}.
 *
 * <p>{@code singleShared} and {@code rxJavaShared} are {@code single} and {@code rxJava} in a JVM that, while it warms
 * up, also runs three other pipelines with maps and filters of their own, as an application with several pipelines
 * does: a call site that every map of the JVM shares then sees several functions, and the JIT can no longer inline
 * through it.
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
        List<Runnable> beside =
                !contender.endsWith("Shared") ? List.of() : contender.startsWith("rx") ? otherFlows() : otherGraphs();
        for (int pass = 0; pass < 2; pass++) {
            long wall = System.nanoTime();
            long cpu = os.getProcessCpuTime();
            for (int r = 0; r < rounds; r++) {
                run.run();
                if (pass == 0) {
                    beside.forEach(Runnable::run);
                }
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
        contenders.put("rxJavaShared", () -> peers.rxJava(blackhole));
        contenders.put("reactor", () -> peers.reactor(blackhole));
        contenders.put("single", () -> run(chained, single));
        contenders.put("singleShared", () -> run(chained, single));
        contenders.put("multi", () -> run(chained, LocalOptions.defaults()));
        contenders.put("keyed", () -> run(keyed, LocalOptions.defaults()));
        contenders.put("unchained", () -> run(chained, LocalOptions.defaults().withChaining(false)));
        contenders.put("singleConfirm", () -> run(tracked(chained, Robustness.Level.CONFIRM), single));
        contenders.put("singleReplay", () -> run(tracked(chained, Robustness.Level.REPLAY), single));
        contenders.put("keyedConfirm", () -> run(tracked(keyed, Robustness.Level.CONFIRM), LocalOptions.defaults()));
        return contenders;
    }

    /** Three graphs with maps and filters of their own: other pipelines of the same application. */
    private static List<Runnable> otherGraphs() {
        LocalOptions single = LocalOptions.defaults().withMode(LocalOptions.Mode.SINGLE_THREAD);
        return List.of(
                () -> run(other("a", x -> x + 1, x -> x % 3 != 0), single),
                () -> run(other("b", x -> x ^ 0x5555, x -> x > 100), single),
                () -> run(other("c", x -> x / 2, x -> (x & 4) == 0), single));
    }

    /** The same three pipelines on RxJava. */
    private static List<Runnable> otherFlows() {
        return List.of(
                () -> otherFlow(x -> x + 1, x -> x % 3 != 0),
                () -> otherFlow(x -> x ^ 0x5555, x -> x > 100),
                () -> otherFlow(x -> x / 2, x -> (x & 4) == 0));
    }

    private static void otherFlow(
            io.reactivex.rxjava3.functions.Function<Long, Long> map,
            io.reactivex.rxjava3.functions.Predicate<Long> filter) {
        io.reactivex.rxjava3.core.Flowable.rangeLong(0, 100_000)
                .map(map)
                .filter(filter)
                .reduce(0L, Long::sum)
                .blockingGet();
    }

    private static ComputationalGraph other(String name, Function<Long, Long> map, Predicate<Long> filter) {
        return ComputationalGraph.builder("other-" + name)
                .start("generate", Sources.generator(100_000, i -> i))
                .map("map", map)
                .filter("filter", filter)
                .end("sink", () -> (EndNode<Long>) x -> {})
                .edge("generate -> map -> filter -> sink")
                .build();
    }

    private static ComputationalGraph tracked(ComputationalGraph graph, Robustness.Level level) {
        return graph.withRobustness(Robustness.of(level));
    }

    private static void run(ComputationalGraph graph, LocalOptions options) {
        try {
            LocalThroughputBenchmark.run(graph, options);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
