package io.sluice.bench;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.Emitter;
import io.sluice.EndNode;
import io.sluice.LocalOptions;
import io.sluice.Node;
import io.sluice.Partitioning;
import io.sluice.Sources;
import io.sluice.SystemType;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Items per second through a 5-node graph — generate → map → filter → keyed count → sink — on the LOCAL runtime,
 * side by side with the same computation hand-fused into one Java loop.
 *
 * <p>Run: {@code java -jar sluice-bench/target/benchmarks.jar LocalThroughput}. Each invocation pushes {@value #ITEMS}
 * items through a fresh deployment, so deployment start-up and shutdown are in the figure.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class LocalThroughputBenchmark {

    static final int ITEMS = 1_000_000;
    static final int KEYS = 1024;

    private ComputationalGraph chained;
    private ComputationalGraph keyedParallel;

    @Setup
    public void setUp() {
        chained = graph(1);
        keyedParallel = graph(2);
    }

    /** The graph; with {@code countParallelism} > 1 the keyed edge crosses threads through queues. */
    static ComputationalGraph graph(int countParallelism) {
        return ComputationalGraph.builder("bench")
                .start("generate", Sources.generator(ITEMS, i -> i))
                .map("triple", (Long x) -> x * 3)
                .filter("even", (Long x) -> (x & 1) == 0)
                .node("count", CountByKey::new)
                .parallelism(countParallelism)
                .end("sink", Sink::new)
                .parallelism(countParallelism)
                .edge("generate -> triple -> even")
                .edge("even -> count", Partitioning.keyed((Long x) -> x % KEYS))
                .edge("count -> sink")
                .build();
    }

    /** Counts items by key, emitting the running count of the item's key. */
    static final class CountByKey implements Node<Long, Long> {
        private final Map<Long, Long> counts = new HashMap<>();

        @Override
        public void process(Long x, Emitter<Long> emitter) {
            emitter.emit(counts.merge(x % KEYS, 1L, Long::sum));
        }
    }

    /** Sums what reaches it, so that no stage can be optimised away. */
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
        }
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public void fusedLoop(Blackhole blackhole) {
        Map<Long, Long> counts = new HashMap<>();
        long sum = 0;
        for (long i = 0; i < ITEMS; i++) {
            long x = i * 3;
            if ((x & 1) == 0) {
                sum += counts.merge(x % KEYS, 1L, Long::sum);
            }
        }
        blackhole.consume(sum);
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public void sluiceSingleThread() throws InterruptedException {
        run(chained, LocalOptions.defaults().withMode(LocalOptions.Mode.SINGLE_THREAD));
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public void sluiceMultiThread() throws InterruptedException {
        run(chained, LocalOptions.defaults());
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public void sluiceMultiThreadKeyedParallel2() throws InterruptedException {
        run(keyedParallel, LocalOptions.defaults());
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public void sluiceMultiThreadUnchained() throws InterruptedException {
        run(chained, LocalOptions.defaults().withChaining(false));
    }

    private static void run(ComputationalGraph graph, LocalOptions options) throws InterruptedException {
        try (Deployment deployment = graph.deploy(SystemType.LOCAL, options)) {
            if (!deployment.awaitCompletion(Duration.ofMinutes(1))) {
                throw new IllegalStateException("benchmark graph did not complete: " + deployment.status());
            }
        }
    }
}
