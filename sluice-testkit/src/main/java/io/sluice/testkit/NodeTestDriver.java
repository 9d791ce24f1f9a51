package io.sluice.testkit;

import io.sluice.Emitter;
import io.sluice.EndNode;
import io.sluice.EndNodeSpec;
import io.sluice.KeyValueStore;
import io.sluice.Node;
import io.sluice.NodeContext;
import io.sluice.NodeSpec;
import io.sluice.Port;
import io.sluice.ProcessingNodeSpec;
import io.sluice.StoreSpec;
import io.sluice.ValueState;
import io.sluice.spi.InstanceStores;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Drives one node of your own — a {@link Node} or an {@link EndNode} — directly, in the test's thread, with virtual
 * time: the unit test of a node class, as Kafka Streams' {@code TopologyTestDriver} and Hazelcast Jet's {@code
 * TestSupport} are for theirs. To run nodes together, with edges and partitioning, use {@link GraphTestDriver}.
 *
 * <pre>{@code
 * try (NodeTestDriver<Payment, Map.Entry<String, Long>> totals = NodeTestDriver.of(Totals::new).stores("sums")) {
 *     totals.process(new Payment("a", 5), new Payment("a", 7), new Payment("a", -1));
 *     assertThat(totals.emitted()).containsExactly(Map.entry("a", 5L), Map.entry("a", 12L));
 *     assertThat(totals.emitted(Totals.REJECTED)).containsExactly(new Payment("a", -1));
 *     assertThat(totals.<String, Long>store("sums").get("a")).isEqualTo(12L);
 * }
 * }</pre>
 *
 * <p><b>How the node is called.</b> As a runtime calls it, with one instance: the factory once and {@link
 * Node#open} once — on the first {@link #process}, {@link #advance} or {@link #complete}, or on {@link #open()} —
 * then {@link Node#process} for each item, {@link Node#onTick} once per tick period that {@link #advance} moves
 * virtual time over, {@link Node#onComplete} on {@link #complete()}, and {@link Node#close} on {@link #close()}
 * (also when {@code open} threw). Nothing sleeps and no thread is started. Configure the context ({@link #stores},
 * {@link #instance}, {@link #graph}, {@link #nodeId}) before the node opens.
 *
 * <p><b>What it records.</b> Everything the node emits accumulates, port by port, until {@link #clear()} or, for the
 * default port, {@link #drain()}: {@link #emitted()} returns all of it each time it is asked. What the node keeps with
 * {@link NodeContext#keepResult} is in {@link #results()}.
 *
 * <p><b>Failures.</b> Whatever the node throws leaves these methods as it was thrown — a checked exception too,
 * although the methods do not declare it — so {@code assertThatThrownBy(() -> driver.process(bad))} sees the node's
 * own exception. (A runtime would wrap it in a {@link io.sluice.NodeFailedException} naming the node and the item;
 * {@link GraphTestDriver} does.) Mistakes in using the driver are {@link IllegalStateException}s.
 *
 * <p>Not thread-safe: one test thread drives it.
 *
 * @param <I> the type of the items the node takes
 * @param <O> the type of the items it emits on its default port; {@link Void} for an end node
 */
public final class NodeTestDriver<I, O> implements AutoCloseable {

    /** The graph name the context gives unless {@link #graph(String)} says otherwise. */
    public static final String DEFAULT_GRAPH = "test";

    /** The node id the context gives a node made by a factory unless {@link #nodeId(String)} says otherwise. */
    public static final String DEFAULT_NODE_ID = "node";

    private enum Phase {
        NEW,
        OPEN,
        COMPLETED,
        CLOSED
    }

    private final Supplier<?> factory;
    private final boolean endNode;
    private final Set<String> ports; // null: any port, as the node is not in a graph that declares them
    private final List<StoreSpec> stores = new ArrayList<>();
    private String graph = DEFAULT_GRAPH;
    private String nodeId;
    private int instance;
    private int parallelism = 1;

    private final Context context = new Context();
    private final Map<String, List<Object>> emitted = new LinkedHashMap<>();
    private final List<Object> results = new ArrayList<>();
    private Phase phase = Phase.NEW;
    private InstanceStores openStores;
    private Node<I, O> node; // an end node is adapted to a Node emitting nothing
    private long now; // virtual nanoseconds since the driver was made
    private long tickPeriod; // 0: the node asked for no ticks
    private long nextTick;

    private NodeTestDriver(Supplier<?> factory, boolean endNode, String nodeId, Set<String> ports) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.endNode = endNode;
        this.nodeId = nodeId;
        this.ports = ports;
        emitted.put(Emitter.DEFAULT_PORT, new ArrayList<>());
    }

    /**
     * A driver of the processing node {@code factory} makes (a constructor reference will do); the factory is called
     * once, when the node opens. The node may emit on any port: the ports are declared where the node joins a graph.
     */
    public static <I, O> NodeTestDriver<I, O> of(Supplier<? extends Node<I, O>> factory) {
        return new NodeTestDriver<>(factory, false, DEFAULT_NODE_ID, null);
    }

    /**
     * A driver of the node a spec describes — a ready-made one such as {@link io.sluice.Nodes#chunk} or {@link
     * io.sluice.Nodes#route} — with the spec's id, stores, parallelism (this is instance 0 unless {@link #instance}
     * says otherwise) and ports: emitting on a port the spec does not declare fails as it would on a runtime. The item
     * types are the caller's to state, as a spec does not carry them.
     */
    public static <I, O> NodeTestDriver<I, O> of(ProcessingNodeSpec spec) {
        NodeTestDriver<I, O> driver = new NodeTestDriver<>(spec.factory(), false, spec.id(), Set.copyOf(spec.ports()));
        driver.stores.addAll(spec.stores());
        driver.parallelism = spec.parallelism();
        return driver;
    }

    /** A driver of the end node {@code factory} makes, such as {@link io.sluice.Sinks#collect()}; it emits nothing. */
    public static <I> NodeTestDriver<I, Void> ofEnd(Supplier<? extends EndNode<I>> factory) {
        return new NodeTestDriver<>(factory, true, DEFAULT_NODE_ID, Set.of());
    }

    // ---- the context, set before the node opens ----

    /**
     * Declares in-memory stores of these names, which the node opens with {@link NodeContext#store}.
     *
     * @throws IllegalStateException if the stores are open already
     */
    public NodeTestDriver<I, O> stores(String... names) {
        return stores(Arrays.stream(names).map(StoreSpec::memory).toArray(StoreSpec[]::new));
    }

    /**
     * Declares stores, opened with the backends on the class path as a runtime opens them.
     *
     * @throws IllegalStateException if the stores are open already
     */
    public NodeTestDriver<I, O> stores(StoreSpec... specs) {
        requireUnopened("stores(…)");
        stores.addAll(Arrays.asList(specs));
        return this;
    }

    /**
     * Makes this instance {@code instance} of {@code parallelism}, as {@link NodeContext#instance()} and {@link
     * NodeContext#parallelism()} tell the node; instance 0 of 1 unless set.
     *
     * @throws IllegalArgumentException unless {@code 0 <= instance < parallelism}
     * @throws IllegalStateException if the node is open already
     */
    public NodeTestDriver<I, O> instance(int instance, int parallelism) {
        requireUnopened("instance(…)");
        if (parallelism < 1 || instance < 0 || instance >= parallelism) {
            throw new IllegalArgumentException("instance(" + instance + ", " + parallelism + "): expected a"
                    + " parallelism ≥ 1 and an instance from 0 to parallelism - 1");
        }
        this.instance = instance;
        this.parallelism = parallelism;
        return this;
    }

    /** Names the graph, as {@link NodeContext#graph()} tells the node; {@value #DEFAULT_GRAPH} unless set. */
    public NodeTestDriver<I, O> graph(String name) {
        requireUnopened("graph(…)");
        this.graph = Objects.requireNonNull(name, "name");
        return this;
    }

    /** Names the node, as {@link NodeContext#nodeId()} tells it and errors name it; {@value #DEFAULT_NODE_ID} unless set. */
    public NodeTestDriver<I, O> nodeId(String id) {
        requireUnopened("nodeId(…)");
        this.nodeId = Objects.requireNonNull(id, "id");
        return this;
    }

    // ---- driving the node ----

    /**
     * Makes the node with the factory and opens it, if that was not done yet; the driving methods call it for you.
     * Call it yourself to test what {@code open} does.
     *
     * @throws IllegalStateException if the driver is closed
     */
    public NodeTestDriver<I, O> open() {
        requireNotClosed("open()");
        if (phase != Phase.NEW) {
            return this;
        }
        openStores();
        node = make();
        phase = Phase.OPEN; // before open, so that close() closes a node whose open threw
        call(() -> node.open(context));
        return this;
    }

    /**
     * Hands each item to the node's {@code process}, in order.
     *
     * @throws IllegalStateException after {@link #complete()} or {@link #close()}
     */
    @SafeVarargs
    public final NodeTestDriver<I, O> process(I... items) {
        requireRunning("process(…)");
        for (I item : items) {
            call(() -> node.process(item, context));
        }
        return this;
    }

    /** Hands each item to the node's {@code process}, in order; see {@link #process(Object[])}. */
    public NodeTestDriver<I, O> processAll(Iterable<? extends I> items) {
        requireRunning("process(…)");
        for (I item : items) {
            call(() -> node.process(item, context));
        }
        return this;
    }

    /**
     * Moves virtual time on by {@code time}, calling {@code onTick} once for every tick period ({@link
     * NodeContext#tickEvery}) that ends within it: ticks fall a whole period after the node asked for them, then a
     * period apart, so advancing by 2.5 periods ticks twice and a further 0.5 period ticks once more.
     *
     * @throws IllegalArgumentException if {@code time} is negative
     * @throws IllegalStateException after {@link #complete()} or {@link #close()}
     */
    public NodeTestDriver<I, O> advance(Duration time) {
        requireNonNegative(time);
        requireRunning("advance(…)");
        long until = now + time.toNanos();
        while (tickPeriod > 0 && nextTick - until <= 0) {
            now = nextTick;
            nextTick += tickPeriod;
            call(() -> node.onTick(context));
        }
        now = until;
        return this;
    }

    /**
     * Ends the input: calls {@code onComplete}, where a node emits what it still holds.
     *
     * @throws IllegalStateException if called twice, or after {@link #close()}
     */
    public NodeTestDriver<I, O> complete() {
        requireRunning("complete()");
        phase = Phase.COMPLETED;
        call(() -> node.onComplete(context));
        return this;
    }

    /**
     * Closes the node if it was opened, then its stores; harmless if called again. What the node's {@code close}
     * throws leaves as it was thrown, after the stores are closed.
     */
    @Override
    public void close() {
        if (phase == Phase.CLOSED) {
            return;
        }
        boolean opened = phase != Phase.NEW;
        phase = Phase.CLOSED;
        try {
            if (opened) {
                call(node::close);
            }
        } finally {
            if (openStores != null) {
                openStores.close();
            }
        }
    }

    // ---- what the node did ----

    /** Everything the node emitted on its default port since it was made or since the last {@link #clear()}/{@link #drain()}. */
    @SuppressWarnings("unchecked")
    public List<O> emitted() {
        return (List<O>) copy(emitted.get(Emitter.DEFAULT_PORT));
    }

    /** Everything the node emitted on the side output {@code port} since it was made or since the last {@link #clear()}. */
    @SuppressWarnings("unchecked")
    public <P> List<P> emitted(Port<P> port) {
        return (List<P>) emitted(port.name());
    }

    /** Everything the node emitted on the port named {@code port} ({@link Emitter#DEFAULT_PORT} included). */
    public List<Object> emitted(String port) {
        return copy(emitted.getOrDefault(Objects.requireNonNull(port, "port"), List.of()));
    }

    /** What the node emitted on its default port since the last drain, which it forgets; the side outputs stay. */
    public List<O> drain() {
        List<O> items = emitted();
        emitted.get(Emitter.DEFAULT_PORT).clear();
        return items;
    }

    /** Forgets what the node emitted so far on every port; its {@link #results()} stay. */
    public NodeTestDriver<I, O> clear() {
        emitted.values().forEach(List::clear);
        return this;
    }

    /** What the node kept with {@link NodeContext#keepResult}, oldest first. */
    public List<Object> results() {
        return copy(results);
    }

    /**
     * The store {@code name}, live: what the node wrote is there, and what the test puts there the node reads. Opens
     * the stores but not the node, so a test may fill a store before the first item, as a restart would find it.
     *
     * @throws IllegalArgumentException if no store of that name is declared; the message lists those there are
     */
    public <K, V> KeyValueStore<K, V> store(String name) {
        requireNotClosed("store(…)");
        return openStores().store(name);
    }

    /**
     * The single value kept in the store {@code name}, live; see {@link #store(String)}.
     *
     * @throws IllegalArgumentException if no store of that name is declared
     */
    public <V> ValueState<V> valueState(String name) {
        requireNotClosed("valueState(…)");
        return openStores().valueState(name);
    }

    // ---- the rest ----

    private InstanceStores openStores() {
        if (openStores == null) {
            NodeSpec spec = endNode
                    ? new EndNodeSpec(nodeId, () -> null, parallelism, stores)
                    : new ProcessingNodeSpec(nodeId, () -> null, parallelism, Set.of(Emitter.DEFAULT_PORT), stores);
            // open() even when none are declared: InstanceStores.none() would name no node in its errors
            openStores = InstanceStores.open(graph, spec, instance);
        }
        return openStores;
    }

    @SuppressWarnings("unchecked")
    private Node<I, O> make() {
        Object made = factory.get();
        if (made == null) {
            throw new IllegalStateException(
                    "Node '" + nodeId + "' could not be created: its factory returned null; return a new node object");
        }
        return endNode ? (Node<I, O>) Adapters.node((EndNode<Object>) made) : (Node<I, O>) made;
    }

    private void requireRunning(String call) {
        requireNotClosed(call);
        if (phase == Phase.COMPLETED) {
            throw new IllegalStateException("Node '" + nodeId + "': " + call + " after complete(); the input has"
                    + " ended — make a new driver to start again");
        }
        open();
    }

    private void requireNotClosed(String call) {
        if (phase == Phase.CLOSED) {
            throw new IllegalStateException("Node '" + nodeId + "': " + call + " after close(); the driver is closed");
        }
    }

    private void requireUnopened(String call) {
        if (phase != Phase.NEW || openStores != null) {
            throw new IllegalStateException("Node '" + nodeId + "': " + call + " sets up the context, and the "
                    + (phase == Phase.NEW ? "stores are" : "node is") + " open already; call it first, right after"
                    + " NodeTestDriver.of(…)");
        }
    }

    static void requireNonNegative(Duration time) {
        Objects.requireNonNull(time, "time");
        if (time.isNegative()) {
            throw new IllegalArgumentException("advance: time only moves forward; found " + time);
        }
    }

    private static List<Object> copy(List<?> items) {
        return Collections.unmodifiableList(new ArrayList<>(items));
    }

    /** A call into the node. */
    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }

    /** Runs a call into the node, letting whatever it throws leave unchanged. */
    private static void call(Call call) {
        try {
            call.run();
        } catch (Exception e) {
            throw Adapters.<RuntimeException>sneaky(e);
        }
    }

    /** The node's context and emitter: one object, as on the runtimes. */
    private final class Context implements NodeContext, Emitter<O> {

        @Override
        public String graph() {
            return graph;
        }

        @Override
        public String nodeId() {
            return nodeId;
        }

        @Override
        public int instance() {
            return instance;
        }

        @Override
        public int parallelism() {
            return parallelism;
        }

        @Override
        public void tickEvery(Duration period) {
            tickPeriod = Adapters.tickPeriod(nodeId, period);
            nextTick = now + tickPeriod;
        }

        @Override
        public void keepResult(Object item) {
            results.add(item);
        }

        @Override
        public <K, V> KeyValueStore<K, V> store(String name) {
            return openStores().store(name);
        }

        @Override
        public <V> ValueState<V> valueState(String name) {
            return openStores().valueState(name);
        }

        @Override
        public void emit(O item) {
            if (ports != null && !ports.contains(Emitter.DEFAULT_PORT)) {
                throw new IllegalArgumentException("node '" + nodeId + "' has no default port; emit on one of its"
                        + " ports " + new TreeSet<>(ports) + " with emit(port, item)");
            }
            emitted.get(Emitter.DEFAULT_PORT).add(item);
        }

        @Override
        public void emit(String port, Object item) {
            Objects.requireNonNull(port, "port");
            if (ports != null && !ports.contains(port)) {
                throw new IllegalArgumentException("node '" + nodeId + "' has no port '" + port + "'; its ports: "
                        + new TreeSet<>(ports) + "; declare side outputs on the node and give each an edge");
            }
            emitted.computeIfAbsent(port, p -> new ArrayList<>()).add(item);
        }
    }
}
