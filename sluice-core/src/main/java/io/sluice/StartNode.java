package io.sluice;

/**
 * A start node pulls items from outside the graph — a file, a socket, a timer — and emits them downstream.
 *
 * <p><b>How the methods are called.</b> {@link #open} once, then {@link #pull} repeatedly on the instance's own thread
 * until it returns {@code false} (the input is exhausted) or the deployment stops, then {@link #close}. Everything
 * one call to {@code pull} emits travels downstream when the call returns (unless {@link #waitsForInput} says
 * otherwise), so emit what is available now — many items per call when you can — and block only while waiting for
 * the next item. When a start node runs with
 * parallelism greater than one, each instance should read its own share ({@link NodeContext#instance()} of {@link
 * NodeContext#parallelism()}).
 *
 * <pre>{@code
 * StartNode<Integer> countdown = out -> {
 *     for (int i = 3; i > 0; i--) out.emit(i);
 *     return false; // exhausted after one call
 * };
 * }</pre>
 *
 * @param <O> the type of the items it emits
 * @see Sources
 */
@FunctionalInterface
public interface StartNode<O> {

    /** Prepares the instance: open the file, connect, position at the share this instance reads. */
    default void open(NodeContext context) throws Exception {}

    /**
     * Emits the items available now.
     *
     * @return {@code false} once the input is exhausted and no more items will come; {@code true} to be called again
     */
    boolean pull(Emitter<O> emitter) throws Exception;

    /**
     * Whether {@link #pull} may block waiting for input to arrive (a socket, a topic, standard input, a timer):
     * {@code true} unless overridden. A start node whose pull returns at once because what it reads is at hand — an
     * in-memory collection, a generator, a local file — may return {@code false}. Its items may then wait in a partly
     * filled batch for its next pull, for up to a millisecond, instead of going downstream as each pull returns: when
     * one pull emits fewer items than a batch holds per downstream instance, that saves a hand-off between threads per
     * pull. Return {@code false} only if no pull ever blocks: the items of a pull would otherwise wait for the next,
     * blocking, one.
     */
    default boolean waitsForInput() {
        return true;
    }

    /** Releases what {@link #open} acquired; called once, whether the deployment completed, failed or was stopped. */
    default void close() throws Exception {}
}
