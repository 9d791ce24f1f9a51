package io.sluice;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A node of a graph: its user-given id, the factory of its computation, its parallelism and its output ports.
 *
 * <p>A spec is an immutable value. The kinds are closed — {@link StartNodeSpec start}, {@link ProcessingNodeSpec
 * processing} and {@link EndNodeSpec end} — so a runtime can switch over them exhaustively. The factory is called once
 * per instance of the node; it must return a new object each time unless the computation is stateless.
 *
 * <pre>{@code
 * NodeSpec words = NodeSpec.node("split", SplitWords::new).withParallelism(4);
 * NodeSpec count = NodeSpec.node("count", Count::new).withStores("counts");
 * }</pre>
 *
 * <p>Specs check only that their fields are present; the {@link ComputationalGraph} validates ids, parallelism and
 * ports together with the edges, and reports every problem at once.
 */
public sealed interface NodeSpec permits StartNodeSpec, ProcessingNodeSpec, EndNodeSpec {

    /** The node's id, unique in its graph; it names the node in errors, status, topics and URLs. */
    String id();

    /** How many instances of the node run in parallel; 1 unless set. */
    int parallelism();

    /** The node's output ports: {@code default} and any side outputs; none for an end node. */
    Set<String> ports();

    /** Whether this is a start, processing or end node. */
    NodeKind kind();

    /** The stores the node keeps its state in, which its instances open with {@link NodeContext#store}. */
    List<StoreSpec> stores();

    /**
     * Returns a copy of this spec with {@code stores} declared beside the ones it has; see {@link KeyValueStore}.
     */
    NodeSpec withStores(StoreSpec... stores);

    /** Returns a copy of this spec with in-memory stores of these names declared beside the ones it has. */
    default NodeSpec withStores(String... names) {
        return withStores(java.util.Arrays.stream(names).map(StoreSpec::memory).toArray(StoreSpec[]::new));
    }

    /** {@code stores} followed by {@code added}; for the specs' {@code withStores}. */
    static List<StoreSpec> concat(List<StoreSpec> stores, StoreSpec... added) {
        List<StoreSpec> all = new java.util.ArrayList<>(stores);
        all.addAll(java.util.Arrays.asList(added));
        return List.copyOf(all);
    }

    /** Returns a copy of this spec that runs {@code parallelism} instances. */
    NodeSpec withParallelism(int parallelism);

    /**
     * The most instances a running deployment can rescale this node to ({@link Deployment#scale}) without a new
     * deployment: on KAFKA its input topics and its stores' changelogs get this many partitions. Its parallelism
     * unless set; a start node's is always its parallelism, as its input is split per instance.
     */
    default int maxParallelism() {
        return parallelism();
    }

    /**
     * Returns a copy of this spec that a running deployment can rescale up to {@code maxParallelism} instances; see
     * {@link #maxParallelism()}.
     *
     * @throws SluiceException for a start node, whose input is split per instance
     */
    default NodeSpec withMaxParallelism(int maxParallelism) {
        throw new SluiceException("Node '" + id() + "': a start node cannot be rescaled, as its input is split per"
                + " instance; set maxParallelism on the nodes after it");
    }

    /**
     * Returns a copy of this spec under another id, the same in every other way: how a sub-graph's nodes take its
     * prefix ({@link SubGraph}, a pipeline's {@code include}).
     */
    NodeSpec withId(String id);

    /** A start node that pulls from outside through the node objects {@code factory} makes. */
    static StartNodeSpec start(String id, Supplier<? extends StartNode<?>> factory) {
        return new StartNodeSpec(id, factory, 1);
    }

    /** A processing node whose computation {@code factory} makes, one object per instance. */
    static ProcessingNodeSpec node(String id, Supplier<? extends Node<?, ?>> factory) {
        return new ProcessingNodeSpec(id, factory, 1, Set.of(Emitter.DEFAULT_PORT));
    }

    /** A processing node running a stateless computation; all instances share {@code node}. */
    static ProcessingNodeSpec node(String id, Node<?, ?> node) {
        Objects.requireNonNull(node, "node");
        return node(id, () -> node);
    }

    /** An end node that pushes outside through the node objects {@code factory} makes. */
    static EndNodeSpec end(String id, Supplier<? extends EndNode<?>> factory) {
        return new EndNodeSpec(id, factory, 1);
    }
}
