package io.sluice.internal.graph;

import io.sluice.Edge;
import io.sluice.Emitter;
import io.sluice.GraphProblem;
import io.sluice.NodeSpec;
import io.sluice.spi.Names;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sub-graphs added to one {@code Flow}: for each copy, the range of nodes and edges it added, the stage it was
 * given and the stage it returned. A flow only appends, so a copy's nodes and edges are one run of indices, and a
 * nested copy's run lies inside its parent's. From that alone, without reading any message, this finds what is wrong
 * with a copy and says, for a problem the graph's validation finds about a node, which sub-graph the node came from.
 */
public final class Placements {

    /** One copy of a sub-graph in the flow. */
    public static final class Placement {
        final String name;
        final String local;
        final String prefix;
        final Placement parent;
        final int inputNode;
        final String inputPort;
        final int firstNode;
        final int firstEdge;
        int endNode;
        int endEdge;
        int outputNode = -1;
        String outputPort;

        Placement(
                String name,
                String local,
                Placement parent,
                int inputNode,
                String inputPort,
                int firstNode,
                int firstEdge) {
            this.name = name;
            this.local = local;
            this.prefix = parent == null ? local : Names.qualify(parent.prefix, local);
            this.parent = parent;
            this.inputNode = inputNode;
            this.inputPort = inputPort;
            this.firstNode = firstNode;
            this.firstEdge = firstEdge;
        }

        boolean holds(int node) {
            return node >= firstNode && node < endNode;
        }

        /** {@code sub-graph 'inner' added as 'x' in sub-graph 'shout' added as 'b1'}. */
        public String describe() {
            StringBuilder text = new StringBuilder();
            for (Placement p = this; p != null; p = p.parent) {
                text.append(p == this ? "" : " in ")
                        .append("sub-graph '")
                        .append(p.name)
                        .append("' added as '")
                        .append(p.local)
                        .append('\'');
            }
            return text.toString();
        }
    }

    private final String graph;
    private final List<Placement> all = new ArrayList<>();
    private final Deque<Placement> open = new ArrayDeque<>();

    public Placements(String graph) {
        this.graph = graph;
    }

    public boolean isEmpty() {
        return all.isEmpty();
    }

    /** Whether a sub-graph's function is running, so that the nodes added now are its own. */
    public boolean adding() {
        return !open.isEmpty();
    }

    /** The id the sub-graph being added gives its node {@code id}. */
    public String qualify(String id) {
        return Names.qualify(open.element().prefix, id);
    }

    /**
     * Starts a copy of sub-graph {@code name} added as {@code prefix}, fed by port {@code inputPort} of the node at
     * {@code inputNode}; the nodes and edges added from now on, until {@link #close}, are its own.
     */
    public void open(String name, String prefix, int inputNode, String inputPort, int nodes, int edges) {
        Placement placement = new Placement(name, prefix, open.peek(), inputNode, inputPort, nodes, edges);
        all.add(placement);
        open.push(placement);
    }

    /** Ends the copy being added, and returns it. */
    public Placement close(int nodes, int edges) {
        Placement placement = open.pop();
        placement.endNode = nodes;
        placement.endEdge = edges;
        return placement;
    }

    /**
     * Records the stage a copy's function returned as its output.
     *
     * @throws IllegalArgumentException if the copy added no node, or its function returned a stage not its own
     */
    public static void output(Placement placement, int node, String id, String port) {
        if (placement.endNode == placement.firstNode) {
            throw new IllegalArgumentException(capitalized(placement.describe()) + " adds no node; its function must"
                    + " attach at least one node to the stage it is given and return the stage of its last node");
        }
        if (!placement.holds(node)) {
            throw new IllegalArgumentException(capitalized(placement.describe()) + ": its function returned stage '"
                    + id + "', which is not one of the sub-graph's nodes; return the stage of its last node");
        }
        placement.outputNode = node;
        placement.outputPort = port;
    }

    /** What is wrong with the sub-graphs as added: prefixes that clash, inputs not read, outputs nobody reads. */
    public List<GraphProblem> problems(List<NodeSpec> nodes, List<Edge> edges) {
        List<GraphProblem> problems = new ArrayList<>();
        Map<String, Placement> byPrefix = new HashMap<>();
        Map<String, Integer> nodeIndex = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            nodeIndex.putIfAbsent(nodes.get(i).id(), i);
        }
        for (Placement placement : all) {
            if (placement.outputNode < 0) {
                continue; // its function failed; the flow is left as it was when it threw
            }
            Placement earlier = byPrefix.putIfAbsent(placement.prefix, placement);
            if (earlier != null) {
                String who = earlier.name.equals(placement.name)
                        ? "Sub-graph '" + placement.name + "' is added twice as '" + placement.prefix + "'"
                        : "Sub-graphs '" + earlier.name + "' and '" + placement.name + "' are both added as '"
                                + placement.prefix + "'";
                problems.add(new GraphProblem(
                        who + "; each copy needs a prefix of its own: add it with as(\"…\")",
                        new GraphProblem.OfGraph()));
                continue;
            }
            Integer clash = nodeIndex.get(placement.prefix);
            if (clash != null) {
                problems.add(new GraphProblem(
                        capitalized(placement.describe()) + ": the prefix '" + placement.prefix
                                + "' is also the id of node '" + placement.prefix + "' (" + origin(clash, nodes)
                                + "); a prefix names the sub-graph's nodes, so it must differ from every node id;"
                                + " rename the node or add the sub-graph with another prefix",
                        new GraphProblem.OfNode(clash)));
            }
            String input = nodes.get(placement.inputNode).id();
            boolean read = false;
            for (int e = placement.firstEdge; e < placement.endEdge && !read; e++) {
                read = edges.get(e).from().equals(input) && edges.get(e).port().equals(placement.inputPort);
            }
            if (!read) {
                problems.add(new GraphProblem(
                        capitalized(placement.describe()) + " does not read its input: its function attached no"
                                + " node to the stage it was given ('" + source(input, placement.inputPort)
                                + "'); attach its first node to that stage",
                        new GraphProblem.OfGraph()));
            }
            String output = nodes.get(placement.outputNode).id();
            boolean inside = false;
            boolean outside = false;
            for (int e = 0; e < edges.size(); e++) {
                Edge edge = edges.get(e);
                if (edge.from().equals(output) && edge.port().equals(placement.outputPort)) {
                    inside |= e < placement.endEdge;
                    outside |= e >= placement.endEdge;
                }
            }
            // With no edge at all from the output, validation reports it, and annotate() says whose output it is.
            if (inside && !outside) {
                problems.add(new GraphProblem(
                        capitalized(placement.describe()) + ": its output '" + source(output, placement.outputPort)
                                + "' is read by no node outside it; attach the next node to the stage it returned",
                        new GraphProblem.OfNode(placement.outputNode)));
            }
        }
        return problems;
    }

    /**
     * {@code problem}, saying which sub-graph the node it is about comes from; for a duplicate id, where each node of
     * that id comes from.
     */
    public GraphProblem annotate(GraphProblem problem, List<NodeSpec> nodes) {
        if (!(problem.subject() instanceof GraphProblem.OfNode about) || about.index() >= nodes.size()) {
            return problem;
        }
        String id = nodes.get(about.index()).id();
        List<Integer> same = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).id().equals(id)) {
                same.add(i);
            }
        }
        String note;
        if (same.size() > 1) {
            List<String> origins =
                    same.stream().map(i -> origin(i, nodes)).distinct().toList();
            note = origins.size() == 1 ? "each by " + origins.get(0) : "defined by " + String.join(" and by ", origins);
        } else {
            Placement placement = innermost(about.index());
            if (placement == null) {
                return problem;
            }
            note = placement.outputNode == about.index()
                    ? "'" + id + "' is the output of " + placement.describe()
                    : "'" + id + "' is node '" + local(placement, id) + "' of " + placement.describe();
        }
        return new GraphProblem(problem.message() + " (" + note + ")", problem.subject());
    }

    /** {@code graph 'main'}, or {@code sub-graph 'shout' added as 'b1', its node 'upper'}. */
    private String origin(int node, List<NodeSpec> nodes) {
        Placement placement = innermost(node);
        return placement == null
                ? "graph '" + graph + "'"
                : placement.describe() + ", its node '"
                        + local(placement, nodes.get(node).id()) + "'";
    }

    private Placement innermost(int node) {
        Placement found = null;
        for (Placement placement : all) {
            if (placement.holds(node)
                    && (found == null || placement.endNode - placement.firstNode < found.endNode - found.firstNode)) {
                found = placement;
            }
        }
        return found;
    }

    private static String local(Placement placement, String id) {
        String start = placement.prefix + Names.SUB_GRAPH_SEPARATOR;
        return id.startsWith(start) ? id.substring(start.length()) : id;
    }

    private static String source(String node, String port) {
        return port.equals(Emitter.DEFAULT_PORT) ? node : node + "." + port;
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
