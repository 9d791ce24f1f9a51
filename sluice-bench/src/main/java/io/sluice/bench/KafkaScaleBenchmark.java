package io.sluice.bench;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.GraphFactory;
import io.sluice.Partitioning;
import io.sluice.Sinks;
import io.sluice.SystemType;
import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.KafkaSources;
import io.sluice.kafka.Workers;
import io.sluice.testkit.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One keyed, stateful node at parallelism 1, 2 and 4 on worker processes (one JVM per node, as on Kubernetes), under
 * exactly-once: a topic of N records over K keys is read, counted per key in a store behind a keyed edge, and
 * dropped. Each run is timed from the first record the count node takes to the deployment's completion (the drain,
 * without the JVMs' start-up), and checked: the count node took every record.
 *
 * <p>Run: {@code java -cp sluice-bench/target/benchmarks.jar io.sluice.bench.KafkaScaleBenchmark [items] [keys]
 * [rounds]}.
 */
public final class KafkaScaleBenchmark {

    static final String TOPIC = "sluice.bench.topic";
    static final String PARALLELISM = "sluice.bench.parallelism";
    static final String NAME = "sluice.bench.name";
    static final String BOOTSTRAP = "sluice.bench.bootstrap";
    private static final int PARTITIONS = 4;

    private KafkaScaleBenchmark() {}

    /** The graph each worker process builds, from system properties. */
    public static final class Counting implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            return graph(
                    System.getProperty(NAME),
                    System.getProperty(BOOTSTRAP),
                    System.getProperty(TOPIC),
                    Integer.getInteger(PARALLELISM));
        }
    }

    static ComputationalGraph graph(String name, String bootstrap, String topic, int parallelism) {
        KafkaOptions options = KafkaOptions.of(bootstrap);
        return ComputationalGraph.builder(name)
                .start("read", KafkaSources.topic(options, topic).untilEnd())
                .node("count", KafkaStatefulBenchmark.StoreCount::new)
                .stores("counts")
                .parallelism(parallelism)
                .end("sink", Sinks.discard())
                .edge("read -> count", Partitioning.keyed((Long key) -> key))
                .edge("count -> sink")
                .build();
    }

    public static void main(String[] args) throws Exception {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int keys = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        try (KafkaBroker kafka = KafkaBroker.start()) {
            String topic = KafkaStatefulBenchmark.fill(kafka, "bench-scale-in", PARTITIONS, items, keys);
            System.out.printf(
                    Locale.ROOT,
                    "%d items over %d keys, %d partitions, exactly-once, one process per node, %d cores%n",
                    items,
                    keys,
                    PARTITIONS,
                    Runtime.getRuntime().availableProcessors());
            System.out.printf(Locale.ROOT, "%-12s %14s %10s%n", "parallelism", "items/s", "s");
            int run = 0;
            for (int round = 0; round < rounds; round++) {
                for (int parallelism : new int[] {1, 2, 4}) {
                    double seconds = run(kafka, topic, items, parallelism, "bench-scale-" + ++run);
                    System.out.printf(Locale.ROOT, "%-12d %,14.0f %10.2f%n", parallelism, items / seconds, seconds);
                }
            }
        }
    }

    private static double run(KafkaBroker kafka, String topic, int items, int parallelism, String name)
            throws Exception {
        Path logs = Files.createTempDirectory("sluice-bench-scale-");
        List<String> jvm = new ArrayList<>(List.of(
                "-D" + NAME + "=" + name,
                "-D" + BOOTSTRAP + "=" + kafka.bootstrapServers(),
                "-D" + TOPIC + "=" + topic,
                "-D" + PARALLELISM + "=" + parallelism));
        KafkaOptions options = KafkaOptions.of(kafka.bootstrapServers())
                .withGuarantee(Guarantee.EXACTLY_ONCE)
                .withDeleteTopicsOnClose(true)
                .withWorkers(Workers.processes(Counting.class, logs).withJvmOptions(jvm.toArray(String[]::new)));
        ComputationalGraph graph = graph(name, kafka.bootstrapServers(), topic, parallelism);
        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options)) {
            long first = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (!deployment.status().state().isFinal() && System.nanoTime() < deadline) {
                if (first == 0 && deployment.status().node("count").itemsIn() > 0) {
                    first = System.nanoTime();
                }
                Thread.sleep(20);
            }
            long done = System.nanoTime();
            if (!deployment.awaitCompletion(Duration.ofSeconds(1))) {
                throw new IllegalStateException("run " + name + " did not complete: " + deployment.status());
            }
            long counted = deployment.status().node("count").itemsIn();
            if (counted != items) {
                throw new IllegalStateException("run " + name + ": the count node took " + counted + " of " + items);
            }
            return (done - first) / 1e9;
        }
    }
}
