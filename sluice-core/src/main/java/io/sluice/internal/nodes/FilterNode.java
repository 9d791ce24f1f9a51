package io.sluice.internal.nodes;

import io.sluice.Emitter;
import io.sluice.Node;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A node that passes on the items its predicate accepts. A class of its own, not a lambda, so that a runtime can test
 * the predicate from a call site of the node's own (the LOCAL runtime's hops do) rather than from the one site every
 * filter node of the JVM shares.
 */
public final class FilterNode implements Node<Object, Object> {

    private final Predicate<Object> predicate;

    @SuppressWarnings("unchecked")
    public FilterNode(Predicate<?> predicate) {
        this.predicate = (Predicate<Object>) Objects.requireNonNull(predicate, "predicate");
    }

    /** The predicate the node tests. */
    public Predicate<Object> predicate() {
        return predicate;
    }

    @Override
    public void process(Object item, Emitter<Object> emitter) {
        if (predicate.test(item)) {
            emitter.emit(item);
        }
    }
}
