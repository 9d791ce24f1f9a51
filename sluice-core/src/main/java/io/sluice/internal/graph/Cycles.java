package io.sluice.internal.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Finds a cycle in a directed graph, as the path that closes it ({@code a -> b -> c -> a}), for error messages. The
 * walk keeps its own stack, so a chain of any length (a graph read from a file of thousands of nodes) cannot overflow
 * the thread's stack.
 */
public final class Cycles {

    private Cycles() {}

    /** A node on the current path, with the successors still to visit. */
    private record Step(String node, Iterator<String> next) {}

    /**
     * Returns one cycle as its path, first node repeated at the end, or {@code null} if there is none. The search is
     * depth-first from each node in turn, successors in their order.
     *
     * @param nodes every node, in the order to start searching from
     * @param successors each node's successors
     */
    public static List<String> find(Collection<String> nodes, Map<String, List<String>> successors) {
        Map<String, Boolean> onPath = new HashMap<>(); // absent: unvisited, true: on the path, false: done
        Deque<Step> path = new ArrayDeque<>();
        for (String start : nodes) {
            if (onPath.containsKey(start)) {
                continue;
            }
            onPath.put(start, true);
            path.push(new Step(start, successors.getOrDefault(start, List.of()).iterator()));
            while (!path.isEmpty()) {
                Step step = path.peek();
                if (!step.next().hasNext()) {
                    path.pop();
                    onPath.put(step.node(), false);
                    continue;
                }
                String successor = step.next().next();
                Boolean seen = onPath.get(successor);
                if (seen == null) {
                    onPath.put(successor, true);
                    path.push(new Step(
                            successor,
                            successors.getOrDefault(successor, List.of()).iterator()));
                } else if (seen) {
                    return closing(path, successor);
                }
            }
        }
        return null;
    }

    /** The part of the path from {@code node} on, and {@code node} again. */
    private static List<String> closing(Deque<Step> path, String node) {
        List<String> cycle = new ArrayList<>();
        boolean inCycle = false;
        for (Iterator<Step> it = path.descendingIterator(); it.hasNext(); ) {
            String step = it.next().node();
            inCycle |= step.equals(node);
            if (inCycle) {
                cycle.add(step);
            }
        }
        cycle.add(node);
        return cycle;
    }
}
