package io.sluice;

/**
 * Sends a node's output downstream: to its default port, or to a named port (a side output, a route's branch).
 *
 * <p>An emitter belongs to one node instance and is used only on that instance's thread, from inside the node's
 * methods. Emitting may block while a downstream queue is full (backpressure).
 *
 * @param <O> the type of the items on the default port
 */
public interface Emitter<O> {

    /** The name of the port that {@link #emit(Object)} uses. */
    String DEFAULT_PORT = "default";

    /** Emits an item on the default port. */
    void emit(O item);

    /**
     * Emits an item on a named port. The port must be declared on the node (see {@link ProcessingNodeSpec#withPorts}) and have
     * an edge; emitting on another port fails the node with a message that lists the ports it has.
     */
    void emit(String port, Object item);

    /** Emits an item on a typed side output; see {@link Port}. */
    default <P> void emit(Port<P> port, P item) {
        emit(port.name(), item);
    }
}
