package io.sluice;

/**
 * An end node pushes the items that reach it outside the graph: to a file, a database, a callback, or the
 * deployment's results ({@link NodeContext#keepResult}).
 *
 * <p><b>How the methods are called.</b> As for {@link Node}: {@link #open} once, {@link #process} for every item on
 * the instance's own thread, {@link #onComplete} once after a bounded input has ended, {@link #close} always.
 *
 * <pre>{@code
 * EndNode<String> print = line -> System.out.println(line);
 * }</pre>
 *
 * @param <I> the type of the items it takes
 * @see Sinks
 */
@FunctionalInterface
public interface EndNode<I> {

    /** Prepares the instance: open the file or connection the items go to. */
    default void open(NodeContext context) throws Exception {}

    /** Pushes one item outside. */
    void process(I item) throws Exception;

    /** Called at the period requested with {@link NodeContext#tickEvery}, on the instance's own thread. */
    default void onTick() throws Exception {}

    /**
     * Makes what {@link #process} wrote so far durable: flush buffers to the file or connection. Called under {@link
     * Robustness.Level#CONFIRM} or higher after every batch, before the batch's items count as completely processed;
     * and with checkpoints ({@link LocalOptions#withCheckpoints}) at every checkpoint, before a {@link Resumable} end
     * node is asked for its position — so that a checkpoint never covers an item still sitting in a buffer.
     */
    default void flush() throws Exception {}

    /** Called once after the last item of a bounded input: flush what is buffered. */
    default void onComplete() throws Exception {}

    /** Releases what {@link #open} acquired; called once, whether the deployment completed, failed or was stopped. */
    default void close() throws Exception {}
}
