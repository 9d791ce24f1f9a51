package io.sluice.internal.nodes;

import io.sluice.Emitter;
import io.sluice.Node;
import java.util.Objects;
import java.util.function.Function;

/**
 * A node that emits {@code function(item)} for each item and nothing for a {@code null} result. A class of its own,
 * not a lambda, so that a runtime can call the function from a call site of the node's own (the LOCAL runtime's
 * hops do) rather than from the one site every map node of the JVM shares.
 */
public final class MapNode implements Node<Object, Object> {

    private final Function<Object, Object> function;

    @SuppressWarnings("unchecked")
    public MapNode(Function<?, ?> function) {
        this.function = (Function<Object, Object>) Objects.requireNonNull(function, "function");
    }

    /** The function the node applies. */
    public Function<Object, Object> function() {
        return function;
    }

    @Override
    public void process(Object item, Emitter<Object> emitter) {
        Object result = function.apply(item);
        if (result != null) {
            emitter.emit(result);
        }
    }
}
