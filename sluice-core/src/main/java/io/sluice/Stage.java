package io.sluice;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
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

    /** An end node whose instances {@code sink} makes; its handle reads the results it keeps as {@code T}. */
    public End<T> to(String id, Supplier<? extends EndNode<? super T>> sink) {
        return new End<>(attach(NodeSpec.end(id, sink)));
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
