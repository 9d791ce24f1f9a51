package io.sluice.internal.local;

import io.sluice.internal.nodes.FilterNode;
import java.util.function.Predicate;

/**
 * The template of a filter node's {@link Hop}: tests the node's predicate itself, so that the call site belongs to the
 * hop's hidden class and sees that one predicate, however many filter nodes the JVM runs. Keep it free of lambdas,
 * string concatenation and nested classes: its bytecode is copied as it is.
 */
final class FilterHop extends Hop {

    private final Predicate<Object> predicate;

    FilterHop(Operator operator, Object node, Hop next) {
        super(operator, next);
        this.predicate = ((FilterNode) node).predicate();
    }

    @Override
    void accept(Object item) {
        try {
            if (predicate.test(item)) {
                emit(item);
            }
        } catch (Throwable e) {
            throw operator.leave(e, null, item, true);
        }
    }

    @Override
    public void emit(Object item) {
        Hop target = next;
        if (target != null) {
            operator.itemsPassed++;
            target.accept(item);
        } else {
            operator.emitToOutputs(item);
        }
    }
}
