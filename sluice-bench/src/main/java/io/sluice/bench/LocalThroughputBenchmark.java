package io.sluice.bench;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.jet.JetService;
import com.hazelcast.jet.aggregate.AggregateOperations;
import com.hazelcast.jet.pipeline.BatchSource;
import com.hazelcast.jet.pipeline.Pipeline;
import com.hazelcast.jet.pipeline.SourceBuilder;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.schedulers.Schedulers;
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
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.publisher.Flux;

/**
 * Items per second through a 5-node graph — generate → map → filter → keyed count → sink — on the LOCAL runtime,
 * side by side with the same computation hand-fused into one Java loop, and with the peers a user would compare it
 * with: RxJava 3 and Reactor 3 (one thread, a stateful map for the count), RxJava's {@code groupBy} on its
 * computation scheduler, and Hazelcast Jet embedded (one member in this JVM).
 *
 * <p>Run: {@code java -jar sluice-bench/target/benchmarks.jar LocalThroughput}. Each invocation pushes {@value #ITEMS}
 * items through a fresh deployment (a fresh subscription, a fresh Jet job), so start-up and shutdown are in the
 * figure.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
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
        return graph(ITEMS, countParallelism);
    }

    /** The same graph over {@code items} items. */
    static ComputationalGraph graph(long items, int countParallelism) {
        return ComputationalGraph.builder("bench")
                .start("generate", Sources.generator(items, i -> i))
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

    /** RxJava 3 on the caller's thread: the count is a map holding its own state, fresh per subscription. */
    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public void rxJava(Blackhole blackhole) {
        long sum = Flowable.defer(() -> {
                    Map<Long, Long> counts = new HashMap<>();
                    return Flowable.rangeLong(0, ITEMS)
                            .map(x -> x * 3)
                            .filter(x -> (x & 1) == 0)
                            .map(x -> counts.merge(x % KEYS, 1L, Long::sum));
                })
                .reduce(0L, Long::sum)
                .blockingGet();
        blackhole.consume(sum);
    }

    /** RxJava 3 with the count behind {@code groupBy}, each group on the computation scheduler: its keyed parallel. */
    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public void rxJavaGroupByParallel(Blackhole blackhole) {
        long sum = Flowable.rangeLong(0, ITEMS)
                .map(x -> x * 3)
                .filter(x -> (x & 1) == 0)
                .groupBy(x -> x % KEYS)
                .flatMap(
                        group -> group.observeOn(Schedulers.computation())
                                .scan(0L, (n, x) -> n + 1)
                                .skip(1),
                        KEYS)
                .reduce(0L, Long::sum)
                .blockingGet();
        blackhole.consume(sum);
    }

    /** Reactor 3 on the caller's thread: the count is a map holding its own state, fresh per subscription. */
    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public void reactor(Blackhole blackhole) {
        Long sum = Flux.defer(() -> {
                    Map<Long, Long> counts = new HashMap<>();
                    return Flux.range(0, ITEMS)
                            .map(Integer::longValue)
                            .map(x -> x * 3)
                            .filter(x -> (x & 1) == 0)
                            .map(x -> counts.merge(x % KEYS, 1L, Long::sum));
                })
                .reduce(0L, Long::sum)
                .block();
        blackhole.consume(sum);
    }

    /** One embedded Hazelcast member with Jet enabled, started once per fork; only the Jet benchmark uses it. */
    @State(Scope.Benchmark)
    public static class JetMember {
        HazelcastInstance member;
        JetService jet;

        @Setup
        public void start() {
            Config config = new Config();
            config.setClusterName("sluice-bench");
            config.getJetConfig().setEnabled(true);
            config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
            config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
            config.setProperty("hazelcast.phone.home.enabled", "false");
            config.setProperty("hazelcast.logging.type", "none");
            member = Hazelcast.newHazelcastInstance(config);
            jet = member.getJet();
        }

        @TearDown
        public void stop() {
            member.shutdown();
        }
    }

    /** Hazelcast Jet: a job per invocation, the count a keyed {@code mapStateful}, its default parallelism. */
    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public void jetEmbedded(JetMember member, Blackhole blackhole) {
        BatchSource<Long> generate = SourceBuilder.batch("generate", ctx -> new long[1])
                .<Long>fillBufferFn((next, buffer) -> {
                    for (int i = 0; i < 1024 && next[0] < ITEMS; i++) {
                        buffer.add(next[0]++);
                    }
                    if (next[0] >= ITEMS) {
                        buffer.close();
                    }
                })
                .build();
        Pipeline pipeline = Pipeline.create();
        pipeline.readFrom(generate)
                .map(x -> x * 3)
                .filter(x -> (x & 1) == 0)
                .groupingKey(x -> x % KEYS)
                .mapStateful(AtomicLong::new, (count, key, x) -> count.incrementAndGet())
                .aggregate(AggregateOperations.summingLong(x -> x))
                .writeTo(com.hazelcast.jet.pipeline.Sinks.noop());
        member.jet.newJob(pipeline).join();
        blackhole.consume(pipeline);
    }

    /** Flink's local environment (a mini-cluster per job), parallelism 1: the count keyed state of the key. */
    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public void flinkLocalP1() throws Exception {
        flink(1);
    }

    /** Flink's local environment, parallelism 2. */
    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public void flinkLocalP2() throws Exception {
        flink(2);
    }

    private static void flink(int parallelism) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
        env.fromSequence(0, ITEMS - 1)
                .map(x -> x * 3)
                .returns(Types.LONG)
                .filter(x -> (x & 1) == 0)
                .keyBy(x -> x % KEYS, Types.LONG)
                .process(new FlinkCount())
                .returns(Types.LONG)
                .sinkTo(new DiscardingSink<>());
        env.execute("bench");
    }

    /** The running count per key, in Flink's keyed state. */
    static final class FlinkCount extends KeyedProcessFunction<Long, Long, Long> {
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext context) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        }

        @Override
        public void processElement(Long x, Context context, Collector<Long> out) throws Exception {
            Long n = count.value();
            long next = n == null ? 1 : n + 1;
            count.update(next);
            out.collect(next);
        }
    }

    /** Deploys {@code graph} on LOCAL and waits for it to complete: what every LOCAL benchmark times. */
    static void run(ComputationalGraph graph, LocalOptions options) throws InterruptedException {
        try (Deployment deployment = graph.deploy(SystemType.LOCAL, options)) {
            if (!deployment.awaitCompletion(Duration.ofMinutes(1))) {
                throw new IllegalStateException("benchmark graph did not complete: " + deployment.status());
            }
        }
    }
}
