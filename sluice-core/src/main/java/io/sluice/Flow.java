package io.sluice;

import io.sluice.internal.graph.Placements;
import io.sluice.spi.GraphLinks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Builds a {@link ComputationalGraph} with types: each node added returns a {@link Stage} carrying its output type,
 * the next node is attached to a stage, so edges follow from the code and the compiler checks that producer and
 * consumer agree. Per-node settings go on the stage that names the node. The untyped layer — {@link
 * ComputationalGraph#builder} with string edges, and the seed constructor — builds the same graphs.
 *
 * <pre>{@code
 * Flow flow = Flow.named("wordcount");
 * End<String> out = flow.read("lines", Sources.lines(path))
 *         .flatMap("words", line -> List.of(line.split("\\W+")))
 *         .filter("nonEmpty", word -> !word.isEmpty())
 *         .to("out", Sinks.collect());
 * try (Deployment d = flow.build().deploySystem(SystemType.LOCAL)) {
 *     d.awaitTermination(Duration.ofMinutes(1));
 *     List<String> words = d.results(out);
 * }
 * }</pre>
 *
 * <p>A piece of graph used more than once is a {@link SubGraph}: a typed value added to a stage with {@link
 * Stage#then(SubGraph)}, {@link Stage#broadcast(SubGraph[])} or {@link Stage#route(String,
 * java.util.function.Function, SubGraph[])}, each copy under its own prefix.
 *
 * <p>Not thread-safe. {@link #build()} validates the whole graph and may be called again after more is added.
 */
public final class Flow {

    private final String name;
    private final List<NodeSpec> nodes = new ArrayList<>();
    private final List<Edge> edges = new ArrayList<>();
    private final Map<String, Ordering> orderings = new LinkedHashMap<>();
    private final Placements placements;
    private Robustness robustness = Robustness.none();

    private Flow(String name) {
        this.name = name;
        this.placements = new Placements(name);
    }

    /** Starts a graph named {@code name}: letters, digits, '_' and '-', as it prefixes topic names. */
    public static Flow named(String name) {
        return new Flow(Objects.requireNonNull(name, "name"));
    }

    /** Adds a start node whose instances {@code source} makes; see {@link Sources} for ready ones. */
    public <T> Stage<T> read(String id, Supplier<? extends StartNode<? extends T>> source) {
        return new Stage<>(this, add(NodeSpec.start(id, source)), Emitter.DEFAULT_PORT, Partitioning.forward());
    }

    /**
     * Adds a start node reading another graph's output: what that graph publishes with {@link Stage#output}, from
     * any run deployed before or after this one, until every instance of the output has completed.
     */
    @SuppressWarnings("unchecked")
    public <T> Stage<T> input(String id, GraphOutput<T> output) {
        Objects.requireNonNull(output, "output");
        Supplier<? extends StartNode<? extends T>> source =
                (Supplier<? extends StartNode<? extends T>>) (Supplier<?>) GraphLinks.input(output.address());
        return read(id, source);
    }

    /** Joins several stages of one type into one, through a node that passes every item on. */
    @SafeVarargs
    public final <T> Stage<T> merge(String id, Stage<? extends T>... stages) {
        List<Stage<? extends T>> list = new ArrayList<>(stages.length);
        for (Stage<? extends T> stage : stages) {
            list.add(stage);
        }
        return merge(id, list);
    }

    <T> Stage<T> merge(String id, List<? extends Stage<? extends T>> stages) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("merge '" + id + "': give the stages to merge, found none");
        }
        return attach(Nodes.merge(id), stages);
    }

    /** Sets how hard a deployment works to process every item; see {@link Robustness}. */
    public Flow robustness(Robustness robustness) {
        this.robustness = Objects.requireNonNull(robustness, "robustness");
        return this;
    }

    /**
     * Validates and returns the graph. Besides the graph's own rules, every sub-graph added must read the stage it was
     * given, have its output read by a node outside it, and have a prefix of its own that is no node's id; a problem
     * about a node that came from a sub-graph says which one, and under which prefix.
     *
     * @throws InvalidGraphException listing every problem found
     */
    public ComputationalGraph build() {
        List<GraphProblem> own = placements.isEmpty() ? List.of() : placements.problems(nodes, edges);
        ComputationalGraph graph;
        try {
            graph = new ComputationalGraph(
                    name, new ArrayList<>(nodes), new ArrayList<>(edges), robustness, new LinkedHashMap<>(orderings));
        } catch (InvalidGraphException e) {
            if (placements.isEmpty()) {
                throw e;
            }
            List<GraphProblem> all = new ArrayList<>(own);
            e.details().forEach(problem -> all.add(placements.annotate(problem, nodes)));
            throw new InvalidGraphException(name, all, e.omitted());
        }
        if (!own.isEmpty()) {
            throw new InvalidGraphException(name, own, 0);
        }
        return graph;
    }

    /** The graph's name. */
    public String name() {
        return name;
    }

    // ---- for the handles ----

    /** Adds a node; inside a sub-graph being added, under the sub-graph's prefix. */
    int add(NodeSpec node) {
        Objects.requireNonNull(node, "node");
        nodes.add(placements.adding() ? node.withId(placements.qualify(node.id())) : node);
        return nodes.size() - 1;
    }

    /** Adds {@code spec} with an edge from each of {@code from}, and returns its stage. */
    <R> Stage<R> attach(NodeSpec spec, List<? extends Stage<?>> from) {
        for (Stage<?> stage : from) {
            stage.checkFlow(this);
        }
        int node = add(spec);
        for (Stage<?> stage : from) {
            connect(stage, node);
        }
        return new Stage<>(this, node, Emitter.DEFAULT_PORT, Partitioning.forward());
    }

    /**
     * Adds a copy of {@code subGraph} fed by {@code input}, and returns its output stage. The input's type is the
     * caller's to check: a stage only ever hands its items on, so a stage of {@code T} serves as one of any supertype.
     */
    @SuppressWarnings("unchecked")
    <I, O> Stage<O> expand(SubGraph<I, O> subGraph, Stage<?> input) {
        input.checkFlow(this);
        placements.open(subGraph.name(), subGraph.prefix(), input.index(), input.port(), nodes.size(), edges.size());
        Stage<O> output;
        Placements.Placement placement;
        try {
            output = subGraph.body().apply((Stage<I>) input);
        } finally {
            placement = placements.close(nodes.size(), edges.size());
        }
        if (output == null) {
            throw new NullPointerException(
                    placement.describe() + ": its function returned null; return the stage of its last node");
        }
        output.checkFlow(this);
        Placements.output(placement, output.index(), output.id(), output.port());
        return output;
    }

    /** An edge from {@code from}'s node and port, partitioned as {@code from} says, to the node at {@code to}. */
    void connect(Stage<?> from, int to) {
        edges.add(new Edge(from.id(), from.port(), nodes.get(to).id(), from.partitioning()));
    }

    NodeSpec node(int index) {
        return nodes.get(index);
    }

    void update(int index, UnaryOperator<NodeSpec> change) {
        nodes.set(index, change.apply(nodes.get(index)));
    }

    void requireOrder(String id, Ordering ordering) {
        orderings.put(id, Objects.requireNonNull(ordering, "ordering"));
    }
}
