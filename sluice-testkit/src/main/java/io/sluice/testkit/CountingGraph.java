package io.sluice.testkit;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.Emitter;
import io.sluice.EndNode;
import io.sluice.Flow;
import io.sluice.GraphFactory;
import io.sluice.KeyValueStore;
import io.sluice.LocalOptions;
import io.sluice.Node;
import io.sluice.NodeContext;
import io.sluice.Resumable;
import io.sluice.Sources;
import io.sluice.StartNode;
import io.sluice.StoreSpec;
import io.sluice.SystemType;
import io.sluice.spi.InstanceStores;
import io.sluice.spi.StoreEngine;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;

/**
 * The graph the store crash suites run, of every kind of node with state in a store backend under test: a start node
 * {@value #NUMBERS} emits {@code items} numbers; the stateful node {@value #COUNT} (parallelism {@value
 * #PARALLELISM}, keyed by the number modulo {@code keys}) counts each key in its store {@value #COUNTS} and passes the
 * number on; the end node {@value #TALLY} counts and sums what reaches it in its store {@value #TALLY}. What the
 * stores' server holds once it completed is the result: every key counted {@code items / keys} times, and the end
 * node's tally of {@code items} items summing to {@code items (items - 1) / 2}.
 *
 * <p>It crosses process boundaries as a properties file ({@link #write}, {@link #read}): a child JVM runs it on LOCAL
 * with {@link #main}, and KAFKA worker processes build it with {@link Factory}, which reads the file named by the
 * system property {@value #FILE_PROPERTY}.
 *
 * @param name the graph's name, which keeps its stores apart from other graphs' on a shared server
 * @param items how many numbers the start node emits
 * @param keys how many keys the numbers are counted under; {@code items} is a multiple of it
 * @param paceEvery the start node sleeps a millisecond every this many items, so that a run lasts long enough to be
 *     killed several times; 0 for no pause
 * @param counts the store of the counting node, named {@value #COUNTS}
 * @param tally the store of the end node, named {@value #TALLY}
 */
public record CountingGraph(String name, long items, int keys, int paceEvery, StoreSpec counts, StoreSpec tally) {

    public static final String NUMBERS = "numbers";
    public static final String COUNT = "count";
    public static final String COUNTS = "counts";
    public static final String TALLY = "tally";
    public static final int PARALLELISM = 2;

    /** How {@link #main} begins the line that says it committed numbers of its own: {@code committed N}. */
    static final String COMMITTED = "committed ";

    /** The system property that names the properties file {@link Factory} builds the graph from. */
    public static final String FILE_PROPERTY = "sluice.test.counting-graph";

    public CountingGraph {
        if (keys <= 0 || items % keys != 0) {
            throw new IllegalArgumentException("items (" + items + ") must be a multiple of keys (" + keys + ")");
        }
        if (!counts.name().equals(COUNTS) || !tally.name().equals(TALLY)) {
            throw new IllegalArgumentException("the stores are named '" + COUNTS + "' and '" + TALLY + "', found '"
                    + counts.name() + "' and '" + tally.name() + "'");
        }
    }

    /** Counts each key in its store and passes the number on. */
    static final class Count implements Node<Long, Long> {
        private final int keys;
        private KeyValueStore<Long, Long> counts;

        Count(int keys) {
            this.keys = keys;
        }

        @Override
        public void open(NodeContext context) {
            counts = context.store(COUNTS);
        }

        @Override
        public void process(Long item, Emitter<Long> out) {
            long key = item % keys;
            counts.put(key, counts.getOrDefault(key, 0L) + 1);
            out.emit(item);
        }
    }

    /** Counts and sums every number that reaches the end of the graph. */
    static final class Tally implements EndNode<Long> {
        private KeyValueStore<String, Long> tally;

        @Override
        public void open(NodeContext context) {
            tally = context.store(TALLY);
        }

        @Override
        public void process(Long item) {
            tally.put("items", tally.getOrDefault("items", 0L) + 1);
            tally.put("sum", tally.getOrDefault("sum", 0L) + item);
        }
    }

    /**
     * The start node: {@link Sources#generator}'s own, which also hands {@code committed} every position a commit of
     * the runtime took (a checkpoint on LOCAL, a transaction on KAFKA) beyond the one the node started from — so that
     * the process running it can tell when it has committed numbers of its own.
     */
    static final class Numbers implements StartNode<Long>, Resumable {
        private final StartNode<Long> generator;
        private final Resumable resumable;
        private final LongConsumer committed;
        private long started;

        Numbers(StartNode<Long> generator, LongConsumer committed) {
            this.generator = generator;
            this.resumable = (Resumable) generator; // a generator resumes at its position
            this.committed = committed;
        }

        @Override
        public void open(NodeContext context) throws Exception {
            generator.open(context);
            started = Long.parseLong(resumable.position());
        }

        @Override
        public boolean pull(Emitter<Long> out) throws Exception {
            return generator.pull(out);
        }

        @Override
        public boolean waitsForInput() {
            return generator.waitsForInput();
        }

        @Override
        public void close() throws Exception {
            generator.close();
        }

        @Override
        public String position() {
            return resumable.position();
        }

        @Override
        public void resume(String position) throws Exception {
            resumable.resume(position);
            started = Long.parseLong(position);
        }

        @Override
        public void committed(String position) throws Exception {
            resumable.committed(position);
            long at = Long.parseLong(position);
            if (at > started) {
                committed.accept(at);
            }
        }
    }

    public ComputationalGraph build() {
        return build(position -> {});
    }

    /** The graph, whose start node hands {@code committed} each position committed beyond where it started. */
    public ComputationalGraph build(LongConsumer committed) {
        int keys = this.keys;
        int paceEvery = this.paceEvery;
        long items = this.items;
        LongFunction<Long> number = paceEvery == 0 ? i -> i : i -> Pacing.every(i, paceEvery);
        Flow flow = Flow.named(name);
        flow.read(NUMBERS, () -> new Numbers(Sources.generator(items, number).get(), committed))
                .keyBy(i -> i % keys)
                .then(COUNT, () -> new Count(keys))
                .stores(counts)
                .parallelism(PARALLELISM)
                .to(TALLY, Tally::new)
                .stores(tally);
        return flow.build();
    }

    /** Every key's count as the server holds it, read by fresh engines the way a restarted runtime opens them. */
    public Map<Long, Long> storedCounts() {
        Map<Long, Long> counts = new TreeMap<>();
        for (int instance = 0; instance < PARALLELISM; instance++) {
            read(COUNT, instance, this.counts, (key, value) -> counts.merge((Long) key, (Long) value, Long::sum));
        }
        return counts;
    }

    /** The end node's tally as the server holds it: {@code items} and {@code sum}, absent before the first. */
    public Map<String, Long> storedTally() {
        Map<String, Long> tally = new TreeMap<>();
        read(TALLY, 0, this.tally, (key, value) -> tally.put((String) key, (Long) value));
        return tally;
    }

    private void read(String node, int instance, StoreSpec spec, java.util.function.BiConsumer<Object, Object> each) {
        StoreEngine engine = InstanceStores.backend(node, spec).open(name, node, instance, spec);
        try {
            engine.forEach(each);
        } finally {
            engine.close();
        }
    }

    /** Every key counted {@code items / keys} times: what a run without faults leaves. */
    public Map<Long, Long> exactCounts() {
        Map<Long, Long> counts = new TreeMap<>();
        for (long key = 0; key < keys; key++) {
            counts.put(key, items / keys);
        }
        return counts;
    }

    /** Every item once at the end node. */
    public Map<String, Long> exactTally() {
        return new TreeMap<>(Map.of("items", items, "sum", items * (items - 1) / 2));
    }

    // ---- across processes ----

    /** Writes this graph where another process {@link #read}s it; the file holds the stores' settings. */
    public Path write(Path file) {
        Properties properties = new Properties();
        properties.setProperty("name", name);
        properties.setProperty("items", Long.toString(items));
        properties.setProperty("keys", Integer.toString(keys));
        properties.setProperty("pace-every", Integer.toString(paceEvery));
        for (StoreSpec store : new StoreSpec[] {counts, tally}) {
            properties.setProperty(store.name() + ".backend", store.backend());
            store.config().forEach((key, value) -> properties.setProperty(store.name() + ".config." + key, value));
        }
        try (Writer out = Files.newBufferedWriter(file)) {
            properties.store(out, "a CountingGraph");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    public static CountingGraph read(Path file) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new CountingGraph(
                properties.getProperty("name"),
                Long.parseLong(properties.getProperty("items")),
                Integer.parseInt(properties.getProperty("keys")),
                Integer.parseInt(properties.getProperty("pace-every")),
                store(properties, COUNTS),
                store(properties, TALLY));
    }

    private static StoreSpec store(Properties properties, String name) {
        Map<String, String> config = new HashMap<>();
        String prefix = name + ".config.";
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(prefix)) {
                config.put(key.substring(prefix.length()), properties.getProperty(key));
            }
        }
        return StoreSpec.of(name, properties.getProperty(name + ".backend"), config);
    }

    /** Builds the graph in a KAFKA worker process from the file the system property {@value #FILE_PROPERTY} names. */
    public static final class Factory implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            String file = System.getProperty(FILE_PROPERTY);
            if (file == null) {
                throw new IllegalStateException("CountingGraph.Factory needs -D" + FILE_PROPERTY + "=<file>");
            }
            return read(Path.of(file)).build();
        }
    }

    /**
     * Runs the graph of the file {@code args[0]} on LOCAL, checkpointing every 100 ms into the directory {@code
     * args[1]} and resuming from it: prints {@code running} once deployed, and {@code committed N} whenever a
     * checkpoint holds the numbers before {@code N}, some of which this run emitted — by then the stores' server holds
     * writes of this run, which a restart must reckon with (under the crash fault {@code commit-external-eagerly}
     * every batch is committed to the server before the checkpoint's barrier passes; as built, right after the
     * checkpoint). Exits 0 when it completed, 3 otherwise.
     */
    public static void main(String[] args) throws Exception {
        ComputationalGraph graph = read(Path.of(args[0])).build(position -> say(COMMITTED + position));
        LocalOptions options = LocalOptions.defaults().withCheckpoints(Path.of(args[1]), Duration.ofMillis(100));
        try (Deployment deployment = graph.deploy(SystemType.LOCAL, options)) {
            say("running");
            DeploymentState state = deployment.awaitTermination(Duration.ofMinutes(5));
            if (state != DeploymentState.COMPLETED) {
                say(state + ": "
                        + deployment.failure().map(Throwable::getMessage).orElse(""));
            }
            System.exit(state == DeploymentState.COMPLETED ? 0 : 3);
        }
    }

    /** A line for the test that started this JVM, which reads it in the file the output goes to. */
    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
