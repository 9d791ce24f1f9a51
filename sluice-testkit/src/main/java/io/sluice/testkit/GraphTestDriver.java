package io.sluice.testkit;

import io.sluice.ComputationalGraph;
import io.sluice.Edge;
import io.sluice.Emitter;
import io.sluice.End;
import io.sluice.EndNode;
import io.sluice.EndNodeSpec;
import io.sluice.ItemFailure;
import io.sluice.KeyValueStore;
import io.sluice.Node;
import io.sluice.NodeContext;
import io.sluice.NodeFailedException;
import io.sluice.NodeKind;
import io.sluice.NodeSpec;
import io.sluice.NotDefinedException;
import io.sluice.Partitioning;
import io.sluice.ProcessingNodeSpec;
import io.sluice.SluiceException;
import io.sluice.Stage;
import io.sluice.StartNode;
import io.sluice.StartNodeSpec;
import io.sluice.StoreView;
import io.sluice.ValueState;
import io.sluice.spi.InstanceStores;
import io.sluice.spi.StoreQueries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Runs a whole {@link ComputationalGraph} in the test's thread, deterministically: no threads, no queues, no real
 * time. A small interpreter over the graph's public description — its nodes, edges, ports and partitionings — that
 * makes every node instance with its spec's factory and calls it as a runtime would, so a test feeds items in,
 * moves virtual time on, ends the input and reads what came out, node by node, as Kafka Streams' {@code
 * TopologyTestDriver} does for a topology.
 *
 * <pre>{@code
 * try (GraphTestDriver driver = GraphTestDriver.of(flow.build())) {
 *     driver.send(payments, new Payment("a", 5), new Payment("b", -1));
 *     driver.complete();
 *     assertThat(driver.results(out)).containsExactly(Map.entry("a", 5L));
 *     assertThat(driver.emitted(refused)).containsExactly(new Payment("b", -1));   // a side port
 *     assertThat(driver.store("totals", "sums").get("a")).contains(5L);
 * }
 * }</pre>
 *
 * <p><b>How items move.</b> An item travels as soon as it is emitted, depth first: the emit call returns once the
 * item, and everything it caused downstream, has been processed. Edges leave a port in the order the graph defines
 * them, and their partitioning picks the instances as the LOCAL runtime does: forward from instance <i>i</i> to
 * instance <i>i</i> (to each instance in turn where the parallelisms differ), round-robin starting at the producer's
 * own instance, keyed by the same hash of the key, broadcast to every instance in order, global to instance 0. So a
 * keyed node's stores hold the same keys on the same instances as on LOCAL. The order within a run is one of those a
 * multi-threaded runtime could produce, and the same on every run.
 *
 * <p><b>Lifecycle.</b> Every processing and end node instance is made and opened, in topological order, on the first
 * driving call ({@link #send}, {@link #runSources}, {@link #advance}, {@link #complete}); start nodes are made and
 * opened only by {@link #runSources}. {@link #send} does not call a start node: its items enter as if the start node
 * had emitted them. {@link #advance} ticks every instance that asked ({@link NodeContext#tickEvery}) once per period
 * of virtual time, earliest first. {@link #complete()} ends the input: {@code onComplete} for every node in
 * topological order, so what a chunker or aggregator still holds flows to the nodes after it before they complete.
 * {@link #close()} closes every instance opened, downstream first, and every store.
 *
 * <p><b>Failures.</b> What a node throws — in {@code open}, on an item, on a tick, on complete, while pulling — leaves
 * as a {@link NodeFailedException} whose message names the node, its instance when there are several, and the item
 * (as LOCAL's do: {@code Node 'tag' (instance 1 of 2) failed on item Payment[cents=-5]: IllegalArgumentException:
 * negative amount}), with the node's exception as the cause and {@link NodeFailedException#nodeId()} and {@link
 * NodeFailedException#item()} set. The run is then over, as a deployment would be: further driving calls are refused,
 * while what was recorded stays readable. Unknown node and store names are refused with core's {@link
 * NotDefinedException} messages.
 *
 * <p><b>What it leaves out.</b> The graph's {@link io.sluice.Robustness} is not simulated (a failure ends the run, as
 * at level NONE: no replay, no dead letters), nor checkpoints, {@link io.sluice.Resumable} or {@link EndNode#flush},
 * nor backpressure. Bounded sources run with {@link #runSources()}; a source that never ends (an inbox, an interval, a
 * Kafka topic) would make it pull for ever — feed such a graph with {@link #send} instead.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
public final class GraphTestDriver implements AutoCloseable {

    private static final int MAX_ITEM_TEXT = 200;

    private enum Phase {
        NEW,
        RUNNING,
        COMPLETED,
        FAILED,
        CLOSED
    }

    private final ComputationalGraph graph;
    private final Map<String, Vertex> vertices = new LinkedHashMap<>(); // in topological order
    private Phase phase = Phase.NEW;
    private NodeFailedException failure;
    private long now; // virtual nanoseconds since the driver was made

    private GraphTestDriver(ComputationalGraph graph) {
        this.graph = graph;
        for (String id : graph.topologicalOrder()) {
            vertices.put(id, new Vertex(graph.node(id)));
        }
        for (Vertex from : vertices.values()) {
            for (Edge edge : graph.outbound(from.id())) {
                from.routes
                        .computeIfAbsent(edge.port(), port -> new ArrayList<>())
                        .add(new Route(edge, from, vertices.get(edge.to())));
            }
        }
    }

    /** A driver of {@code graph}; nothing is made or opened until the first driving call. */
    public static GraphTestDriver of(ComputationalGraph graph) {
        return new GraphTestDriver(Objects.requireNonNull(graph, "graph"));
    }

    // ---- driving the graph ----

    /**
     * Sends items into the graph as if start node {@code startNodeId} had emitted them, spread over its instances in
     * turn (item <i>k</i> from instance <i>k</i> mod parallelism, counting on from the last send). The start node's own
     * {@code pull} is not called.
     *
     * @throws NotDefinedException if the graph has no such node, listing the nodes it has
     * @throws SluiceException if the node is not a start node
     * @throws NodeFailedException if a node failed on one of the items or what it caused
     * @throws IllegalStateException after {@link #complete()}, a failure, or {@link #close()}
     */
    public GraphTestDriver send(String startNodeId, Object... items) {
        Vertex start = startVertex(startNodeId);
        requireRunning("send(…)");
        for (Object item : items) {
            send(start, item);
            endIfFailed();
        }
        return this;
    }

    /** Sends typed items into the graph through a start node of a {@link io.sluice.Flow}; see {@link #send(String, Object...)}. */
    @SafeVarargs
    public final <T> GraphTestDriver send(Stage<T> start, T... items) {
        Vertex vertex = startVertex(start.id());
        requireRunning("send(…)");
        for (T item : items) {
            send(vertex, item);
            endIfFailed();
        }
        return this;
    }

    /**
     * Makes and opens the graph's start nodes, then pulls them in turn — one pull each, round after round — until
     * every one has said it is exhausted: for bounded sources such as {@link io.sluice.Sources#collection}. A source
     * that never ends makes this call never return; feed such a graph with {@link #send}. The input does not end
     * here: call {@link #complete()} for that, after advancing time if the test needs to.
     *
     * @throws NodeFailedException if a node failed
     * @throws IllegalStateException after {@link #complete()}, a failure, or {@link #close()}
     */
    public GraphTestDriver runSources() {
        requireRunning("runSources()");
        List<Instance> sources = new ArrayList<>();
        for (Vertex vertex : vertices.values()) {
            if (vertex.spec instanceof StartNodeSpec && vertex.instances.isEmpty()) {
                make(vertex);
                vertex.instances.forEach(Instance::open);
            }
            if (vertex.spec instanceof StartNodeSpec) {
                sources.addAll(vertex.instances);
            }
        }
        for (boolean pulled = true; pulled; ) {
            pulled = false;
            for (Instance source : sources) {
                if (!source.exhausted) {
                    source.exhausted = !source.pull();
                    endIfFailed();
                    pulled = true;
                }
            }
        }
        return this;
    }

    /**
     * Moves virtual time on by {@code time}, calling {@code onTick} on every instance that asked for ticks, once for
     * every one of its periods that ends within it, the earliest first (ties in topological order, then by instance).
     * A node's ticks fall a whole period after it asked, then a period apart. Nothing sleeps.
     *
     * @throws IllegalArgumentException if {@code time} is negative
     * @throws NodeFailedException if a node failed
     * @throws IllegalStateException after {@link #complete()}, a failure, or {@link #close()}
     */
    public GraphTestDriver advance(Duration time) {
        NodeTestDriver.requireNonNegative(time);
        requireRunning("advance(…)");
        long until = now + time.toNanos();
        for (Instance due = nextTick(until); due != null; due = nextTick(until)) {
            now = due.nextTick;
            due.nextTick += due.tickPeriod;
            due.tick();
            endIfFailed();
        }
        now = until;
        return this;
    }

    /**
     * Ends the input: calls {@code onComplete} on every instance of every processing and end node, in topological
     * order, so that what a node emits there reaches the nodes after it before they complete.
     *
     * @throws NodeFailedException if a node failed
     * @throws IllegalStateException if called twice, after a failure, or after {@link #close()}
     */
    public GraphTestDriver complete() {
        requireRunning("complete()");
        phase = Phase.COMPLETED;
        for (Vertex vertex : vertices.values()) {
            if (!(vertex.spec instanceof StartNodeSpec)) {
                for (Instance instance : vertex.instances) {
                    instance.complete();
                    endIfFailed();
                }
            }
        }
        return this;
    }

    /**
     * Closes every node instance that was opened, downstream first, and every store; harmless if called again.
     *
     * @throws NodeFailedException if a node failed to close, once every other is closed
     */
    @Override
    public void close() {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.CLOSED;
        NodeFailedException first = null;
        List<Vertex> downstreamFirst = new ArrayList<>(vertices.values());
        Collections.reverse(downstreamFirst);
        for (Vertex vertex : downstreamFirst) {
            for (Instance instance : vertex.instances.reversed()) {
                NodeFailedException closing = instance.close();
                if (first == null) {
                    first = closing;
                } else if (closing != null) {
                    first.addSuppressed(closing);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    // ---- what happened ----

    /**
     * What an end node of a {@link io.sluice.Flow} kept ({@link NodeContext#keepResult}, as {@link
     * io.sluice.Sinks#collect()} does), oldest first, over all its instances.
     *
     * @throws NotDefinedException if the graph has no such end node
     */
    public <T> List<T> results(End<T> end) {
        return results(end.id());
    }

    /**
     * What end node {@code endNodeId} kept, oldest first, over all its instances.
     *
     * @throws NotDefinedException if the graph has no such node, listing its end nodes
     * @throws SluiceException if the node is not an end node
     */
    @SuppressWarnings("unchecked")
    public <T> List<T> results(String endNodeId) {
        graph.endNode(endNodeId);
        return (List<T>) copy(vertices.get(endNodeId).results);
    }

    /**
     * Every item node {@code nodeId} received, in the order it received them, over all its instances; none for a start
     * node.
     *
     * @throws NotDefinedException if the graph has no such node
     */
    public List<Object> received(String nodeId) {
        graph.node(nodeId);
        return copy(vertices.get(nodeId).received);
    }

    /**
     * Every item node {@code nodeId} emitted on {@code port}, in order, over all its instances — what it was sent, for
     * a start node.
     *
     * @throws NotDefinedException if the graph has no such node, or the node no such port
     */
    public List<Object> emitted(String nodeId, String port) {
        NodeSpec spec = graph.node(nodeId);
        if (!spec.ports().contains(port)) {
            throw new NotDefinedException("Node '" + nodeId + "' has no port '" + port + "'; "
                    + (spec.kind() == NodeKind.END
                            ? "it is an end node, which emits nothing; read what it kept with results(\"" + nodeId
                                    + "\")"
                            : "its ports: " + spec.ports()));
        }
        return copy(vertices.get(nodeId).emitted.get(port));
    }

    /** Every item node {@code nodeId} emitted on its default port; see {@link #emitted(String, String)}. */
    public List<Object> emitted(String nodeId) {
        return emitted(nodeId, Emitter.DEFAULT_PORT);
    }

    /**
     * Every item the node of a {@link io.sluice.Flow} stage emitted on the stage's port: its default port, or a side
     * output read with {@link Stage#port}.
     */
    @SuppressWarnings("unchecked")
    public <T> List<T> emitted(Stage<T> stage) {
        return (List<T>) emitted(stage.id(), stage.port());
    }

    /**
     * Store {@code store} of node {@code nodeId} over all its instances, live, read as a deployment's store is ({@link
     * io.sluice.Deployment#store}): a value by key, a key written as text, or the entries with their instance. Empty
     * until the node is made.
     *
     * @throws NotDefinedException if the graph has no such node, or the node no such store; the message lists the
     *     node's stores
     */
    public StoreView store(String nodeId, String store) {
        graph.store(nodeId, store);
        Vertex vertex = vertices.get(nodeId);
        return StoreQueries.view(nodeId, store, keys -> {
            List<KeyValueStore<Object, Object>> stores = vertex.instances.stream()
                    .map(instance -> (KeyValueStore<Object, Object>) instance.stores.find(store))
                    .toList();
            return new StoreQueries.Instances() {
                @Override
                public int count() {
                    return stores.size();
                }

                @Override
                public Object get(int instance, Object key) {
                    return stores.get(instance).get(key);
                }

                @Override
                public void forEach(int instance, java.util.function.BiPredicate<Object, Object> action) {
                    // a store's forEach cannot stop early; the view stops asking once it has what it needs
                    boolean[] more = {true};
                    stores.get(instance).forEach((k, v) -> {
                        if (more[0]) {
                            more[0] = action.test(k, v);
                        }
                    });
                }

                @Override
                public long size(int instance) {
                    return stores.get(instance).size();
                }
            };
        });
    }

    // ---- the interpreter ----

    private Vertex startVertex(String id) {
        NodeSpec spec = graph.node(id);
        if (!(spec instanceof StartNodeSpec)) {
            throw new SluiceException(
                    "Node '" + id + "' is a " + spec.kind().name().toLowerCase(Locale.ROOT)
                            + " node; items are sent into start nodes: "
                            + graph.startNodes().stream().map(NodeSpec::id).toList());
        }
        return vertices.get(id);
    }

    private void send(Vertex start, Object item) {
        int instance = start.sendTurn;
        start.sendTurn = (instance + 1) % start.spec.parallelism();
        try {
            emit(start, instance, Emitter.DEFAULT_PORT, item);
        } catch (Throwable e) {
            throw leave(start, instance, e, null, item, true);
        }
    }

    /** Records an item emitted by instance {@code instance} of {@code from}, and takes it down every edge of the port. */
    private void emit(Vertex from, int instance, String port, Object item) {
        List<Object> emitted = from.emitted.get(port);
        if (emitted == null) {
            TreeSet<String> ports = new TreeSet<>(from.spec.ports());
            throw new IllegalArgumentException(
                    port.equals(Emitter.DEFAULT_PORT)
                            ? "node '" + from.id() + "' has no default port; emit on one of its ports " + ports
                                    + " with emit(port, item)"
                            : "node '" + from.id() + "' has no port '" + port + "'; its ports: " + ports
                                    + "; declare side outputs on the node and give each an edge");
        }
        emitted.add(item);
        for (Route route : from.routes.getOrDefault(port, List.of())) {
            route.deliver(instance, item);
        }
    }

    private Instance nextTick(long until) {
        Instance due = null;
        for (Vertex vertex : vertices.values()) {
            for (Instance instance : vertex.instances) {
                if (instance.tickPeriod > 0
                        && instance.nextTick - until <= 0
                        && (due == null || instance.nextTick - due.nextTick < 0)) {
                    due = instance;
                }
            }
        }
        return due;
    }

    /** Makes and opens every processing and end node instance on the first driving call. */
    private void requireRunning(String call) {
        String graphName = "Graph '" + graph.name() + "': ";
        switch (phase) {
            case NEW -> {
                phase = Phase.RUNNING;
                for (Vertex vertex : vertices.values()) {
                    if (!(vertex.spec instanceof StartNodeSpec)) {
                        make(vertex);
                    }
                }
                for (Vertex vertex : vertices.values()) {
                    vertex.instances.forEach(Instance::open);
                }
            }
            case RUNNING -> {}
            case COMPLETED ->
                throw new IllegalStateException(graphName + call + " after complete(); the input has ended — make a"
                        + " new driver to start again");
            case FAILED ->
                throw new IllegalStateException(
                        graphName + call + " after the run failed; a failed run cannot go on — make a new driver."
                                + " The failure: " + failure.getMessage(),
                        failure);
            case CLOSED -> throw new IllegalStateException(graphName + call + " after close(); the driver is closed");
        }
    }

    /** Ends the call at a failure that a node upstream caught and swallowed: the run is over all the same. */
    private void endIfFailed() {
        if (phase == Phase.FAILED) {
            throw failure;
        }
    }

    /** Makes the instances of a node with its factory, each with its stores. */
    @SuppressWarnings("unchecked")
    private void make(Vertex vertex) {
        NodeSpec spec = vertex.spec;
        for (int i = 0; i < spec.parallelism(); i++) {
            Instance instance;
            try {
                instance = new Instance(vertex, i);
            } catch (Throwable e) {
                throw fail(
                        e,
                        new NodeFailedException(
                                spec.id(),
                                "Node '" + spec.id() + "' could not be created: its stores could not be opened: "
                                        + ItemFailure.errorOf(e),
                                e));
            }
            vertex.instances.add(instance); // before the factory runs, so that close() closes its stores
            Object made;
            try {
                made = switch (spec) {
                    case StartNodeSpec s -> s.factory().get();
                    case ProcessingNodeSpec s -> s.factory().get();
                    case EndNodeSpec s -> s.factory().get();
                };
            } catch (Throwable e) {
                throw fail(
                        e,
                        new NodeFailedException(
                                spec.id(),
                                "Node '" + spec.id() + "' could not be created: its factory threw "
                                        + ItemFailure.errorOf(e),
                                e));
            }
            if (made == null) {
                throw fail(
                        null,
                        new NodeFailedException(
                                spec.id(),
                                "Node '" + spec.id()
                                        + "' could not be created: its factory returned null; return a new node"
                                        + " object",
                                null));
            }
            switch (spec) {
                case StartNodeSpec s -> instance.source = (StartNode<Object>) made;
                case ProcessingNodeSpec s -> instance.node = (Node<Object, Object>) made;
                case EndNodeSpec s -> instance.node = Adapters.node((EndNode<Object>) made);
            }
        }
    }

    /**
     * What leaves the driver when node code threw {@code e}: the run's failure as it is while it travels up through
     * the nodes that emitted the item, the JVM's own errors untouched, anything else the node's failure.
     */
    private RuntimeException leave(
            Vertex vertex, int instance, Throwable e, String phase, Object item, boolean onItem) {
        if (e == failure) {
            return failure;
        }
        int parallelism = vertex.spec.parallelism();
        String where = parallelism == 1 ? "" : " (instance " + instance + " of " + parallelism + ")";
        String itemText = onItem ? describe(item) : null;
        String what = onItem ? "failed on item " + itemText : "failed " + phase;
        return fail(
                e,
                new NodeFailedException(
                        vertex.id(),
                        itemText,
                        "Node '" + vertex.id() + "'" + where + " " + what + ": " + ItemFailure.errorOf(e),
                        e));
    }

    private RuntimeException fail(Throwable cause, NodeFailedException failure) {
        if (cause instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        this.failure = failure; // the latest: what travels up now, through the nodes that emitted the item
        if (phase != Phase.CLOSED) {
            phase = Phase.FAILED;
        }
        if (cause instanceof VirtualMachineError error && !(cause instanceof StackOverflowError)) {
            throw error; // the JVM's failure, not the node's: as on the runtimes, it leaves untouched
        }
        return this.failure;
    }

    private static String describe(Object item) {
        String text;
        try {
            text = String.valueOf(item);
        } catch (RuntimeException e) {
            text = item.getClass().getName() + " (toString threw "
                    + e.getClass().getSimpleName() + ")";
        }
        return text.length() > MAX_ITEM_TEXT ? text.substring(0, MAX_ITEM_TEXT) + "…" : text;
    }

    private static List<Object> copy(List<?> items) {
        return Collections.unmodifiableList(new ArrayList<>(items));
    }

    /** The instance a key belongs to, as the LOCAL runtime picks it: the key's hash, mixed, modulo the instances. */
    static int instanceFor(Object key, int instances) {
        int h = key.hashCode() * 0x9E3779B9;
        return Math.floorMod(h ^ (h >>> 16), instances);
    }

    /** A node of the graph: its instances once made, and what it received and emitted. */
    private static final class Vertex {
        final NodeSpec spec;
        final List<Instance> instances = new ArrayList<>();
        final List<Object> received = new ArrayList<>();
        final Map<String, List<Object>> emitted = new LinkedHashMap<>();
        final Map<String, List<Route>> routes = new HashMap<>();
        final List<Object> results = new ArrayList<>();
        int sendTurn;

        Vertex(NodeSpec spec) {
            this.spec = spec;
            spec.ports().forEach(port -> emitted.put(port, new ArrayList<>()));
        }

        String id() {
            return spec.id();
        }
    }

    /** An edge as items take it: from any instance of one node to the instances its partitioning picks. */
    private static final class Route {
        final Edge edge;
        final int upstream;
        final Vertex to;
        final int[] nextByProducer; // round-robin position of each upstream instance, starting at its own index

        Route(Edge edge, Vertex from, Vertex to) {
            this.edge = edge;
            this.upstream = from.spec.parallelism();
            this.to = to;
            this.nextByProducer = new int[upstream];
            for (int i = 0; i < upstream; i++) {
                nextByProducer[i] = i % to.spec.parallelism();
            }
        }

        void deliver(int from, Object item) {
            int downstream = to.spec.parallelism();
            switch (edge.partitioning()) {
                case Partitioning.Forward f -> to(upstream == downstream ? from : inTurn(from), item);
                case Partitioning.RoundRobin r -> to(inTurn(from), item);
                case Partitioning.Keyed k -> {
                    Object key = k.keyFunction().apply(item);
                    if (key == null) {
                        throw new SluiceException("the key function of keyed edge " + edge.describe()
                                + " returned null; every item needs a key");
                    }
                    to(instanceFor(key, downstream), item);
                }
                case Partitioning.Broadcast b -> {
                    for (int i = 0; i < downstream; i++) {
                        to(i, item);
                    }
                }
                case Partitioning.Global g -> to(0, item);
            }
        }

        private int inTurn(int from) {
            int next = nextByProducer[from];
            nextByProducer[from] = (next + 1) % to.spec.parallelism();
            return next;
        }

        private void to(int instance, Object item) {
            to.received.add(item);
            to.instances.get(instance).accept(item);
        }
    }

    /** One instance of a node: the user's object, its stores, its ticks; its context and emitter. */
    private final class Instance implements NodeContext, Emitter<Object> {
        final Vertex vertex;
        final int index;
        final InstanceStores stores;
        Node<Object, Object> node; // processing nodes, and end nodes adapted
        StartNode<Object> source; // start nodes
        boolean opened;
        boolean exhausted;
        long tickPeriod; // 0: no ticks asked for
        long nextTick;

        Instance(Vertex vertex, int index) {
            this.vertex = vertex;
            this.index = index;
            this.stores = InstanceStores.open(graph.name(), vertex.spec, index);
        }

        void open() {
            opened = true; // before the call, so that close() closes a node whose open threw
            try {
                if (source != null) {
                    source.open(this);
                } else {
                    node.open(this);
                }
            } catch (Throwable e) {
                throw leave(vertex, index, e, "to open", null, false);
            }
        }

        void accept(Object item) {
            try {
                node.process(item, this);
            } catch (Throwable e) {
                throw leave(vertex, index, e, null, item, true);
            }
        }

        boolean pull() {
            try {
                return source.pull(this);
            } catch (Throwable e) {
                throw leave(vertex, index, e, "while pulling", null, false);
            }
        }

        void tick() {
            try {
                node.onTick(this);
            } catch (Throwable e) {
                throw leave(vertex, index, e, "on tick", null, false);
            }
        }

        void complete() {
            try {
                node.onComplete(this);
            } catch (Throwable e) {
                throw leave(vertex, index, e, "on complete", null, false);
            }
        }

        /** Closes the node if it was opened, and always its stores; returns the failure to close, if any. */
        NodeFailedException close() {
            try {
                if (opened) {
                    if (source != null) {
                        source.close();
                    } else {
                        node.close();
                    }
                }
                return null;
            } catch (Throwable e) {
                if (e instanceof VirtualMachineError error && !(e instanceof StackOverflowError)) {
                    throw error;
                }
                return new NodeFailedException(
                        vertex.id(), "Node '" + vertex.id() + "' failed to close: " + ItemFailure.errorOf(e), e);
            } finally {
                stores.close();
            }
        }

        // ---- Emitter ----

        @Override
        public void emit(Object item) {
            GraphTestDriver.this.emit(vertex, index, Emitter.DEFAULT_PORT, item);
        }

        @Override
        public void emit(String port, Object item) {
            GraphTestDriver.this.emit(vertex, index, Objects.requireNonNull(port, "port"), item);
        }

        // ---- NodeContext ----

        @Override
        public String graph() {
            return graph.name();
        }

        @Override
        public String nodeId() {
            return vertex.id();
        }

        @Override
        public int instance() {
            return index;
        }

        @Override
        public int parallelism() {
            return vertex.spec.parallelism();
        }

        @Override
        public void tickEvery(Duration period) {
            if (source != null) {
                throw new IllegalStateException(
                        "start node '" + vertex.id() + "' cannot tick; a start node times itself inside pull");
            }
            tickPeriod = Adapters.tickPeriod(vertex.id(), period);
            nextTick = now + tickPeriod;
        }

        @Override
        public void keepResult(Object item) {
            vertex.results.add(item);
        }

        @Override
        public <K, V> KeyValueStore<K, V> store(String name) {
            return stores.store(name);
        }

        @Override
        public <V> ValueState<V> valueState(String name) {
            return stores.valueState(name);
        }
    }
}
