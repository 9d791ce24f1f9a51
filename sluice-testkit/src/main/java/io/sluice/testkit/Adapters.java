package io.sluice.testkit;

import io.sluice.Emitter;
import io.sluice.EndNode;
import io.sluice.Node;
import io.sluice.NodeContext;
import java.time.Duration;

/** What both drivers share: an end node seen as a node that emits nothing, and the checks the runtimes make. */
final class Adapters {

    private Adapters() {}

    /** {@code end} as a {@link Node}, so that one code path drives both kinds; it never emits. */
    static Node<Object, Object> node(EndNode<Object> end) {
        return new Node<>() {
            @Override
            public void open(NodeContext context) throws Exception {
                end.open(context);
            }

            @Override
            public void process(Object item, Emitter<Object> emitter) throws Exception {
                end.process(item);
            }

            @Override
            public void onTick(Emitter<Object> emitter) throws Exception {
                end.onTick();
            }

            @Override
            public void onComplete(Emitter<Object> emitter) throws Exception {
                end.onComplete();
            }

            @Override
            public void close() throws Exception {
                end.close();
            }
        };
    }

    /** The period of {@link NodeContext#tickEvery} in nanoseconds, refused as the runtimes refuse it. */
    static long tickPeriod(String nodeId, Duration period) {
        if (period == null || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException(
                    "tickEvery on node '" + nodeId + "': period must be positive, found " + period);
        }
        return period.toNanos();
    }

    /** Throws {@code e} as it is, checked or not: the node's own exception, for the test to see. */
    @SuppressWarnings("unchecked")
    static <T extends Throwable> T sneaky(Throwable e) throws T {
        throw (T) e;
    }
}
