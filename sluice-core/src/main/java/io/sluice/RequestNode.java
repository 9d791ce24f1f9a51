package io.sluice;

/**
 * A node of a {@link RequestGraph}: computes its output once per request from the request's context and its
 * parents' outputs.
 *
 * <p><b>How it is called.</b> Once per request, on a virtual thread of its own, as soon as every parent has produced;
 * nodes whose inputs are ready run concurrently, so blocking IO here costs no platform thread. A node must be
 * thread-safe: one graph serves many requests at once. If the request fails or times out while the node runs, its
 * thread is interrupted.
 *
 * <pre>{@code
 * RequestNode<Request> user = (request, inputs) -> users.fetch(request.userId());
 * RequestNode<Request> page = (request, inputs) -> render(inputs.get("user"), inputs.get("geo"));
 * }</pre>
 *
 * @param <C> the type of the request's context
 */
@FunctionalInterface
public interface RequestNode<C> {

    /** Computes the node's output; {@code null} is a valid output. */
    Object evaluate(C context, Inputs inputs) throws Exception;

    /** The outputs of a node's parents, by parent id. */
    interface Inputs {

        /**
         * The output of a parent; {@code null} if the parent is optional and failed.
         *
         * @throws IllegalArgumentException if {@code parent} is not a parent of this node, listing those it has
         */
        <T> T get(String parent);

        /** Whether the parent produced an output (an optional parent may have failed). */
        boolean has(String parent);
    }
}
