package io.sluice;

/**
 * The computation of a processing node: takes each item of its inbound edges and emits items on its output ports.
 *
 * <p><b>How the methods are called.</b> Each instance of a node is driven by exactly one thread at a time, so an
 * implementation needs no synchronisation for its own fields. The runtime calls {@link #open} once, then
 * {@link #process} for every item (and {@link #onTick} if the node asked for ticks), then {@link #onComplete} once
 * when every inbound edge has ended — bounded inputs only — and finally {@link #close}, which is called even when the
 * deployment fails or is stopped. One node object serves one instance: when a node runs with parallelism 4, the
 * graph's factory is called four times.
 *
 * <p>Lambdas cover stateless nodes:
 *
 * <pre>{@code
 * Node<String, String> split = (line, out) -> {
 *     for (String word : line.split("\\s+")) out.emit(word);
 * };
 * }</pre>
 *
 * <p>A checked or unchecked exception thrown by any method fails the deployment with a {@link NodeFailedException}
 * naming the node, its instance and the item.
 *
 * @param <I> the type of the items this node takes
 * @param <O> the type of the items it emits on its default port
 */
@FunctionalInterface
public interface Node<I, O> {

    /** Prepares the instance before its first item: open connections, read configuration, ask for ticks. */
    default void open(NodeContext context) throws Exception {}

    /** Processes one item, emitting zero or more items through {@code emitter}. */
    void process(I item, Emitter<O> emitter) throws Exception;

    /** Called at the period requested with {@link NodeContext#tickEvery}, on the instance's own thread. */
    default void onTick(Emitter<O> emitter) throws Exception {}

    /**
     * Called once after the last item of a bounded input, before {@link #close}: emit what the node still holds
     * (a partial chunk, an aggregate).
     */
    default void onComplete(Emitter<O> emitter) throws Exception {}

    /** Releases what {@link #open} acquired; called once, whether the deployment completed, failed or was stopped. */
    default void close() throws Exception {}
}
