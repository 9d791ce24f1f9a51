package io.sluice.internal.local;

import io.sluice.NodeSpec;
import io.sluice.NodeState;
import io.sluice.spi.InstanceStores;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One instance of a node for runtimes other than LOCAL (a Kafka worker, say): the same lifecycle, the same
 * exception translation and the same counters as the LOCAL runtime's operators, with each output port handed to a
 * consumer the runtime supplies. Driven by one thread at a time, like every node instance.
 */
public final class NodeInstance {

    private final Operator operator;

    private NodeInstance(Operator operator) {
        this.operator = operator;
    }

    /**
     * Makes the instance, calling the spec's factory once.
     *
     * @param results receives {@code (nodeId, item)} for each item the node keeps as a result
     * @param outputs where the items emitted on each output port go; every port of the spec needs one
     */
    public static NodeInstance create(
            String graph,
            NodeSpec spec,
            int instance,
            BiConsumer<String, Object> results,
            Map<String, ? extends Consumer<Object>> outputs) {
        Operator operator = Operator.of(graph, spec, instance, results, false);
        if (!spec.ports().isEmpty()) {
            Map<String, Output[]> wired = new HashMap<>();
            for (String port : spec.ports()) {
                Consumer<Object> sink = outputs.get(port);
                if (sink == null) {
                    throw new IllegalArgumentException("no output for port '" + port + "' of node '" + spec.id() + "'");
                }
                wired.put(port, new Output[] {new Output.External(sink)});
            }
            operator.wire(wired);
        }
        return new NodeInstance(operator);
    }

    /** The node's stores, to restore before {@link #open} and to commit with the input positions. */
    public InstanceStores stores() {
        return operator.stores;
    }

    /**
     * The node as a {@link io.sluice.Resumable}: a start node that can say where it is in its input, or an end node
     * that can say where it is in its output; {@code null} for any other node.
     */
    public io.sluice.Resumable resumable() {
        return switch (operator) {
            case Operator.Source source -> source.resumable();
            case Operator.End end -> end.resumable();
            default -> null;
        };
    }

    /** Lets an end node make what it wrote durable ({@link io.sluice.EndNode#flush}); nothing for other nodes. */
    public void flush() {
        if (operator instanceof Operator.End end) {
            end.flush();
        }
    }

    public String nodeId() {
        return operator.nodeId;
    }

    public int instance() {
        return operator.instance;
    }

    /** Opens the node; a failure leaves as a {@link io.sluice.NodeFailedException}. */
    public void open() {
        operator.state = NodeState.RUNNING;
        operator.open();
    }

    /** Pulls a start node once; returns whether it has more. */
    public boolean pull() {
        return ((Operator.Source) operator).pull();
    }

    /** Hands one item to a processing or end node. */
    public void accept(Object item) {
        operator.accept(item);
    }

    /** The time the node asked to tick next, or {@link Long#MAX_VALUE}. */
    public long nextTickNanos() {
        return operator.tickPeriodNanos > 0 ? operator.nextTickNanos : Long.MAX_VALUE;
    }

    /** Ticks the node if it is due. */
    public void tickIfDue(long nowNanos) {
        if (operator.tickPeriodNanos > 0 && nowNanos - operator.nextTickNanos >= 0) {
            operator.nextTickNanos = nowNanos + operator.tickPeriodNanos;
            operator.tick();
        }
    }

    /** The input ended: lets the node emit what it holds. */
    public void complete() {
        operator.complete();
    }

    /** Closes the node (if it was opened) and sets its final state; returns a failure to close, if any. */
    public Throwable close(NodeState finalState) {
        Throwable failure = operator.state == NodeState.CREATED ? null : operator.close();
        if (operator.state != NodeState.FAILED) {
            operator.state = failure == null ? finalState : NodeState.FAILED;
        }
        publish();
        return failure;
    }

    /** Marks the instance failed (its code threw). */
    public void markFailed() {
        operator.state = NodeState.FAILED;
    }

    /** Makes the counters visible to other threads; call after each batch. */
    public void publish() {
        operator.publish(System.currentTimeMillis());
    }

    public NodeState state() {
        return operator.state;
    }

    public long itemsIn() {
        return operator.seenIn;
    }

    public long itemsOut() {
        return operator.seenOut;
    }

    public long errors() {
        return operator.seenErrors;
    }

    /** Epoch milliseconds of the last item in or out; 0 if none. */
    public long lastActivityMillis() {
        return operator.lastActivityMillis;
    }
}
