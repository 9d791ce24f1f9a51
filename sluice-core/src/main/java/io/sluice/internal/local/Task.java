package io.sluice.internal.local;

import io.sluice.NodeState;
import java.util.ArrayList;
import java.util.List;

/**
 * One instance of a chain: the head node instance and the instances chained below it, which the head's emits reach
 * by direct calls. A task has one input queue (none for a start node), the channels to other tasks, and is driven
 * by one thread at a time — its own in multi-thread mode, the caller's in single-thread mode.
 */
final class Task {

    final String name;
    final List<Operator> operators;
    final Operator head;
    final InputQueue input;
    private final List<Channel> channels = new ArrayList<>();
    private int endsExpected;
    private int endsSeen;
    private Operator[] tickers = new Operator[0];

    Task(String name, List<Operator> operators, InputQueue input) {
        this.name = name;
        this.operators = List.copyOf(operators);
        this.head = operators.get(0);
        this.input = input;
    }

    boolean isSource() {
        return head instanceof Operator.Source;
    }

    void addChannel(Channel channel) {
        channels.add(channel);
    }

    void expectEnd() {
        endsExpected++;
    }

    /** Opens the node instances, parents before children. */
    void open() {
        for (Operator operator : operators) {
            operator.state = NodeState.RUNNING;
            operator.open();
        }
        tickers = operators.stream().filter(o -> o.tickPeriodNanos > 0).toArray(Operator[]::new);
    }

    /** Pulls the head source once and hands the result downstream; returns whether the source has more. */
    boolean pullOnce() {
        boolean more = ((Operator.Source) head).pull();
        afterWork();
        return more;
    }

    /** Processes one batch from the input queue; returns {@code true} once every producer has ended. */
    boolean process(Object[] batch) {
        if (batch == InputQueue.END) {
            return ++endsSeen == endsExpected;
        }
        Operator first = head;
        for (Object item : batch) {
            first.accept(item);
        }
        afterWork();
        return false;
    }

    /** The earliest time a ticking node instance is due, or {@link Long#MAX_VALUE} if none ticks. */
    long nextTickNanos() {
        long next = Long.MAX_VALUE;
        for (Operator operator : tickers) {
            next = Math.min(next, operator.nextTickNanos);
        }
        return next;
    }

    /** Ticks the node instances that are due. */
    void tickDue(long nowNanos) {
        boolean ticked = false;
        for (Operator operator : tickers) {
            if (nowNanos - operator.nextTickNanos >= 0) {
                operator.nextTickNanos = nowNanos + operator.tickPeriodNanos;
                operator.tick();
                ticked = true;
            }
        }
        if (ticked) {
            afterWork();
        }
    }

    /** The inputs have ended: lets every node instance emit what it holds, then ends the outgoing channels. */
    void finish() {
        for (Operator operator : operators) {
            operator.complete();
        }
        for (Channel channel : channels) {
            channel.end();
        }
        publish();
    }

    /**
     * Closes every node instance that was opened (or began to open), children first, and gives every instance its
     * final state; returns the first failure to close, if any.
     */
    Throwable close(NodeState finalState) {
        Throwable failure = null;
        for (int i = operators.size() - 1; i >= 0; i--) {
            Operator operator = operators.get(i);
            Throwable closing = operator.state == NodeState.CREATED ? null : operator.close();
            if (failure == null) {
                failure = closing;
            }
            if (operator.state != NodeState.FAILED) {
                operator.state = closing == null ? finalState : NodeState.FAILED;
            }
        }
        publish();
        return failure;
    }

    private void afterWork() {
        for (Channel channel : channels) {
            channel.flush();
        }
        publish();
    }

    private void publish() {
        long now = System.currentTimeMillis();
        for (Operator operator : operators) {
            operator.publish(now);
        }
    }
}
