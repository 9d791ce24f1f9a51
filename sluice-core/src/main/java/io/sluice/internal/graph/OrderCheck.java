package io.sluice.internal.graph;

import io.sluice.Edge;
import io.sluice.NodeKind;
import io.sluice.NodeSpec;
import io.sluice.Ordering;
import io.sluice.Partitioning;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks that the nodes that need their items in order ({@link Ordering}) get them so, walking up each one's inputs:
 * returns one problem per node that would not, naming the edge or node where order is lost and how to keep it. The
 * rules are the ones {@link Ordering} documents; the walk is iterative, so a long chain does not deepen the stack.
 */
public final class OrderCheck {

    private final Map<String, NodeSpec> byId = new HashMap<>();
    private final Map<String, List<Edge>> inbound = new HashMap<>();

    private OrderCheck(List<NodeSpec> nodes, List<Edge> edges) {
        for (NodeSpec node : nodes) {
            byId.put(node.id(), node);
            inbound.put(node.id(), new ArrayList<>());
        }
        for (Edge edge : edges) {
            inbound.computeIfAbsent(edge.to(), id -> new ArrayList<>()).add(edge);
        }
    }

    /** Every problem, in the order of {@code required}; empty when each node gets the order it asks for. */
    public static List<String> check(List<NodeSpec> nodes, List<Edge> edges, Map<String, Ordering> required) {
        OrderCheck check = new OrderCheck(nodes, edges);
        List<String> problems = new ArrayList<>();
        required.forEach((id, ordering) -> {
            if (!check.byId.containsKey(id)) {
                problems.add("Ordering of node '" + id + "': no such node; defined nodes: " + check.byId.keySet());
                return;
            }
            Optional<String> lost =
                    switch (ordering) {
                        case ANY -> Optional.empty();
                        case TOTAL -> check.totalLost(id);
                        case PER_KEY -> check.perKeyLost(id);
                    };
            lost.ifPresent(
                    why -> problems.add("Node '" + id + "' needs its items in " + describe(ordering) + ", but " + why));
        });
        return problems;
    }

    private static String describe(Ordering ordering) {
        return ordering == Ordering.TOTAL ? "the order they were produced (TOTAL)" : "order per key (PER_KEY)";
    }

    /** Why {@code id} would not see every item in the order its start node produced it, if it would not. */
    private Optional<String> totalLost(String id) {
        String at = id;
        while (true) {
            NodeSpec node = byId.get(at);
            if (node.parallelism() != 1) {
                return Optional.of("node '" + at + "' runs " + node.parallelism()
                        + " instances, whose items interleave; give it parallelism 1");
            }
            if (node.kind() == NodeKind.START) {
                return Optional.empty();
            }
            List<Edge> in = inbound.get(at);
            if (in.size() != 1) {
                return Optional.of("node '" + at + "' has " + in.size() + " input edges " + describe(in)
                        + ", whose items interleave");
            }
            at = in.get(0).from();
        }
    }

    /**
     * Why {@code id} would not see one key's items in order, if it would not: its input must be keyed (or it must run
     * one instance over a totally ordered input), and above the keyed edge each key must stay on one instance up to a
     * start node of parallelism 1.
     */
    private Optional<String> perKeyLost(String id) {
        NodeSpec node = byId.get(id);
        List<Edge> in = inbound.get(id);
        if (in.size() != 1) {
            return Optional.of("it has " + in.size() + " input edges " + describe(in) + ", whose items interleave");
        }
        Edge edge = in.get(0);
        if (!(edge.partitioning() instanceof Partitioning.Keyed keyed)) {
            if (node.parallelism() == 1) {
                return totalLost(edge.from());
            }
            return Optional.of("its input edge " + edge.describe() + " is "
                    + edge.partitioning().label() + ", not keyed; make it keyed(…) by the key it needs, or give '" + id
                    + "' parallelism 1");
        }
        // Above the keyed edge: each key produced by one instance, in order.
        String at = edge.from();
        while (true) {
            NodeSpec upstream = byId.get(at);
            if (upstream.kind() == NodeKind.START) {
                return upstream.parallelism() == 1
                        ? Optional.empty()
                        : Optional.of("start node '" + at + "' runs " + upstream.parallelism()
                                + " instances, and one key may come from several of them; give it parallelism 1");
            }
            List<Edge> above = inbound.get(at);
            if (above.size() != 1) {
                return Optional.of("node '" + at + "' has " + above.size() + " input edges " + describe(above)
                        + ", whose items interleave");
            }
            Edge e = above.get(0);
            boolean keepsKeys = upstream.parallelism() == 1
                    || (e.partitioning() instanceof Partitioning.Keyed k && k.keyFunction() == keyed.keyFunction())
                    || (e.partitioning() instanceof Partitioning.Forward
                            && byId.get(e.from()).parallelism() == upstream.parallelism());
            if (!keepsKeys) {
                return Optional.of("edge " + e.describe() + " ("
                        + e.partitioning().label() + ") spreads one key over "
                        + upstream.parallelism() + " instances of '" + at + "'; key it by the same key function, make"
                        + " it forward from a node of equal parallelism, or give '" + at + "' parallelism 1");
            }
            at = e.from();
        }
    }

    private static String describe(List<Edge> edges) {
        return edges.stream().map(Edge::describe).toList().toString();
    }
}
