package io.sluice.internal.nodes;

import io.sluice.NodeContext;

/** The check of the ready-made sources and sinks that own one shared resource. */
public final class SingleInstance {

    private SingleInstance() {}

    /** Fails a node that reads or writes one shared resource (a file, stdin, a clock) with more than one instance. */
    public static void require(NodeContext context, String what) {
        if (context.parallelism() != 1) {
            throw new IllegalStateException(what + " reads or writes one shared resource and runs with parallelism 1;"
                    + " found parallelism " + context.parallelism() + " on node '" + context.nodeId()
                    + "'; set its parallelism to 1 and raise it on the nodes downstream");
        }
    }
}
