package io.sluice.internal.local;

import io.sluice.Node;

/**
 * The template of a processing node's {@link Hop}; each chain position runs a hidden copy of it. Keep it free of
 * lambdas, string concatenation and nested classes: its bytecode is copied as it is.
 */
final class ProcessHop extends Hop {

    private final Node<Object, Object> node;

    @SuppressWarnings("unchecked")
    ProcessHop(Operator operator, Object node, Hop next) {
        super(operator, next);
        this.node = (Node<Object, Object>) node;
    }

    @Override
    void accept(Object item) {
        try {
            node.process(item, this);
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
