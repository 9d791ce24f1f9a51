package io.sluice.bench;

import io.sluice.RequestGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The overhead of one request through an empty 10-node graph — nine independent nodes and a join reading all nine —
 * against the same fan-out written by hand with {@link CompletableFuture} on virtual threads, in the same run.
 *
 * <p>Run: {@code java -jar sluice-bench/target/benchmarks.jar RequestOverhead}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RequestOverheadBenchmark {

    private RequestGraph<Integer> graph;
    private ExecutorService virtualThreads;

    @Setup
    public void setUp() {
        RequestGraph.Builder<Integer> builder = RequestGraph.builder("empty");
        String[] parents = new String[9];
        for (int i = 0; i < 9; i++) {
            int n = i;
            parents[i] = "n" + i;
            builder.node(parents[i], (context, in) -> context + n);
        }
        builder.node(
                "join",
                (context, in) -> {
                    int sum = 0;
                    for (String parent : parents) {
                        sum += in.<Integer>get(parent);
                    }
                    return sum;
                },
                parents);
        graph = builder.build();
        virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
    }

    @TearDown
    public void tearDown() {
        virtualThreads.close();
    }

    @Benchmark
    public Object sluiceRequestGraph() {
        return graph.evaluate(1).output("join");
    }

    @Benchmark
    public Object handWrittenCompletableFutures() {
        int context = 1;
        List<CompletableFuture<Integer>> parents = new ArrayList<>(9);
        for (int i = 0; i < 9; i++) {
            int n = i;
            parents.add(CompletableFuture.supplyAsync(() -> context + n, virtualThreads));
        }
        return CompletableFuture.allOf(parents.toArray(CompletableFuture[]::new))
                .thenApplyAsync(
                        ignored -> {
                            int sum = 0;
                            for (CompletableFuture<Integer> parent : parents) {
                                sum += parent.join();
                            }
                            return sum;
                        },
                        virtualThreads)
                .join();
    }
}
