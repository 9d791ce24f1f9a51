package io.sluice;

import java.time.Duration;

/**
 * What a node instance knows about where it runs, handed to {@code open}.
 *
 * <p>The context is valid for the life of the instance and may be kept in a field. Its methods are called on the
 * instance's own thread.
 */
public interface NodeContext {

    /** The name of the graph. */
    String graph();

    /** The id of the node this instance belongs to. */
    String nodeId();

    /** The index of this instance, from 0 to {@code parallelism() - 1}. */
    int instance();

    /** How many instances of the node run. */
    int parallelism();

    /**
     * Asks for {@code onTick} to be called about every {@code period}, on the instance's own thread, between items.
     * Call it from {@code open}. Start nodes cannot tick: a start node times itself inside {@code pull}.
     *
     * @throws IllegalArgumentException if the period is not positive
     * @throws IllegalStateException if called on a start node
     */
    void tickEvery(Duration period);

    /**
     * Keeps an item among the results of this node, which {@link Deployment#results(String)} returns. Meant for end
     * nodes; {@link Sinks#collect()} does nothing else.
     */
    void keepResult(Object item);

    /**
     * The store {@code name} of this instance, declared on the node ({@link NodeSpec#withStores}); its content
     * survives restarts together with the node's input positions. Call it from {@code open} and keep the store.
     *
     * @throws IllegalArgumentException if the node declares no store of that name; the message lists those it has
     */
    <K, V> KeyValueStore<K, V> store(String name);

    /**
     * A single value kept in the store {@code name} of this instance (declared on the node like any store): the
     * store holds nothing else.
     *
     * @throws IllegalArgumentException if the node declares no store of that name
     */
    <V> ValueState<V> valueState(String name);

    /**
     * Whether the runtime keeps this start node's position with its commits and tells it, through {@link
     * Resumable#committed}, which input it will never read again: on KAFKA, and on LOCAL with checkpoints. A source
     * that must acknowledge its input (a queue, a broker's subscription) acknowledges it there when this is true, so
     * that a crash before the commit gets it again; when false nothing is ever committed, and it acknowledges its
     * input once it has gone downstream. Always false for nodes that are not start nodes.
     */
    default boolean positionsCommitted() {
        return false;
    }
}
