package io.sluice.bench;

import io.sluice.ComputationalGraph;
import io.sluice.LocalOptions;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a LOCAL deployment costs before and after its items: {@link LocalThroughputBenchmark}'s five-node graph over
 * one item, deployed, run to completion and closed, on the caller's thread and on task threads (the chained graph,
 * one task; the keyed graph, three). The throughput benchmarks pay this once per invocation.
 *
 * <p>Run: {@code java -jar sluice-bench/target/benchmarks.jar LocalDeploy}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class LocalDeployBenchmark {

    private ComputationalGraph chained;
    private ComputationalGraph keyed;

    @Setup
    public void setUp() {
        chained = LocalThroughputBenchmark.graph(1, 1);
        keyed = LocalThroughputBenchmark.graph(1, 2);
    }

    @Benchmark
    public void singleThread() throws InterruptedException {
        LocalThroughputBenchmark.run(chained, LocalOptions.defaults().withMode(LocalOptions.Mode.SINGLE_THREAD));
    }

    @Benchmark
    public void multiThreadChained() throws InterruptedException {
        LocalThroughputBenchmark.run(chained, LocalOptions.defaults());
    }

    @Benchmark
    public void multiThreadKeyed() throws InterruptedException {
        LocalThroughputBenchmark.run(keyed, LocalOptions.defaults());
    }
}
