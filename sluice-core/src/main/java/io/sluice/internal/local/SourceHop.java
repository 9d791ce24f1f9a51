package io.sluice.internal.local;

/**
 * The template of a start node's {@link Hop}, the emitter its {@code pull} gets; each chain position runs a hidden
 * copy of it. Keep it free of lambdas, string concatenation and nested classes: its bytecode is copied as it is.
 */
final class SourceHop extends Hop {

    SourceHop(Operator operator, Object node, Hop next) {
        super(operator, next);
    }

    @Override
    void accept(Object item) {
        operator.refuseInput();
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
