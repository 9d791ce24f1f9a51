package io.sluice.bench;

import io.sluice.ComputationalGraph;
import io.sluice.Emitter;
import io.sluice.KeyValueStore;
import io.sluice.LocalOptions;
import io.sluice.Node;
import io.sluice.NodeContext;
import io.sluice.Partitioning;
import io.sluice.Sources;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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

/**
 * What a state store costs on LOCAL: the graph of {@link LocalThroughputBenchmark} (generate → map → filter → keyed
 * count → sink) with its count node keeping the counts in a declared store, against the same node keeping them in a
 * {@code HashMap} field, in the same JMH run. Both nodes do the same get and put per item.
 *
 * <p>Run: {@code java -jar sluice-bench/target/benchmarks.jar LocalStateBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class LocalStateBenchmark {

    static final int ITEMS = LocalThroughputBenchmark.ITEMS;
    static final int KEYS = LocalThroughputBenchmark.KEYS;

    private ComputationalGraph withStore;
    private ComputationalGraph withHashMap;
    private ComputationalGraph withStoreKeyed2;
    private ComputationalGraph withHashMapKeyed2;

    @Setup
    public void setUp() {
        withStore = graph(StoreCount::new, true, 1);
        withHashMap = graph(HashMapCount::new, false, 1);
        withStoreKeyed2 = graph(StoreCount::new, true, 2);
        withHashMapKeyed2 = graph(HashMapCount::new, false, 2);
    }

    static ComputationalGraph graph(Supplier<Node<Long, Long>> count, boolean store, int parallelism) {
        ComputationalGraph.Builder builder = ComputationalGraph.builder("bench-state")
                .start("generate", Sources.generator(ITEMS, i -> i))
                .map("triple", (Long x) -> x * 3)
                .filter("even", (Long x) -> (x & 1) == 0)
                .node("count", count);
        if (store) {
            builder.stores("counts");
        }
        return builder.parallelism(parallelism)
                .end("sink", LocalThroughputBenchmark.Sink::new)
                .parallelism(parallelism)
                .edge("generate -> triple -> even")
                .edge("even -> count", Partitioning.keyed((Long x) -> x % KEYS))
                .edge("count -> sink")
                .build();
    }

    /** Counts by key in the store {@code counts}, emitting the running count of the item's key. */
    static final class StoreCount implements Node<Long, Long> {
        private KeyValueStore<Long, Long> counts;

        @Override
        public void open(NodeContext context) {
            counts = context.store("counts");
        }

        @Override
        public void process(Long x, Emitter<Long> emitter) {
            Long key = x % KEYS;
            long count = counts.getOrDefault(key, 0L) + 1;
            counts.put(key, count);
            emitter.emit(count);
        }
    }

    /** The same node, its counts in a field (lost on a restart). */
    static final class HashMapCount implements Node<Long, Long> {
        private final Map<Long, Long> counts = new HashMap<>();

        @Override
        public void process(Long x, Emitter<Long> emitter) {
            Long key = x % KEYS;
            long count = counts.getOrDefault(key, 0L) + 1;
            counts.put(key, count);
            emitter.emit(count);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public void storeSingleThread() throws InterruptedException {
        LocalThroughputBenchmark.run(withStore, LocalOptions.defaults().withMode(LocalOptions.Mode.SINGLE_THREAD));
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public void hashMapSingleThread() throws InterruptedException {
        LocalThroughputBenchmark.run(withHashMap, LocalOptions.defaults().withMode(LocalOptions.Mode.SINGLE_THREAD));
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public void storeMultiThread() throws InterruptedException {
        LocalThroughputBenchmark.run(withStore, LocalOptions.defaults());
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public void hashMapMultiThread() throws InterruptedException {
        LocalThroughputBenchmark.run(withHashMap, LocalOptions.defaults());
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public void storeMultiThreadKeyedParallel2() throws InterruptedException {
        LocalThroughputBenchmark.run(withStoreKeyed2, LocalOptions.defaults());
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public void hashMapMultiThreadKeyedParallel2() throws InterruptedException {
        LocalThroughputBenchmark.run(withHashMapKeyed2, LocalOptions.defaults());
    }
}
