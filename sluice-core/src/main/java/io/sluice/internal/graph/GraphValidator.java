package io.sluice.internal.graph;

import io.sluice.Edge;
import io.sluice.Emitter;
import io.sluice.NodeKind;
import io.sluice.NodeSpec;
import io.sluice.Partitioning;
import io.sluice.Robustness;
import io.sluice.spi.Names;
import io.sluice.spi.Suggestions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a graph's nodes and edges together and collects every problem, each phrased as STYLE.md asks: the offender,
 * the rule, what was found, and the fix.
 */
public final class GraphValidator {

    private final List<NodeSpec> nodes;
    private final List<Edge> edges;
    private final Map<String, NodeSpec> byId = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    private final Robustness robustness;

    private GraphValidator(List<NodeSpec> nodes, List<Edge> edges, Robustness robustness) {
        this.nodes = nodes;
        this.edges = edges;
        this.robustness = robustness;
    }

    /** Returns every problem of the graph, in a stable order; empty when the graph can run. */
    public static List<String> validate(
            String graphName, List<NodeSpec> nodes, List<Edge> edges, Robustness robustness) {
        GraphValidator validator = new GraphValidator(nodes, edges, robustness);
        validator.checkName(graphName);
        validator.checkNodes();
        validator.checkRobustness();
        boolean edgesResolve = validator.checkEdges();
        if (edgesResolve) {
            boolean acyclic = validator.checkAcyclic();
            if (acyclic) {
                validator.checkReachable();
            }
            validator.checkPortsHaveEdges();
        }
        return List.copyOf(validator.problems);
    }

    private void checkName(String graphName) {
        String problem = Names.problem(graphName);
        if (problem != null) {
            problems.add("the graph name " + problem + " (it prefixes topic names)");
        }
    }

    private void checkNodes() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (NodeSpec node : nodes) {
            counts.merge(node.id(), 1, Integer::sum);
            byId.putIfAbsent(node.id(), node);
        }
        counts.forEach((id, count) -> {
            if (count > 1) {
                problems.add("Node '" + id + "' is defined " + count + " times; node ids must be unique");
            }
        });
        for (NodeSpec node : byId.values()) {
            String problem = Names.problem(node.id());
            if (problem != null) {
                problems.add("Node '" + node.id() + "': the id " + problem);
            }
            if (node.parallelism() < 1) {
                problems.add("Node '" + node.id() + "': parallelism must be ≥ 1, found " + node.parallelism());
            }
            for (String port : new TreeSet<>(node.ports())) {
                String portProblem = Names.problem(port);
                if (portProblem != null) {
                    problems.add("Node '" + node.id() + "': port '" + port + "' " + portProblem);
                }
            }
            java.util.Set<String> storeNames = new java.util.HashSet<>();
            for (io.sluice.StoreSpec store : node.stores()) {
                String storeProblem = Names.problem(store.name());
                if (storeProblem != null) {
                    problems.add("Node '" + node.id() + "': store '" + store.name() + "' " + storeProblem);
                }
                if (!storeNames.add(store.name())) {
                    problems.add("Node '" + node.id() + "': store '" + store.name()
                            + "' is declared twice; store names must be unique on a node");
                }
            }
            if (node.kind() == NodeKind.PROCESSING && node.ports().isEmpty()) {
                problems.add("Node '" + node.id() + "' declares no output port; a processing node needs at least one");
            }
        }
        if (nodes.stream().noneMatch(n -> n.kind() == NodeKind.START)) {
            problems.add("the graph has no start node; add one that pulls the input, e.g. "
                    + "builder.start(\"input\", Sources.collection(items))");
        }
    }

    private void checkRobustness() {
        for (String id : new TreeSet<>(robustness.nodeLevels().keySet())) {
            if (!byId.containsKey(id)) {
                problems.add("Robustness: node '" + id + "' has a level of its own but is not defined; defined nodes: "
                        + byId.keySet() + hint(id));
            }
        }
        robustness.deadLetter().ifPresent(id -> {
            NodeSpec node = byId.get(id);
            if (node == null) {
                problems.add("Robustness: the dead-letter node '" + id + "' is not defined; defined nodes: "
                        + byId.keySet() + hint(id) + "; add it as an end node, e.g. .end(\"" + id
                        + "\", Sinks.collect())");
            } else if (node.kind() != NodeKind.END) {
                problems.add("Robustness: the dead-letter node '" + id + "' must be an end node, but it is a "
                        + node.kind().name().toLowerCase(java.util.Locale.ROOT) + " node");
            } else if (edges.stream().anyMatch(e -> e.to().equals(id))) {
                problems.add("Robustness: the dead-letter node '" + id + "' must have no inbound edge, since it"
                        + " receives only the items given up; remove the edges into it");
            }
            if (!robustness.replays()) {
                problems.add("Robustness: the dead-letter node '" + id + "' would never get an item, since no node"
                        + " replays; use Robustness.replay(attempts) or give a node the level REPLAY");
            }
        });
    }

    /** Checks that every edge joins defined nodes the right way round; returns whether all edges resolve. */
    private boolean checkEdges() {
        boolean resolved = true;
        Set<String> seen = new HashSet<>();
        for (Edge edge : edges) {
            NodeSpec from = byId.get(edge.from());
            NodeSpec to = byId.get(edge.to());
            if (from == null || to == null) {
                String missing = from == null ? edge.from() : edge.to();
                problems.add("Edge " + edge.describe() + ": node '" + missing + "' is not defined; defined nodes: "
                        + byId.keySet() + hint(missing));
                resolved = false;
                continue;
            }
            if (!seen.add(edge.source() + "->" + edge.to())) {
                problems.add("Edge " + edge.describe() + " is defined twice; remove one");
            }
            if (to.kind() == NodeKind.START) {
                problems.add("Edge " + edge.describe() + ": start node '" + to.id() + "' cannot have an inbound edge,"
                        + " since start nodes pull from outside; make '" + to.id() + "' a processing node or remove"
                        + " the edge");
            }
            if (from.kind() == NodeKind.END) {
                problems.add("Edge " + edge.describe() + ": end node '" + from.id() + "' cannot have an outbound edge,"
                        + " since end nodes push outside; make '" + from.id() + "' a processing node or remove the"
                        + " edge");
            } else if (!from.ports().contains(edge.port())) {
                problems.add("Edge " + edge.describe() + ": node '" + from.id() + "' has no output port '"
                        + edge.port() + "'; its ports: " + new TreeSet<>(from.ports())
                        + "; declare the port on the node (withPorts, or a branch of route)");
            }
            if (edge.partitioning() instanceof Partitioning.Keyed keyed && keyed.keyFunction() == null) {
                problems.add("Edge " + edge.describe() + ": keyed partitioning needs a key function but found none;"
                        + " use Partitioning.keyed(item -> key)");
            }
        }
        return resolved;
    }

    private boolean checkAcyclic() {
        List<String> cycle = Cycles.find(byId.keySet(), successors());
        if (cycle != null) {
            problems.add("Cycle " + String.join(" -> ", cycle) + "; a graph must be acyclic: remove one of these"
                    + " edges");
            return false;
        }
        return true;
    }

    private void checkReachable() {
        Map<String, List<String>> next = successors();
        Set<String> reached = new HashSet<>();
        Deque<String> work = new ArrayDeque<>();
        byId.values().stream().filter(n -> n.kind() == NodeKind.START).forEach(n -> work.add(n.id()));
        while (!work.isEmpty()) {
            String id = work.poll();
            if (reached.add(id)) {
                work.addAll(next.getOrDefault(id, List.of()));
            }
        }
        robustness.deadLetter().ifPresent(reached::add);
        for (String id : byId.keySet()) {
            if (!reached.contains(id)) {
                problems.add("Node '" + id + "' is not reachable from any start node, so it would never get an item;"
                        + " add an edge to it from a node fed by a start node, or remove it");
            }
        }
    }

    private void checkPortsHaveEdges() {
        Map<String, Set<String>> usedPorts = new HashMap<>();
        for (Edge edge : edges) {
            usedPorts.computeIfAbsent(edge.from(), k -> new HashSet<>()).add(edge.port());
        }
        for (NodeSpec node : byId.values()) {
            if (node.kind() == NodeKind.END) {
                continue;
            }
            Set<String> used = usedPorts.getOrDefault(node.id(), Set.of());
            if (used.isEmpty()) {
                problems.add("Node '" + node.id() + "' has no outbound edge, so its output goes nowhere; add an edge"
                        + " from '" + node.id() + "' to another node, or make it an end node");
                continue;
            }
            for (String port : new TreeSet<>(node.ports())) {
                if (!used.contains(port)) {
                    String source = port.equals(Emitter.DEFAULT_PORT) ? node.id() : node.id() + "." + port;
                    problems.add("Node '" + node.id() + "': port '" + port + "' has no edge, so items emitted there"
                            + " would be lost; add an edge '" + source + "' -> <node>");
                }
            }
        }
    }

    private Map<String, List<String>> successors() {
        Map<String, List<String>> next = new HashMap<>();
        for (Edge edge : edges) {
            next.computeIfAbsent(edge.from(), k -> new ArrayList<>()).add(edge.to());
        }
        return next;
    }

    /** Suggests the defined id closest to a misspelt one. */
    private String hint(String missing) {
        return Suggestions.didYouMean(missing, byId.keySet());
    }
}
