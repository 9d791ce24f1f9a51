package io.sluice.yaml.internal;

import io.sluice.ComputationalGraph;
import io.sluice.Edge;
import io.sluice.Emitter;
import io.sluice.GraphProblem;
import io.sluice.InvalidGraphException;
import io.sluice.NodeSpec;
import io.sluice.Robustness;
import io.sluice.spi.Names;
import io.sluice.spi.Suggestions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The nodes and edges read so far, each with where it was written. Graph validation reports what each problem is
 * about ({@link GraphProblem.Subject}), and this turns the subject into the line of the node, edge or robustness key
 * that caused it.
 *
 * <p>A file included as a sub-graph ({@code include: {file, as}}) is read into a draft of its own scope ({@link
 * #include}), which shares this one's lists: its nodes take the prefix ({@code b1-upper}), its locations its file, and
 * the names its edges use are its own. Edges are resolved when the graph is built, once every file is read: a name
 * that is an include's prefix means that sub-graph's only input or output ({@code producer -> b1}, {@code b1 -> x}) or
 * a named output ({@code b1.out -> x}); any other name is a node of the same file.
 */
final class GraphDraft {

    /** One file's part of the graph: the pipeline's own ({@code root}), or a file included under a prefix. */
    private static final class Scope {
        final Scope parent;
        final String name;
        final String alias;
        final String prefix;
        final Problems problems;
        final Location includedAt;
        final Map<String, Scope> includes = new LinkedHashMap<>();
        final Map<String, Integer> nodes = new LinkedHashMap<>();
        final Map<String, Declared> inputs = new LinkedHashMap<>();
        final Map<String, Declared> outputs = new LinkedHashMap<>();
        final Map<String, Endpoint> resolvedInputs = new LinkedHashMap<>();
        final Map<String, Endpoint> resolvedOutputs = new LinkedHashMap<>();

        Scope(Scope parent, String name, String alias, Problems problems, Location includedAt) {
            this.parent = parent;
            this.name = name;
            this.alias = alias;
            this.prefix = parent == null || parent.prefix.isEmpty() ? alias : Names.qualify(parent.prefix, alias);
            this.problems = problems;
            this.includedAt = includedAt;
        }

        boolean root() {
            return parent == null;
        }

        String qualify(String id) {
            return prefix.isEmpty() ? id : Names.qualify(prefix, id);
        }

        /** Whether {@code other} is this scope or one included within it. */
        boolean holds(Scope other) {
            for (Scope s = other; s != null; s = s.parent) {
                if (s == this) {
                    return true;
                }
            }
            return false;
        }

        /** {@code pipeline.yaml:4 nodes[1].include}: where the parent file includes this one. */
        String where() {
            return includedAt.describe(parent.problems.file());
        }

        /** {@code sub-graph 'shout' (branch.yaml) included as 'b1' at pipeline.yaml:4 nodes[1].include}. */
        String describe() {
            return named() + " at " + where();
        }

        /** {@code sub-graph 'shout' (branch.yaml) included as 'b1'}, for a problem at the include itself. */
        String named() {
            return "sub-graph '" + name + "' (" + problems.file() + ") included as '" + alias + "'";
        }
    }

    /** An input or output as the included file declares it: a name of that file, with the port for an output. */
    private record Declared(String node, String port, Location at) {}

    /** A node's port, by its id in the whole graph. */
    private record Endpoint(String node, String port) {}

    /** An edge as a file wrote it, names unresolved. */
    private record Written(Edge edge, Location at, Scope scope) {}

    /** What all scopes share: the nodes and edges of the whole graph, as they were read. */
    private static final class Shared {
        final List<NodeSpec> nodes = new ArrayList<>();
        final List<Location> nodeLocations = new ArrayList<>();
        final List<Scope> nodeScopes = new ArrayList<>();
        final List<Written> edges = new ArrayList<>();
        final List<Scope> scopes = new ArrayList<>();
        final Map<String, Location> levelLocations = new HashMap<>();
        Robustness robustness = Robustness.none();
        Location robustnessLocation = new Location(1, "robustness");
        Location deadLetterLocation = new Location(1, "robustness.dead-letter");
        Location graphLocation = new Location(1, "graph");
    }

    private final Shared all;
    private final Scope scope;

    /** The draft of the pipeline whose problems {@code problems} reports. */
    GraphDraft(Problems problems) {
        this.all = new Shared();
        this.scope = new Scope(null, "", "", problems, null);
        all.scopes.add(scope);
    }

    private GraphDraft(Shared all, Scope scope) {
        this.all = all;
        this.scope = scope;
    }

    void graph(Location where) {
        all.graphLocation = where;
    }

    void node(NodeSpec node, Location where) {
        String local = node.id();
        all.nodes.add(scope.root() ? node : node.withId(scope.qualify(local)));
        all.nodeLocations.add(where);
        all.nodeScopes.add(scope);
        scope.nodes.putIfAbsent(local, all.nodes.size() - 1);
    }

    void edge(Edge edge, Location where) {
        all.edges.add(new Written(edge, where, scope));
    }

    void robustness(Robustness setting, Location where) {
        all.robustness = setting;
        all.robustnessLocation = where;
    }

    void deadLetter(Location where) {
        all.deadLetterLocation = where;
    }

    void level(String node, Location where) {
        all.levelLocations.putIfAbsent(node, where);
    }

    /** How many nodes all files have defined so far. */
    int size() {
        return all.nodes.size();
    }

    /**
     * The draft an included file is read into: a sub-graph named {@code name}, whose nodes' ids take the prefix {@code
     * alias}, and whose problems {@code problems} reports in its own file; {@code at} is the include, {@code aliasAt} its
     * prefix. Returns {@code null}, with a problem at {@code aliasAt}, when this file already includes a sub-graph under
     * that prefix.
     */
    GraphDraft include(String name, String alias, Problems problems, Location at, Location aliasAt) {
        Scope parent = scope;
        Scope earlier = parent.includes.get(alias);
        if (earlier != null) {
            parent.problems.add(
                    aliasAt,
                    "the prefix '" + alias + "' is already given to " + earlier.describe() + "; each include needs"
                            + " a prefix of its own (as: …)");
            return null;
        }
        Scope child = new Scope(parent, name, alias, problems, at);
        parent.includes.put(alias, child);
        all.scopes.add(child);
        return new GraphDraft(all, child);
    }

    /** Declares input {@code name} of this included file: its node (or include) {@code node}. */
    void input(String name, String node, Location at) {
        scope.inputs.put(name, new Declared(node, Emitter.DEFAULT_PORT, at));
    }

    /** Declares output {@code name} of this included file: the port {@code port} of its node (or include) {@code node}. */
    void output(String name, String node, String port, Location at) {
        scope.outputs.put(name, new Declared(node, port, at));
    }

    /**
     * Validates the graph, reporting each problem at the line of what it is about, and returns it built; or {@code
     * null} when it has problems. {@code problems} is the pipeline file's own.
     */
    ComputationalGraph build(String name, Problems problems) {
        List<Scope> edgeScopes = new ArrayList<>();
        List<Edge> edges = resolve(edgeScopes);
        if (!problems.isEmpty()) {
            return null;
        }
        ComputationalGraph.Builder builder = ComputationalGraph.builder(name);
        all.nodes.forEach(builder::add);
        edges.forEach(builder::edge);
        try {
            ComputationalGraph graph = builder.robustness(all.robustness).build();
            return problems.isEmpty() ? graph : null;
        } catch (InvalidGraphException e) {
            // The builder keeps the order of the nodes and edges given, so a subject's index is the draft's; and with
            // no problem before, every edge written resolved, one for one.
            int room = Math.max(problems.room(), 0);
            List<GraphProblem> listed = e.details();
            for (GraphProblem problem : listed.subList(0, Math.min(room, listed.size()))) {
                report(problem, edges, edgeScopes);
            }
            problems.omit(e.omitted() + Math.max(0, listed.size() - room));
            return null;
        }
    }

    // ---- sub-graphs: names to ids, and what the files together get wrong ----

    /** The edges with every name resolved to a node id, the scope of each in {@code edgeScopes}; problems reported. */
    private List<Edge> resolve(List<Scope> edgeScopes) {
        List<Scope> scopes = all.scopes;
        // An included scope comes after the scope that includes it; resolving from the last, a nested include's
        // inputs and outputs are known before its parent's declarations name them.
        for (int i = scopes.size() - 1; i > 0; i--) {
            Scope s = scopes.get(i);
            s.inputs.forEach((input, declared) -> {
                if (declares(s, declared)) {
                    Endpoint endpoint = target(s, declared.node(), declared.at(), "input '" + input + "'");
                    if (endpoint != null) {
                        s.resolvedInputs.put(input, endpoint);
                    }
                }
            });
            s.outputs.forEach((output, declared) -> {
                if (declares(s, declared)) {
                    Endpoint endpoint =
                            source(s, declared.node(), declared.port(), declared.at(), "output '" + output + "'");
                    if (endpoint != null) {
                        s.resolvedOutputs.put(output, endpoint);
                    }
                }
            });
        }
        checkPrefixes(scopes);
        checkClashes();
        List<Edge> edges = new ArrayList<>();
        for (Written written : all.edges) {
            Scope s = written.scope();
            Edge edge = written.edge();
            String what = "Edge " + edge.describe();
            Endpoint from = source(s, edge.from(), edge.port(), written.at(), what);
            Endpoint to = target(s, edge.to(), written.at(), what);
            if (from != null && to != null) {
                edges.add(new Edge(from.node(), from.port(), to.node(), edge.partitioning()));
                edgeScopes.add(s);
            }
        }
        if (scope.problems.isEmpty()) {
            checkConnected(scopes, edges, edgeScopes);
        }
        return edges;
    }

    /** Whether an input or output names a node or include of its file; if not, a problem at its line. */
    private static boolean declares(Scope s, Declared declared) {
        if (s.nodes.containsKey(declared.node()) || s.includes.containsKey(declared.node())) {
            return true;
        }
        Set<String> names = new LinkedHashSet<>(s.nodes.keySet());
        names.addAll(s.includes.keySet());
        s.problems.add(
                declared.at(),
                "expected a node of " + s.problems.file() + " but found '" + declared.node() + "'; its nodes"
                        + (s.includes.isEmpty() ? "" : " and includes") + ": " + names
                        + Suggestions.didYouMean(declared.node(), names));
        return false;
    }

    /** The node a name of {@code s} feeds: its own node, or the only input of a sub-graph it includes. */
    private Endpoint target(Scope s, String name, Location at, String what) {
        Scope included = s.includes.get(name);
        if (included == null) {
            return new Endpoint(s.qualify(name), Emitter.DEFAULT_PORT);
        }
        if (included.resolvedInputs.size() == 1) {
            return included.resolvedInputs.values().iterator().next();
        }
        String example = included.resolvedInputs.isEmpty()
                ? Names.qualify(included.prefix, "<node>")
                : included.resolvedInputs.values().iterator().next().node();
        s.problems.add(
                at,
                what + ": " + included.describe() + " has "
                        + (included.inputs.isEmpty()
                                ? "no inputs; declare the nodes it takes items into with inputs: [node] in "
                                        + included.problems.file()
                                : "the inputs " + included.inputs.keySet() + "; feed one by its node's id, as in '"
                                        + example + "'"));
        return null;
    }

    /** The node and port a name of {@code s} reads: its own node's, or a sub-graph's only or named output. */
    private Endpoint source(Scope s, String name, String port, Location at, String what) {
        Scope included = s.includes.get(name);
        if (included == null) {
            return new Endpoint(s.qualify(name), port);
        }
        Set<String> outputs = included.outputs.keySet();
        if (!port.equals(Emitter.DEFAULT_PORT)) {
            Endpoint endpoint = included.resolvedOutputs.get(port);
            if (endpoint == null && !outputs.contains(port)) {
                s.problems.add(
                        at,
                        what + ": " + included.describe() + " has no output '" + port + "'; its outputs: " + outputs
                                + Suggestions.didYouMean(port, outputs));
            }
            return endpoint;
        }
        if (included.resolvedOutputs.size() == 1) {
            return included.resolvedOutputs.values().iterator().next();
        }
        s.problems.add(
                at,
                what + ": " + included.describe() + " has "
                        + (outputs.isEmpty()
                                ? "no outputs; declare the nodes items leave it from with outputs: [node] in "
                                        + included.problems.file()
                                : "the outputs " + outputs + "; name one, as in '" + name + "."
                                        + outputs.iterator().next() + "'"));
        return null;
    }

    /** A prefix that is also a node id of the same file: {@code b1 -> x} would not say which is meant. */
    private void checkPrefixes(List<Scope> scopes) {
        for (Scope s : scopes) {
            Integer clash = s.root() ? null : s.parent.nodes.get(s.alias);
            if (clash != null) {
                s.parent.problems.add(
                        s.includedAt,
                        "the prefix '" + s.alias + "' is also the id of node '" + s.alias + "' ("
                                + all.nodeLocations.get(clash).describe(fileOf(clash)) + "); a prefix names the"
                                + " included sub-graph in edges ('" + s.alias + " -> …'), so it must differ from every"
                                + " node id; rename the node or include the file with another prefix (as: …)");
            }
        }
    }

    /** The same id given by two files: named with both definitions, at the later one. */
    private void checkClashes() {
        Map<String, Integer> first = new HashMap<>();
        for (int i = 0; i < all.nodes.size(); i++) {
            Integer earlier = first.putIfAbsent(all.nodes.get(i).id(), i);
            if (earlier != null && all.nodeScopes.get(earlier) != all.nodeScopes.get(i)) {
                all.nodeScopes
                        .get(i)
                        .problems
                        .add(
                                all.nodeLocations.get(i),
                                "node '" + all.nodes.get(i).id() + "' is defined twice: " + origin(earlier) + ", and "
                                        + origin(i) + "; node ids must be unique: rename one, or include the"
                                        + " sub-graph with another prefix (as: …)");
            }
        }
    }

    /** An input nobody outside the sub-graph feeds, an output nobody outside it reads. */
    private void checkConnected(List<Scope> scopes, List<Edge> edges, List<Scope> edgeScopes) {
        for (Scope s : scopes) {
            if (s.root()) {
                continue;
            }
            s.resolvedInputs.forEach((input, endpoint) -> {
                boolean fed = false;
                for (int e = 0; e < edges.size() && !fed; e++) {
                    fed = edges.get(e).to().equals(endpoint.node()) && !s.holds(edgeScopes.get(e));
                }
                if (!fed) {
                    s.parent.problems.add(
                            s.includedAt,
                            s.named() + ": its input '" + input + "' (node '" + endpoint.node() + "', "
                                    + s.inputs.get(input).at().describe(s.problems.file())
                                    + ") is fed by no node; add an edge into it, as in '<node> -> "
                                    + (s.inputs.size() == 1 ? s.alias : endpoint.node()) + "'");
                }
            });
            s.resolvedOutputs.forEach((output, endpoint) -> {
                boolean read = false;
                for (int e = 0; e < edges.size() && !read; e++) {
                    Edge edge = edges.get(e);
                    read = edge.from().equals(endpoint.node())
                            && edge.port().equals(endpoint.port())
                            && !s.holds(edgeScopes.get(e));
                }
                if (!read) {
                    s.parent.problems.add(
                            s.includedAt,
                            s.named() + ": its output '" + output + "' (node '" + endpoint.node()
                                    + "', " + s.outputs.get(output).at().describe(s.problems.file())
                                    + ") is read by no node; add an edge from it, as in '"
                                    + (s.outputs.size() == 1 ? s.alias : s.alias + "." + output) + " -> <node>'");
                }
            });
        }
    }

    /** {@code as node 'b1-upper' of the pipeline (pipeline.yaml:9 nodes[3])}, or of which sub-graph. */
    private String origin(int node) {
        Scope s = all.nodeScopes.get(node);
        String where = all.nodeLocations.get(node).describe(fileOf(node));
        if (s.root()) {
            return "as node '" + all.nodes.get(node).id() + "' of the pipeline (" + where + ")";
        }
        String local = all.nodes.get(node).id().substring(s.prefix.length() + 1);
        return "as node '" + local + "' (" + where + ") of " + s.describe();
    }

    private String fileOf(int node) {
        return all.nodeScopes.get(node).problems.file();
    }

    // ---- graph problems, at their lines ----

    private void report(GraphProblem problem, List<Edge> edges, List<Scope> edgeScopes) {
        Problems problems = all.scopes.get(0).problems;
        switch (problem.subject()) {
            case GraphProblem.OfGraph graph -> problems.add(all.graphLocation, problem.message());
            case GraphProblem.OfNode node -> {
                Scope s = all.nodeScopes.get(node.index());
                s.problems.add(
                        all.nodeLocations.get(node.index()),
                        problem.message() + (s.root() ? "" : " (in " + s.describe() + ")"));
            }
            case GraphProblem.OfEdge edge -> {
                Scope s = edgeScopes.get(edge.index());
                Set<Scope> involved = new LinkedHashSet<>();
                for (Scope each : List.of(
                        s,
                        scopeOfNode(edges.get(edge.index()).from()),
                        scopeOfNode(edges.get(edge.index()).to()))) {
                    if (!each.root()) {
                        involved.add(each);
                    }
                }
                String note = involved.isEmpty()
                        ? ""
                        : " (through "
                                + String.join(
                                        ", and ",
                                        involved.stream().map(Scope::describe).toList())
                                + ")";
                s.problems.add(all.edges.get(edge.index()).at(), problem.message() + note);
            }
            case GraphProblem.OfDeadLetter deadLetter -> problems.add(all.deadLetterLocation, problem.message());
            case GraphProblem.OfNodeLevel level ->
                problems.add(all.levelLocations.getOrDefault(level.id(), all.robustnessLocation), problem.message());
        }
    }

    /** The scope of the node {@code id}; an edge to no node (a problem validation reports) is the pipeline's. */
    private Scope scopeOfNode(String id) {
        for (int i = 0; i < all.nodes.size(); i++) {
            if (all.nodes.get(i).id().equals(id)) {
                return all.nodeScopes.get(i);
            }
        }
        return all.scopes.get(0);
    }
}
