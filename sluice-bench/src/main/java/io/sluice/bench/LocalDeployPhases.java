package io.sluice.bench;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.EndNode;
import io.sluice.LocalOptions;
import io.sluice.Partitioning;
import io.sluice.Sources;
import io.sluice.SystemType;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Where a LOCAL deployment of {@link LocalThroughputBenchmark}'s chained graph spends its wall clock, single-thread
 * against multi-thread: from {@code deploy} to the first item, the items, from the end node's {@code onComplete} to
 * the caller's return from {@code awaitCompletion}, and {@code close}. Medians over {@code rounds} deployments, six
 * passes alternating the two modes. The graph's own functions take the timestamps, so what lies between them is the
 * runtime's.
 *
 * <p>Run: {@code java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp sluice-bench/target/benchmarks.jar
 * io.sluice.bench.LocalDeployPhases [rounds] [items]}, by default 300 deployments of 1,000,000 items.
 */
public final class LocalDeployPhases {

    private static volatile long firstItem;
    private static volatile long completed;

    private LocalDeployPhases() {}

    /** Sums what reaches it and notes when it completed. */
    static final class Sink implements EndNode<Long> {
        static volatile long total;
        private long sum;

        @Override
        public void process(Long count) {
            sum += count;
        }

        @Override
        public void onComplete() {
            total += sum;
            completed = System.nanoTime();
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        long items = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
        ComputationalGraph graph = ComputationalGraph.builder("phases")
                .start("generate", Sources.generator(items, i -> {
                    if (i == 0) {
                        firstItem = System.nanoTime();
                    }
                    return i;
                }))
                .map("triple", (Long x) -> x * 3)
                .filter("even", (Long x) -> (x & 1) == 0)
                .node("count", LocalThroughputBenchmark.CountByKey::new)
                .end("sink", Sink::new)
                .edge("generate -> triple -> even")
                .edge("even -> count", Partitioning.keyed((Long x) -> x % LocalThroughputBenchmark.KEYS))
                .edge("count -> sink")
                .build();
        LocalOptions single = LocalOptions.defaults().withMode(LocalOptions.Mode.SINGLE_THREAD);
        LocalOptions multi = LocalOptions.defaults();
        System.out.printf("%,d deployments of %,d items per pass; medians in ms%n", rounds, items);
        for (int pass = 0; pass < 6; pass++) {
            for (LocalOptions options : List.of(single, multi)) {
                long[] toFirst = new long[rounds];
                long[] work = new long[rounds];
                long[] toCaller = new long[rounds];
                long[] closing = new long[rounds];
                for (int r = 0; r < rounds; r++) {
                    long deploying = System.nanoTime();
                    Deployment deployment = graph.deploy(SystemType.LOCAL, options);
                    if (!deployment.awaitCompletion(Duration.ofMinutes(1))) {
                        throw new IllegalStateException("the graph did not complete: " + deployment.status());
                    }
                    long returned = System.nanoTime();
                    deployment.close();
                    long closed = System.nanoTime();
                    toFirst[r] = firstItem - deploying;
                    work[r] = completed - firstItem;
                    toCaller[r] = returned - completed;
                    closing[r] = closed - returned;
                }
                System.out.printf(
                        "%-6s deploy → first item %.3f   items %.3f   onComplete → caller %.3f   close %.3f%n",
                        options == single ? "single" : "multi",
                        median(toFirst),
                        median(work),
                        median(toCaller),
                        median(closing));
            }
        }
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e6;
    }
}
