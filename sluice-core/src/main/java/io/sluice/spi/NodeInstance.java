package io.sluice.spi;

import io.sluice.NodeSpec;
import io.sluice.NodeState;
import io.sluice.Resumable;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One instance of a node for a runtime that drives nodes itself (a Kafka worker, say): the same lifecycle, the same
 * translation of the node's exceptions into {@link io.sluice.NodeFailedException}s naming node, instance and item, and
 * the same counters as the LOCAL runtime, with each output port handed to a consumer the runtime supplies. Driven by
 * one thread at a time, like every node instance.
 *
 * <pre>{@code
 * NodeInstance node = NodeInstance.create(graph.name(), spec, 0, results::add, Map.of("default", out::send));
 * node.open();
 * node.accept(item);
 * }</pre>
 */
public interface NodeInstance {

    /**
     * Makes the instance, calling the spec's factory once.
     *
     * @param results receives {@code (nodeId, item)} for each item the node keeps as a result
     * @param outputs where the items emitted on each output port go; every port of the spec needs one
     * @throws IllegalArgumentException if a port of the spec has no output
     */
    static NodeInstance create(
            String graph,
            NodeSpec spec,
            int instance,
            BiConsumer<String, Object> results,
            Map<String, ? extends Consumer<Object>> outputs) {
        return Factory.FOUND.create(graph, spec, instance, results, outputs);
    }

    /** The node's stores, to restore before {@link #open} and to commit with the input positions. */
    InstanceStores stores();

    /**
     * The node as a {@link Resumable}: a start node that can say where it is in its input, or an end node that can say
     * where it is in its output; {@code null} for any other node.
     */
    Resumable resumable();

    /** Lets an end node make what it wrote durable ({@link io.sluice.EndNode#flush}); nothing for other nodes. */
    void flush();

    /**
     * Says that the runtime commits a start node's position and calls {@link Resumable#committed}, as {@link
     * io.sluice.NodeContext#positionsCommitted} then tells the node; call it before {@link #open}. Nothing for other
     * nodes.
     */
    void commitPositions();

    String nodeId();

    int instance();

    /** Opens the node; a failure leaves as a {@link io.sluice.NodeFailedException}. */
    void open();

    /** Pulls a start node once; returns whether it has more. */
    boolean pull();

    /** Hands one item to a processing or end node. */
    void accept(Object item);

    /** The time the node asked to tick next, or {@link Long#MAX_VALUE}. */
    long nextTickNanos();

    /** Ticks the node if it is due. */
    void tickIfDue(long nowNanos);

    /** The input ended: lets the node emit what it holds. */
    void complete();

    /** Closes the node (if it was opened) and sets its final state; returns a failure to close, if any. */
    Throwable close(NodeState finalState);

    /** Marks the instance failed (its code threw). */
    void markFailed();

    /** Makes the counters visible to other threads; call after each batch. */
    void publish();

    NodeState state();

    long itemsIn();

    long itemsOut();

    long errors();

    /** Epoch milliseconds of the last item in or out; 0 if none. */
    long lastActivityMillis();

    /**
     * What makes node instances: core brings one (over the LOCAL runtime's operators), found with {@link
     * ServiceLoader} so that this package needs nothing of core's internals.
     */
    interface Factory {

        /** See {@link NodeInstance#create}. */
        NodeInstance create(
                String graph,
                NodeSpec spec,
                int instance,
                BiConsumer<String, Object> results,
                Map<String, ? extends Consumer<Object>> outputs);

        /** The factory on the class path. */
        Factory FOUND = ServiceLoader.load(Factory.class, Factory.class.getClassLoader())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "no io.sluice.spi.NodeInstance$Factory on the class path; sluice-core brings one"));
    }
}
