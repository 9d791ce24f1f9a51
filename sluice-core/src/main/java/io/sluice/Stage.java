package io.sluice;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A node of a {@link Flow} and the items it emits, of type {@code T}: attach the next node to it, or set the node's
 * parallelism, stores and ordering on it. A stage also carries how its items reach the next node attached — forward
 * unless {@link #keyBy}, {@link #rebalance}, {@link #broadcast} or {@link #global} say otherwise — and from which port
 * ({@link #port}); those views name the same node.
 *
 * <pre>{@code
 * Stage<Payment> payments = flow.read("payments", Sources.collection(list));
 * Stage<Total> totals = payments.keyBy(Payment::account).then("total", Totals::new).parallelism(4);
 * }</pre>
 *
 * <p>Attaching a second node to a stage sends every item to both, as a broadcast does.
 *
 * @param <T> the type of the items the node emits on this stage's port
 */
public final class Stage<T> {

    private final Flow flow;
    private final int node;
    private final String port;
    private final Partitioning partitioning;

    Stage(Flow flow, int node, String port, Partitioning partitioning) {
        this.flow = flow;
        this.node = node;
        this.port = port;
        this.partitioning = partitioning;
    }

    /** The id of the node this stage names. */
    public String id() {
        return flow.node(node).id();
    }

    int index() {
        return node;
    }

    /** The node's port this stage reads: {@link Emitter#DEFAULT_PORT} or a side output. */
    public String port() {
        return port;
    }

    /** How items reach the next node attached to this stage. */
    public Partitioning partitioning() {
        return partitioning;
    }

    // ---- settings of the node ----

    /** Runs {@code parallelism} instances of this stage's node. */
    public Stage<T> parallelism(int parallelism) {
        flow.update(node, spec -> spec.withParallelism(parallelism));
        return this;
    }

    /** Declares in-memory stores of these names on this stage's node; see {@link KeyValueStore}. */
    public Stage<T> stores(String... names) {
        flow.update(node, spec -> spec.withStores(names));
        return this;
    }

    /** Declares stores on this stage's node. */
    public Stage<T> stores(StoreSpec... stores) {
        flow.update(node, spec -> spec.withStores(stores));
        return this;
    }

    /**
     * Says that this stage's node needs its items in {@code ordering}; {@link Flow#build()} fails, naming where order
     * would be lost, if the graph does not keep it.
     */
    public Stage<T> requireOrder(Ordering ordering) {
        flow.requireOrder(id(), ordering);
        return this;
    }

    // ---- how items reach the next node ----

    /** This stage, its items reaching the next node by {@code key}: all items of one key meet one instance. */
    public Stage<T> keyBy(Function<? super T, ?> key) {
        return new Stage<>(flow, node, port, Partitioning.keyed(Objects.requireNonNull(key, "key")));
    }

    /** This stage, its items reaching the next node's instances in turn. */
    public Stage<T> rebalance() {
        return new Stage<>(flow, node, port, Partitioning.roundRobin());
    }

    /** This stage, every item reaching every instance of the next node. */
    public Stage<T> broadcast() {
        return new Stage<>(flow, node, port, Partitioning.broadcast());
    }

    /** This stage, every item reaching instance 0 of the next node. */
    public Stage<T> global() {
        return new Stage<>(flow, node, port, Partitioning.global());
    }

    /**
     * The items this stage's node emits on side output {@code port}, as a stage of the port's type; declares the port
     * on the node.
     *
     * @throws IllegalArgumentException if the node is not a processing node
     */
    public <P> Stage<P> port(Port<P> port) {
        if (!(flow.node(node) instanceof ProcessingNodeSpec)) {
            throw new IllegalArgumentException("node '" + id() + "' is a "
                    + flow.node(node).kind().name().toLowerCase() + " node; only processing nodes have side outputs");
        }
        flow.update(
                node,
                spec -> spec.ports().contains(port.name()) ? spec : ((ProcessingNodeSpec) spec).withPorts(port.name()));
        return onPort(port.name());
    }

    <P> Stage<P> onPort(String name) {
        return new Stage<>(flow, node, name, Partitioning.forward());
    }

    // ---- the next node ----

    /** A node that emits {@code function(item)} for each item. */
    public <R> Stage<R> map(String id, Function<? super T, ? extends R> function) {
        return attach(Nodes.map(id, function));
    }

    /** A node that passes on the items {@code predicate} accepts. */
    public Stage<T> filter(String id, Predicate<? super T> predicate) {
        return attach(Nodes.filter(id, predicate));
    }

    /** A node that emits every element of {@code function(item)}. */
    public <R> Stage<R> flatMap(String id, Function<? super T, ? extends Iterable<? extends R>> function) {
        return attach(Nodes.flatMap(id, function));
    }

    /** A node of your own, one object per instance made by {@code factory} (a constructor reference will do). */
    public <R> Stage<R> then(String id, Supplier<? extends Node<? super T, R>> factory) {
        return attach(NodeSpec.node(id, factory));
    }

    /** A stateless node of your own, shared by all its instances. */
    public <R> Stage<R> then(String id, Node<? super T, R> node) {
        return attach(NodeSpec.node(id, node));
    }

    /** A node that groups items into lists as {@code chunking} says. */
    public Stage<List<T>> chunk(String id, Chunking chunking) {
        return attach(Nodes.chunk(id, chunking));
    }

    /** A node that sends each item to exactly one of {@code branches}, the one {@code branch} names. */
    public Routed<T> route(String id, Function<? super T, String> branch, String... branches) {
        Stage<T> route = attach(Nodes.route(id, branch, branches));
        return new Routed<>(route, Arrays.asList(branches));
    }

    /** A node that sends each item to one of {@code branches}, to each in turn. */
    public Routed<T> route(String id, String... branches) {
        Stage<T> route = attach(Nodes.route(id, branches));
        return new Routed<>(route, Arrays.asList(branches));
    }

    // ---- sub-graphs ----

    /**
     * Adds a copy of {@code subGraph} fed by this stage, its nodes' ids prefixed with {@link SubGraph#prefix()}, and
     * returns its output stage.
     *
     * <pre>{@code
     * Stage<String> shouted = words.then(shout.as("loud"));   // nodes loud-upper, loud-bang
     * }</pre>
     *
     * @throws IllegalArgumentException if the sub-graph adds no node, or returns a stage that is not its own
     */
    public <R> Stage<R> then(SubGraph<? super T, R> subGraph) {
        return flow.expand(subGraph, this);
    }

    /**
     * Sends every item to each of {@code branches}, a copy of each sub-graph fed by this stage (the consecution notes'
     * {@code broadcast(branch1, branch2)}); join their outputs with {@link Branches#merge} or feed one node from all with
     * {@link Branches#then}. Not to be confused with {@link #broadcast()}, which sends every item to every instance of
     * the next node.
     *
     * <pre>{@code
     * Stage<String> all = words.broadcast(shout.as("b1"), whisper.as("b2")).merge("all");
     * }</pre>
     *
     * @throws IllegalArgumentException if no branch is given or two share a prefix
     */
    @SafeVarargs
    public final <R> Branches<R> broadcast(SubGraph<? super T, ? extends R>... branches) {
        List<SubGraph<? super T, ? extends R>> list = new ArrayList<>(branches.length);
        for (SubGraph<? super T, ? extends R> branch : branches) {
            list.add(branch);
        }
        checkBranches("broadcast", list);
        Map<String, Stage<R>> outputs = new LinkedHashMap<>();
        for (SubGraph<? super T, ? extends R> branch : list) {
            outputs.put(branch.prefix(), widen(flow.expand(branch, this)));
        }
        return new Branches<>(flow, outputs);
    }

    /**
     * A route node {@code id} that sends each item to exactly one of {@code branches}: the one whose prefix {@code
     * branch} names. Each branch is a copy of its sub-graph, fed by the route's port of that name.
     *
     * <pre>{@code
     * Branches<Long> signs = numbers.route("sign", n -> n < 0 ? "neg" : "pos", negate.as("neg"), keep.as("pos"));
     * }</pre>
     *
     * @throws IllegalArgumentException if no branch is given or two share a prefix
     */
    @SafeVarargs
    public final <R> Branches<R> route(
            String id, Function<? super T, String> branch, SubGraph<? super T, ? extends R>... branches) {
        Objects.requireNonNull(branch, "branch");
        List<SubGraph<? super T, ? extends R>> list = new ArrayList<>(branches.length);
        for (SubGraph<? super T, ? extends R> b : branches) {
            list.add(b);
        }
        return routeTo(route(id, branch, checkBranches("route '" + id + "'", list)), list);
    }

    /** A route node {@code id} that sends each item to one of {@code branches}, to each in turn. */
    @SafeVarargs
    public final <R> Branches<R> route(String id, SubGraph<? super T, ? extends R>... branches) {
        List<SubGraph<? super T, ? extends R>> list = new ArrayList<>(branches.length);
        for (SubGraph<? super T, ? extends R> b : branches) {
            list.add(b);
        }
        return routeTo(route(id, checkBranches("route '" + id + "'", list)), list);
    }

    private <R> Branches<R> routeTo(Routed<T> routed, List<SubGraph<? super T, ? extends R>> branches) {
        Map<String, Stage<R>> outputs = new LinkedHashMap<>();
        for (SubGraph<? super T, ? extends R> branch : branches) {
            outputs.put(branch.prefix(), widen(flow.expand(branch, routed.branch(branch.prefix()))));
        }
        return new Branches<>(flow, outputs);
    }

    /** The branches' prefixes, which must be unique. */
    private static String[] checkBranches(String what, List<? extends SubGraph<?, ?>> branches) {
        if (branches.isEmpty()) {
            throw new IllegalArgumentException(what + ": give the sub-graphs to send items to, found none");
        }
        Set<String> prefixes = new LinkedHashSet<>();
        for (SubGraph<?, ?> branch : branches) {
            Objects.requireNonNull(branch, "branch");
            if (!prefixes.add(branch.prefix())) {
                throw new IllegalArgumentException(what + ": two branches are added as '" + branch.prefix()
                        + "'; give each its own prefix with as(\"…\")");
            }
        }
        return prefixes.toArray(String[]::new);
    }

    /** A stage of {@code R}'s subtype as one of {@code R}: a stage only hands its items on, so this is safe. */
    @SuppressWarnings("unchecked")
    private static <R> Stage<R> widen(Stage<? extends R> stage) {
        return (Stage<R>) stage;
    }

    /** An end node whose instances {@code sink} makes; its handle reads the results it keeps as {@code T}. */
    public End<T> to(String id, Supplier<? extends EndNode<? super T>> sink) {
        return new End<>(attach(NodeSpec.end(id, sink)));
    }

    /**
     * Publishes what reaches here as the graph's output {@code id}: an end node that other graphs read with {@link
     * Flow#input}, at the address {@code <graph>.<id>}. It keeps no results, and runs as many instances as this
     * stage's node has now (on KAFKA: writers of the output topic, one partition each).
     */
    public GraphOutput<T> output(String id) {
        int writers = flow.node(node).parallelism();
        Stage<?> end =
                attach(NodeSpec.end(id, io.sluice.spi.GraphLinks.output()).withParallelism(writers));
        return new GraphOutput<>(flow.name(), end.id());
    }

    private <R> Stage<R> attach(NodeSpec spec) {
        int next = flow.add(spec);
        flow.connect(this, next);
        return new Stage<>(flow, next, Emitter.DEFAULT_PORT, Partitioning.forward());
    }

    void checkFlow(Flow other) {
        if (other != flow) {
            throw new IllegalArgumentException(
                    "stage '" + id() + "' belongs to graph '" + flow.name() + "', not to '" + other.name() + "'");
        }
    }

    @Override
    public String toString() {
        return "Stage[" + id() + (port.equals(Emitter.DEFAULT_PORT) ? "" : "." + port) + ", " + partitioning.label()
                + "]";
    }
}
