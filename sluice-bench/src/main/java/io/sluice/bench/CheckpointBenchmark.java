package io.sluice.bench;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.Emitter;
import io.sluice.KeyValueStore;
import io.sluice.LocalOptions;
import io.sluice.Node;
import io.sluice.NodeContext;
import io.sluice.Partitioning;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What LOCAL checkpoints cost: the steady throughput of a keyed count kept in a store — numbers → count ×2 behind a
 * keyed edge, one store entry per key — without checkpoints and with checkpoints at several intervals, for a small and
 * a large key space. Each run is an endless deployment in a JVM of its own (runs in one JVM bias each other through
 * the heap and the JIT's profiles): warmed up, then the items counted over a fixed window read from its status.
 * Configurations alternate, round after round, and the median of the rounds is reported.
 *
 * <p>Run: {@code java -cp sluice-bench/target/benchmarks.jar io.sluice.bench.CheckpointBenchmark [window-seconds]
 * [rounds] [keys,...]}; checkpoints go to a temporary directory on the default file system. System properties of
 * SLF4J are passed on to the runs, so {@code
 * -Dorg.slf4j.simpleLogger.log.io.sluice.internal.local.Checkpointing=debug} logs every checkpoint's pause.
 */
public final class CheckpointBenchmark {

    /** No checkpoints, then checkpoints at these intervals (milliseconds). */
    private static final long[] INTERVALS = {0, 10, 100, 1_000, 5_000};

    private CheckpointBenchmark() {}

    /** Counts each key in the store {@code counts}; emits nothing per item, so the store is what is measured. */
    static final class Count implements Node<Long, Object> {
        private KeyValueStore<Long, Long> counts;

        @Override
        public void open(NodeContext context) {
            counts = context.store("counts");
        }

        @Override
        public void process(Long key, Emitter<Object> out) {
            counts.put(key, counts.getOrDefault(key, 0L) + 1);
        }
    }

    static ComputationalGraph graph(long keys) {
        return ComputationalGraph.builder("checkpoint-bench")
                .start("numbers", Sources.generator(i -> Math.floorMod(i * 0x9E3779B97F4A7C15L, keys)))
                .node("count", Count::new)
                .stores("counts")
                .parallelism(2)
                .end("out", Sinks.discard())
                .edge("numbers -> count", Partitioning.keyed((Long key) -> key))
                .edge("count -> out")
                .build();
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--one")) {
            double rate = run(
                    Long.parseLong(args[1]),
                    Long.parseLong(args[2]),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(Long.parseLong(args[3])));
            System.out.println(rate);
            return;
        }
        Duration window = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 20);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long[] keySpaces = args.length > 2
                ? Stream.of(args[2].split(",")).mapToLong(Long::parseLong).toArray()
                : new long[] {1_000, 100_000};
        Map<String, List<Double>> results = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (long keys : keySpaces) {
                for (long interval : INTERVALS) {
                    String name = String.format(Locale.ROOT, "%,d keys, %s", keys, describe(interval));
                    double rate = fork(keys, interval, window);
                    results.computeIfAbsent(name, k -> new ArrayList<>()).add(rate);
                    System.out.printf(Locale.ROOT, "round %d  %-28s %,14.0f items/s%n", round + 1, name, rate);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%n%-28s %14s %8s   rounds%n", "configuration", "median/s", "vs none");
        Map<Long, Double> none = new LinkedHashMap<>();
        results.forEach((name, rates) -> {
            double median = median(rates);
            long keys = Long.parseLong(name.substring(0, name.indexOf(' ')).replace(",", ""));
            if (name.endsWith("no checkpoints")) {
                none.put(keys, median);
            }
            System.out.printf(
                    Locale.ROOT,
                    "%-28s %,14.0f %8.2f   %s%n",
                    name,
                    median,
                    median / none.get(keys),
                    rates.stream()
                            .map(r -> String.format(Locale.ROOT, "%,.0f", r))
                            .toList());
        });
    }

    private static String describe(long interval) {
        return interval == 0 ? "no checkpoints" : "every " + interval + " ms";
    }

    /** {@link #run} in a JVM of its own. */
    private static double fork(long keys, long interval, Duration window) throws Exception {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms2g", "-Xmx2g"));
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("org.slf4j."))
                .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                CheckpointBenchmark.class.getName(),
                "--one",
                Long.toString(keys),
                Long.toString(interval),
                Long.toString(window.toSeconds())));
        Process run = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(run.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (run.waitFor() != 0) {
            throw new IllegalStateException("the run of " + keys + " keys every " + interval + " ms failed: " + out);
        }
        return Double.parseDouble(out.strip());
    }

    /** Items per second counted over {@code window}, after {@code warmUp}, in a fresh deployment. */
    private static double run(long keys, long intervalMillis, Duration warmUp, Duration window) throws Exception {
        Path directory = Files.createTempDirectory("sluice-checkpoint-bench");
        LocalOptions options = LocalOptions.defaults();
        if (intervalMillis > 0) {
            options = options.withCheckpoints(directory, Duration.ofMillis(intervalMillis));
        }
        try (Deployment deployment = graph(keys).deploy(SystemType.LOCAL, options)) {
            Thread.sleep(warmUp.toMillis()); // a benchmark's fixed window, not a wait for a result
            long startItems = counted(deployment);
            long start = System.nanoTime();
            Thread.sleep(window.toMillis());
            long items = counted(deployment) - startItems;
            return items * 1e9 / (System.nanoTime() - start);
        } finally {
            delete(directory);
        }
    }

    private static long counted(Deployment deployment) {
        return deployment.status().nodes().get("count").itemsIn();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void delete(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
