package io.sluice.internal.local;

import io.sluice.StartNode;

/**
 * The template of a start node's {@link Hop}, the emitter its {@code pull} gets; each chain position runs a hidden
 * copy of it. Keep it free of lambdas, string concatenation and nested classes: its bytecode is copied as it is.
 */
final class SourceHop extends Hop {

    private final StartNode<Object> node;

    @SuppressWarnings("unchecked")
    SourceHop(Operator operator, Object node, Hop next) {
        super(operator, next);
        this.node = (StartNode<Object>) node;
    }

    /**
     * Pulls from the start node with this hop as its emitter. Called here rather than from the operator, the node's
     * emits are calls on a hop of known class, so they inline even where many sources of the node's class run.
     */
    @Override
    boolean pull() throws Exception {
        return node.pull(this);
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
