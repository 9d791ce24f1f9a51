package io.sluice;

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
 * <p>Not thread-safe. {@link #build()} validates the whole graph and may be called again after more is added.
 */
public final class Flow {

    private final String name;
    private final List<NodeSpec> nodes = new ArrayList<>();
    private final List<Edge> edges = new ArrayList<>();
    private final Map<String, Ordering> orderings = new LinkedHashMap<>();
    private Robustness robustness = Robustness.none();

    private Flow(String name) {
        this.name = name;
    }

    /** Starts a graph named {@code name}: letters, digits, '_' and '-', as it prefixes topic names. */
    public static Flow named(String name) {
        return new Flow(Objects.requireNonNull(name, "name"));
    }

    /** Adds a start node whose instances {@code source} makes; see {@link Sources} for ready ones. */
    public <T> Stage<T> read(String id, Supplier<? extends StartNode<? extends T>> source) {
        return new Stage<>(this, add(NodeSpec.start(id, source)), Emitter.DEFAULT_PORT, Partitioning.forward());
    }

    /** Joins several stages of one type into one, through a node that passes every item on. */
    @SafeVarargs
    public final <T> Stage<T> merge(String id, Stage<? extends T>... stages) {
        if (stages.length == 0) {
            throw new IllegalArgumentException("merge '" + id + "': give the stages to merge, found none");
        }
        int node = add(Nodes.merge(id));
        for (Stage<? extends T> stage : stages) {
            stage.checkFlow(this);
            connect(stage, node);
        }
        return new Stage<>(this, node, Emitter.DEFAULT_PORT, Partitioning.forward());
    }

    /** Sets how hard a deployment works to process every item; see {@link Robustness}. */
    public Flow robustness(Robustness robustness) {
        this.robustness = Objects.requireNonNull(robustness, "robustness");
        return this;
    }

    /**
     * Validates and returns the graph.
     *
     * @throws InvalidGraphException listing every problem found
     */
    public ComputationalGraph build() {
        return new ComputationalGraph(
                name, new ArrayList<>(nodes), new ArrayList<>(edges), robustness, new LinkedHashMap<>(orderings));
    }

    /** The graph's name. */
    public String name() {
        return name;
    }

    // ---- for the handles ----

    int add(NodeSpec node) {
        nodes.add(Objects.requireNonNull(node, "node"));
        return nodes.size() - 1;
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
