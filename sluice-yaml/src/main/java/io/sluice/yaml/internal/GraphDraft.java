package io.sluice.yaml.internal;

import io.sluice.ComputationalGraph;
import io.sluice.Edge;
import io.sluice.GraphProblem;
import io.sluice.InvalidGraphException;
import io.sluice.NodeSpec;
import io.sluice.Robustness;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes and edges read so far, each with where it was written. Graph validation reports what each problem is
 * about ({@link GraphProblem.Subject}), and this turns the subject into the line of the node, edge or robustness key
 * that caused it.
 */
final class GraphDraft {

    private final List<NodeSpec> nodes = new ArrayList<>();
    private final List<Location> nodeLocations = new ArrayList<>();
    private final List<Edge> edges = new ArrayList<>();
    private final List<Location> edgeLocations = new ArrayList<>();
    private final Map<String, Location> levelLocations = new HashMap<>();
    private Robustness robustness = Robustness.none();
    private Location robustnessLocation = new Location(1, "robustness");
    private Location deadLetterLocation = new Location(1, "robustness.dead-letter");
    private Location graphLocation = new Location(1, "graph");

    void graph(Location where) {
        graphLocation = where;
    }

    void node(NodeSpec node, Location where) {
        nodes.add(node);
        nodeLocations.add(where);
    }

    void edge(Edge edge, Location where) {
        edges.add(edge);
        edgeLocations.add(where);
    }

    void robustness(Robustness setting, Location where) {
        robustness = setting;
        robustnessLocation = where;
    }

    void deadLetter(Location where) {
        deadLetterLocation = where;
    }

    void level(String node, Location where) {
        levelLocations.putIfAbsent(node, where);
    }

    /**
     * Validates the graph, reporting each problem at the line of what it is about, and returns it built; or {@code
     * null} when it has problems.
     */
    ComputationalGraph build(String name, Problems problems) {
        ComputationalGraph.Builder builder = ComputationalGraph.builder(name);
        nodes.forEach(builder::add);
        edges.forEach(builder::edge);
        try {
            ComputationalGraph graph = builder.robustness(robustness).build();
            return problems.isEmpty() ? graph : null;
        } catch (InvalidGraphException e) {
            // The builder keeps the order of the nodes and edges given, so a subject's index is the draft's.
            int room = Math.max(problems.room(), 0);
            List<GraphProblem> listed = e.details();
            for (GraphProblem problem : listed.subList(0, Math.min(room, listed.size()))) {
                problems.add(locate(problem.subject()), problem.message());
            }
            problems.omit(e.omitted() + Math.max(0, listed.size() - room));
            return null;
        }
    }

    private Location locate(GraphProblem.Subject subject) {
        return switch (subject) {
            case GraphProblem.OfGraph graph -> graphLocation;
            case GraphProblem.OfNode node -> nodeLocations.get(node.index());
            case GraphProblem.OfEdge edge -> edgeLocations.get(edge.index());
            case GraphProblem.OfDeadLetter deadLetter -> deadLetterLocation;
            case GraphProblem.OfNodeLevel level -> levelLocations.getOrDefault(level.id(), robustnessLocation);
        };
    }
}
