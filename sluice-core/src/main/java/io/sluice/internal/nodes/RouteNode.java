package io.sluice.internal.nodes;

import io.sluice.Emitter;
import io.sluice.Node;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** Sends each item to exactly one branch (output port): the one a function names, or each in turn. */
public final class RouteNode implements Node<Object, Object> {

    private final Function<Object, String> branch;
    private final Set<String> branches;
    private final String[] inTurn;
    private int next;

    private RouteNode(Function<Object, String> branch, Set<String> branches) {
        this.branch = branch;
        this.branches = branches;
        this.inTurn = branches.toArray(String[]::new);
    }

    @SuppressWarnings("unchecked")
    public static RouteNode byFunction(Function<?, String> branch, Set<String> branches) {
        return new RouteNode((Function<Object, String>) branch, branches);
    }

    public static RouteNode roundRobin(Set<String> branches) {
        return new RouteNode(null, branches);
    }

    @Override
    public void process(Object item, Emitter<Object> emitter) {
        String port;
        if (branch == null) {
            port = inTurn[next];
            next = next + 1 == inTurn.length ? 0 : next + 1;
        } else {
            port = branch.apply(item);
            if (port == null || !branches.contains(port)) {
                throw new IllegalArgumentException("the route function returned "
                        + (port == null ? "null" : "'" + port + "'") + ", which is not a branch of this route;"
                        + " branches: " + List.copyOf(new TreeSet<>(branches)));
            }
        }
        emitter.emit(port, item);
    }
}
