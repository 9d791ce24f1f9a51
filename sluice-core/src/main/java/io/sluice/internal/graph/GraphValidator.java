package io.sluice.internal.graph;

import io.sluice.Edge;
import io.sluice.Emitter;
import io.sluice.GraphProblem;
import io.sluice.NodeKind;
import io.sluice.NodeSpec;
import io.sluice.Partitioning;
import io.sluice.Robustness;
import io.sluice.StoreSpec;
import io.sluice.spi.Names;
import io.sluice.spi.Suggestions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Checks a graph's nodes and edges together and collects every problem, each phrased as STYLE.md asks: the offender,
 * the rule, what was found, and the fix. Each problem says which node or edge it is about ({@link GraphProblem}), so
 * that a file reader can point at its line. Every walk is iterative and every message bounded, so graphs of any size
 * read from a file are checked in linear time and memory.
 */
public final class GraphValidator {

    /** How many node ids a message lists before it only counts the rest. */
    static final int NAMES_LISTED = 20;

    private final List<NodeSpec> nodes;
    private final List<Edge> edges;
    private final Map<String, NodeSpec> byId = new LinkedHashMap<>();
    private final Map<String, Integer> indexOf = new HashMap<>();
    private final List<GraphProblem> problems = new ArrayList<>();
    private final int limit;
    private int omitted;

    private final Robustness robustness;

    private GraphValidator(List<NodeSpec> nodes, List<Edge> edges, Robustness robustness, int limit) {
        this.nodes = nodes;
        this.edges = edges;
        this.robustness = robustness;
        this.limit = limit;
    }

    /**
     * What a check found: the first problems, up to the limit asked for, and how many more there were.
     *
     * @param problems the problems kept, in a stable order
     * @param omitted how many more problems there were past the limit
     */
    public record Report(List<GraphProblem> problems, int omitted) {
        public Report {
            problems = List.copyOf(problems);
        }
    }

    /** Returns every problem of the graph, in a stable order; empty when the graph can run. */
    public static List<String> validate(
            String graphName, List<NodeSpec> nodes, List<Edge> edges, Robustness robustness) {
        return check(graphName, nodes, edges, robustness, Integer.MAX_VALUE).problems().stream()
                .map(GraphProblem::message)
                .toList();
    }

    /**
     * Checks the graph as {@link #validate} does, keeping the first {@code limit} problems with their subjects and
     * counting the others without building their messages.
     */
    public static Report check(
            String graphName, List<NodeSpec> nodes, List<Edge> edges, Robustness robustness, int limit) {
        GraphValidator validator = new GraphValidator(nodes, edges, robustness, limit);
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
        return new Report(validator.problems, validator.omitted);
    }

    private void add(GraphProblem.Subject subject, Supplier<String> message) {
        if (problems.size() < limit) {
            problems.add(new GraphProblem(message.get(), subject));
        } else {
            omitted++;
        }
    }

    private void addAboutNode(String id, Supplier<String> message) {
        add(new GraphProblem.OfNode(indexOf.get(id)), message);
    }

    private void checkName(String graphName) {
        String problem = Names.problem(graphName);
        if (problem != null) {
            add(new GraphProblem.OfGraph(), () -> "the graph name " + problem + " (it prefixes topic names)");
        }
    }

    private void checkNodes() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, Integer> repeated = new LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            NodeSpec node = nodes.get(i);
            if (counts.merge(node.id(), 1, Integer::sum) > 1) {
                repeated.putIfAbsent(node.id(), i);
            }
            if (byId.putIfAbsent(node.id(), node) == null) {
                indexOf.put(node.id(), i);
            }
        }
        repeated.forEach((id, second) -> add(
                new GraphProblem.OfNode(second),
                () -> "Node '" + id + "' is defined " + counts.get(id) + " times; node ids must be unique"));
        for (NodeSpec node : byId.values()) {
            String id = node.id();
            String problem = Names.problem(id);
            if (problem != null) {
                addAboutNode(id, () -> "Node '" + id + "': the id " + problem);
            }
            if (node.parallelism() < 1) {
                addAboutNode(id, () -> "Node '" + id + "': parallelism must be ≥ 1, found " + node.parallelism());
            } else if (node.maxParallelism() < node.parallelism()) {
                addAboutNode(
                        id,
                        () -> "Node '" + id + "': maxParallelism must be ≥ its parallelism " + node.parallelism()
                                + ", found " + node.maxParallelism());
            }
            for (String port : new TreeSet<>(node.ports())) {
                String portProblem = Names.problem(port);
                if (portProblem != null) {
                    addAboutNode(id, () -> "Node '" + id + "': port '" + port + "' " + portProblem);
                }
            }
            Set<String> storeNames = new HashSet<>();
            for (StoreSpec store : node.stores()) {
                String storeProblem = Names.problem(store.name());
                if (storeProblem != null) {
                    addAboutNode(id, () -> "Node '" + id + "': store '" + store.name() + "' " + storeProblem);
                }
                if (!storeNames.add(store.name())) {
                    addAboutNode(
                            id,
                            () -> "Node '" + id + "': store '" + store.name()
                                    + "' is declared twice; store names must be unique on a node");
                }
            }
            if (node.kind() == NodeKind.PROCESSING && node.ports().isEmpty()) {
                addAboutNode(
                        id, () -> "Node '" + id + "' declares no output port; a processing node needs at least one");
            }
        }
        if (nodes.stream().noneMatch(n -> n.kind() == NodeKind.START)) {
            add(
                    new GraphProblem.OfGraph(),
                    () -> "the graph has no start node; add one that pulls the input, e.g. "
                            + "builder.start(\"input\", Sources.collection(items))");
        }
    }

    private void checkRobustness() {
        for (String id : new TreeSet<>(robustness.nodeLevels().keySet())) {
            if (!byId.containsKey(id)) {
                add(
                        new GraphProblem.OfNodeLevel(id),
                        () -> "Robustness: node '" + id + "' has a level of its own but is not defined; defined nodes: "
                                + defined() + hint(id));
            }
        }
        GraphProblem.Subject deadLetter = new GraphProblem.OfDeadLetter();
        robustness.deadLetter().ifPresent(id -> {
            NodeSpec node = byId.get(id);
            if (node == null) {
                add(
                        deadLetter,
                        () -> "Robustness: the dead-letter node '" + id + "' is not defined; defined nodes: "
                                + defined() + hint(id) + "; add it as an end node, e.g. .end(\"" + id
                                + "\", Sinks.collect())");
            } else if (node.kind() != NodeKind.END) {
                add(
                        deadLetter,
                        () -> "Robustness: the dead-letter node '" + id + "' must be an end node, but it is a "
                                + node.kind().name().toLowerCase(Locale.ROOT) + " node");
            } else if (edges.stream().anyMatch(e -> e.to().equals(id))) {
                add(
                        deadLetter,
                        () -> "Robustness: the dead-letter node '" + id + "' must have no inbound edge, since it"
                                + " receives only the items given up; remove the edges into it");
            }
            if (!robustness.replays()) {
                add(
                        deadLetter,
                        () -> "Robustness: the dead-letter node '" + id + "' would never get an item, since no node"
                                + " replays; use Robustness.replay(attempts) or give a node the level REPLAY");
            }
        });
    }

    /** Checks that every edge joins defined nodes the right way round; returns whether all edges resolve. */
    private boolean checkEdges() {
        boolean resolved = true;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < edges.size(); i++) {
            Edge edge = edges.get(i);
            GraphProblem.Subject subject = new GraphProblem.OfEdge(i);
            NodeSpec from = byId.get(edge.from());
            NodeSpec to = byId.get(edge.to());
            if (from == null || to == null) {
                String missing = from == null ? edge.from() : edge.to();
                add(
                        subject,
                        () -> "Edge " + edge.describe() + ": node '" + missing + "' is not defined; defined nodes: "
                                + defined() + hint(missing));
                resolved = false;
                continue;
            }
            if (!seen.add(edge.source() + "->" + edge.to())) {
                add(subject, () -> "Edge " + edge.describe() + " is defined twice; remove one");
            }
            if (to.kind() == NodeKind.START) {
                add(
                        subject,
                        () -> "Edge " + edge.describe() + ": start node '" + to.id()
                                + "' cannot have an inbound edge, since start nodes pull from outside; make '"
                                + to.id() + "' a processing node or remove the edge");
            }
            if (from.kind() == NodeKind.END) {
                add(
                        subject,
                        () -> "Edge " + edge.describe() + ": end node '" + from.id()
                                + "' cannot have an outbound edge, since end nodes push outside; make '" + from.id()
                                + "' a processing node or remove the edge");
            } else if (!from.ports().contains(edge.port())) {
                add(
                        subject,
                        () -> "Edge " + edge.describe() + ": node '" + from.id() + "' has no output port '"
                                + edge.port() + "'; its ports: " + new TreeSet<>(from.ports())
                                + "; declare the port on the node (withPorts, or a branch of route)");
            }
            if (edge.partitioning() instanceof Partitioning.Keyed keyed && keyed.keyFunction() == null) {
                add(
                        subject,
                        () -> "Edge " + edge.describe() + ": keyed partitioning needs a key function but found none;"
                                + " use Partitioning.keyed(item -> key)");
            }
        }
        return resolved;
    }

    private boolean checkAcyclic() {
        List<String> cycle = Cycles.find(byId.keySet(), successors());
        if (cycle == null) {
            return true;
        }
        String last = cycle.get(cycle.size() - 2);
        String first = cycle.get(0);
        int closing = 0;
        for (int i = 0; i < edges.size(); i++) {
            if (edges.get(i).from().equals(last) && edges.get(i).to().equals(first)) {
                closing = i;
                break;
            }
        }
        add(
                new GraphProblem.OfEdge(closing),
                () -> "Cycle " + String.join(" -> ", cycle) + "; a graph must be acyclic: remove one of these edges");
        return false;
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
                addAboutNode(
                        id,
                        () -> "Node '" + id + "' is not reachable from any start node, so it would never get an item;"
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
            String id = node.id();
            Set<String> used = usedPorts.getOrDefault(id, Set.of());
            if (used.isEmpty()) {
                addAboutNode(
                        id,
                        () -> "Node '" + id + "' has no outbound edge, so its output goes nowhere; add an edge from '"
                                + id + "' to another node, or make it an end node");
                continue;
            }
            for (String port : new TreeSet<>(node.ports())) {
                if (!used.contains(port)) {
                    String source = port.equals(Emitter.DEFAULT_PORT) ? id : id + "." + port;
                    addAboutNode(
                            id,
                            () -> "Node '" + id + "': port '" + port + "' has no edge, so items emitted there would be"
                                    + " lost; add an edge '" + source + "' -> <node>");
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

    /** The defined node ids, the first {@value #NAMES_LISTED} of a larger graph and a count of all. */
    private String defined() {
        if (byId.size() <= NAMES_LISTED) {
            return byId.keySet().toString();
        }
        return byId.keySet().stream().limit(NAMES_LISTED).collect(Collectors.joining(", ", "[", ", …]")) + " ("
                + byId.size() + " in all)";
    }

    /** Suggests the defined id closest to a misspelt one. */
    private String hint(String missing) {
        return Suggestions.didYouMean(missing, byId.keySet());
    }
}
