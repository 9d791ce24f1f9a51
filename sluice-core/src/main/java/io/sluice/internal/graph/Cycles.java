package io.sluice.internal.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Finds a cycle in a directed graph, as the path that closes it ({@code a -> b -> c -> a}), for error messages. */
public final class Cycles {

    private Cycles() {}

    /**
     * Returns one cycle as its path, first node repeated at the end, or {@code null} if there is none.
     *
     * @param nodes every node, in the order to start searching from
     * @param successors each node's successors
     */
    public static List<String> find(Collection<String> nodes, Map<String, List<String>> successors) {
        Map<String, Integer> state = new HashMap<>(); // absent: unvisited, 1: on the path, 2: done
        Deque<String> path = new ArrayDeque<>();
        for (String node : nodes) {
            List<String> cycle = visit(node, successors, state, path);
            if (cycle != null) {
                return cycle;
            }
        }
        return null;
    }

    private static List<String> visit(
            String node, Map<String, List<String>> successors, Map<String, Integer> state, Deque<String> path) {
        Integer seen = state.get(node);
        if (seen != null && seen == 2) {
            return null;
        }
        if (seen != null) {
            List<String> cycle = new ArrayList<>();
            boolean inCycle = false;
            for (var it = path.descendingIterator(); it.hasNext(); ) {
                String step = it.next();
                inCycle |= step.equals(node);
                if (inCycle) {
                    cycle.add(step);
                }
            }
            cycle.add(node);
            return cycle;
        }
        state.put(node, 1);
        path.push(node);
        for (String successor : successors.getOrDefault(node, List.of())) {
            List<String> cycle = visit(successor, successors, state, path);
            if (cycle != null) {
                return cycle;
            }
        }
        path.pop();
        state.put(node, 2);
        return null;
    }
}
