package io.sluice.internal.local;

import io.sluice.EndNode;

/**
 * The template of an end node's {@link Hop}; each chain position runs a hidden copy of it. Keep it free of lambdas,
 * string concatenation and nested classes: its bytecode is copied as it is.
 */
final class EndHop extends Hop {

    private final EndNode<Object> node;

    @SuppressWarnings("unchecked")
    EndHop(Operator operator, Object node, Hop next) {
        super(operator, next);
        this.node = (EndNode<Object>) node;
    }

    @Override
    void accept(Object item) {
        try {
            node.process(item);
        } catch (Throwable e) {
            throw operator.leave(e, null, item, true);
        }
    }

    @Override
    public void emit(Object item) {
        operator.emitToOutputs(item);
    }
}
