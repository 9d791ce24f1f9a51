package io.sluice.bench;

import io.sluice.ComputationalGraph;
import io.sluice.LocalOptions;
import io.sluice.Robustness;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What tracking costs: {@link LocalThroughputBenchmark}'s graph under each robustness level, in the three shapes that
 * matter — all chained on one thread (trees never cross a queue), two keyed instances behind queues, and every node
 * on its own thread (every item crosses four queues).
 *
 * <p>Run: {@code java -jar sluice-bench/target/benchmarks.jar RobustnessBenchmark}. No item fails, so REPLAY costs
 * what its bookkeeping costs; a replay itself re-runs the item's tree.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RobustnessBenchmark {

    @Param({"NONE", "CONFIRM", "REPLAY"})
    public String level;

    private ComputationalGraph chained;
    private ComputationalGraph keyedParallel;

    @Setup
    public void setUp() {
        Robustness robustness = Robustness.of(Robustness.Level.valueOf(level));
        chained = LocalThroughputBenchmark.graph(1).withRobustness(robustness);
        keyedParallel = LocalThroughputBenchmark.graph(2).withRobustness(robustness);
    }

    @Benchmark
    @OperationsPerInvocation(LocalThroughputBenchmark.ITEMS)
    public void singleThread() throws InterruptedException {
        LocalThroughputBenchmark.run(chained, LocalOptions.defaults().withMode(LocalOptions.Mode.SINGLE_THREAD));
    }

    @Benchmark
    @OperationsPerInvocation(LocalThroughputBenchmark.ITEMS)
    public void keyedParallel2() throws InterruptedException {
        LocalThroughputBenchmark.run(keyedParallel, LocalOptions.defaults());
    }

    @Benchmark
    @OperationsPerInvocation(LocalThroughputBenchmark.ITEMS)
    public void unchained() throws InterruptedException {
        LocalThroughputBenchmark.run(chained, LocalOptions.defaults().withChaining(false));
    }
}
