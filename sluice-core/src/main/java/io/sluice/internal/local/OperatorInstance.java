package io.sluice.internal.local;

import io.sluice.NodeState;
import io.sluice.spi.InstanceStores;
import io.sluice.spi.NodeInstance;

/** A {@link NodeInstance} over one of the LOCAL runtime's operators, for the runtimes that drive nodes themselves. */
final class OperatorInstance implements NodeInstance {

    private final Operator operator;

    OperatorInstance(Operator operator) {
        this.operator = operator;
    }

    @Override
    public InstanceStores stores() {
        return operator.stores;
    }

    @Override
    public io.sluice.Resumable resumable() {
        return switch (operator) {
            case Operator.Source source -> source.resumable();
            case Operator.End end -> end.resumable();
            default -> null;
        };
    }

    @Override
    public void commitPositions() {
        if (operator instanceof Operator.Source source) {
            source.commitPositions();
        }
    }

    @Override
    public void flush() {
        if (operator instanceof Operator.End end) {
            end.flush();
        }
    }

    @Override
    public String nodeId() {
        return operator.nodeId;
    }

    @Override
    public int instance() {
        return operator.instance;
    }

    @Override
    public void open() {
        operator.state = NodeState.RUNNING;
        operator.open();
    }

    @Override
    public boolean pull() {
        return ((Operator.Source) operator).pull();
    }

    @Override
    public void accept(Object item) {
        operator.accept(item);
    }

    @Override
    public long nextTickNanos() {
        return operator.tickPeriodNanos > 0 ? operator.nextTickNanos : Long.MAX_VALUE;
    }

    @Override
    public void tickIfDue(long nowNanos) {
        if (operator.tickPeriodNanos > 0 && nowNanos - operator.nextTickNanos >= 0) {
            operator.nextTickNanos = nowNanos + operator.tickPeriodNanos;
            operator.tick();
        }
    }

    @Override
    public void complete() {
        operator.complete();
    }

    @Override
    public Throwable close(NodeState finalState) {
        Throwable failure = operator.state == NodeState.CREATED ? null : operator.close();
        if (operator.state != NodeState.FAILED) {
            operator.state = failure == null ? finalState : NodeState.FAILED;
        }
        publish();
        return failure;
    }

    @Override
    public void markFailed() {
        operator.state = NodeState.FAILED;
    }

    @Override
    public void publish() {
        operator.publish(System.currentTimeMillis());
    }

    @Override
    public NodeState state() {
        return operator.state;
    }

    @Override
    public long itemsIn() {
        return operator.seenIn;
    }

    @Override
    public long itemsOut() {
        return operator.seenOut;
    }

    @Override
    public long errors() {
        return operator.seenErrors;
    }

    @Override
    public long lastActivityMillis() {
        return operator.lastActivityMillis;
    }
}
