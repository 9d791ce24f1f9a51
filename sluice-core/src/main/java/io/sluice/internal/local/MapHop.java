package io.sluice.internal.local;

import io.sluice.internal.nodes.MapNode;
import java.util.function.Function;

/**
 * The template of a map node's {@link Hop}: calls the node's function itself, so that the call site belongs to the
 * hop's hidden class and sees that one function, however many map nodes the JVM runs. Keep it free of lambdas, string
 * concatenation and nested classes: its bytecode is copied as it is.
 */
final class MapHop extends Hop {

    private final Function<Object, Object> function;

    MapHop(Operator operator, Object node, Hop next) {
        super(operator, next);
        this.function = ((MapNode) node).function();
    }

    /** Counts what it drops rather than what it passes: a map passes nearly every item ({@link Operator#passed}). */
    @Override
    void accept(Object item) {
        try {
            Object result = function.apply(item);
            if (result != null) {
                emit(result);
            } else {
                operator.itemsDropped++;
            }
        } catch (Throwable e) {
            throw operator.leave(e, null, item, true);
        }
    }

    /** Called by {@link #accept} only: the function has no emitter. */
    @Override
    public void emit(Object item) {
        Hop target = next;
        if (target != null) {
            target.accept(item);
        } else {
            operator.emitToOutputs(item);
        }
    }
}
