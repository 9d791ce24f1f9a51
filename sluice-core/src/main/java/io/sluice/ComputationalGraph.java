package io.sluice;

import io.sluice.internal.graph.EdgeExpressions;
import io.sluice.internal.graph.GraphValidator;
import io.sluice.internal.graph.OrderCheck;
import io.sluice.spi.MultiProcessRuntime;
import io.sluice.spi.Suggestions;
import io.sluice.spi.SystemRuntime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A validated, immutable graph of nodes and edges, ready to deploy on any {@link SystemType}.
 *
 * <p>Build one with the fluent {@link #builder(String)}:
 *
 * <pre>{@code
 * ComputationalGraph graph = ComputationalGraph.builder("wordcount")
 *     .start("lines", Sources.lines(path))
 *     .flatMap("words", (String line) -> List.of(line.split("\\s+")))
 *     .node("count", CountWords::new).parallelism(4)
 *     .end("out", Sinks.collect())
 *     .edge("lines -> words")
 *     .edge("words -> count", Partitioning.keyed(word -> word))
 *     .edge("count -> out")
 *     .build();
 * }</pre>
 *
 * or, as the first design put it, from its parts:
 *
 * <pre>{@code
 * ComputationalGraph graph = new ComputationalGraph(nodes, startNodes, endNodes, edges);
 * Deployment deployment = graph.deploySystem(SystemType.LOCAL);
 * }</pre>
 *
 * <p>Construction validates everything at once and throws an {@link InvalidGraphException} listing every problem. A
 * graph is thread-safe and may be deployed many times.
 */
public final class ComputationalGraph {

    private final String name;
    private final List<NodeSpec> nodes;
    private final Map<String, NodeSpec> nodesById;
    private final List<Edge> edges;
    private final Map<String, List<Edge>> inbound;
    private final Map<String, List<Edge>> outbound;
    private final List<String> topologicalOrder;
    private final Robustness robustness;
    private final Map<String, Ordering> orderings;

    /** Validation lists at most this many problems and counts the rest, so a huge broken graph gives a bounded error. */
    static final int MAX_PROBLEMS = 100;

    /**
     * The graph of the first design: every node, the start nodes, the end nodes and the edges. A spec may appear both
     * in {@code nodes} and in {@code startNodes} or {@code endNodes}; it counts once.
     *
     * <p>The graph is named {@code graph-} and eight hex digits of a hash of its shape: every node's id, kind and
     * parallelism and every edge with its port and partitioning, in sorted order. So two different graphs get
     * different names (their topics on Kafka do not mix), and the same graph gets the same name in every JVM (worker
     * processes that rebuild it find its topics). Changing the graph's shape changes its name; to keep a name across
     * changes, give one with {@link #ComputationalGraph(String, Collection, Collection, Collection, Collection)}.
     *
     * @throws InvalidGraphException listing every problem of the graph
     */
    public ComputationalGraph(
            Collection<? extends NodeSpec> nodes,
            Collection<? extends StartNodeSpec> startNodes,
            Collection<? extends EndNodeSpec> endNodes,
            Collection<Edge> edges) {
        this(nameOfShape(union(startNodes, nodes, endNodes), edges), nodes, startNodes, endNodes, edges);
    }

    /**
     * As {@link #ComputationalGraph(Collection, Collection, Collection, Collection)}, with a name.
     *
     * @throws InvalidGraphException listing every problem of the graph
     */
    public ComputationalGraph(
            String name,
            Collection<? extends NodeSpec> nodes,
            Collection<? extends StartNodeSpec> startNodes,
            Collection<? extends EndNodeSpec> endNodes,
            Collection<Edge> edges) {
        this(name, union(startNodes, nodes, endNodes), List.copyOf(edges), Robustness.none(), Map.of());
    }

    ComputationalGraph(
            String name,
            List<NodeSpec> nodes,
            List<Edge> edges,
            Robustness robustness,
            Map<String, Ordering> orderings) {
        GraphValidator.Report report = GraphValidator.check(name, nodes, edges, robustness, MAX_PROBLEMS);
        if (!report.problems().isEmpty()) {
            throw new InvalidGraphException(name, report.problems(), report.omitted());
        }
        List<String> order = OrderCheck.check(nodes, edges, orderings);
        if (!order.isEmpty()) {
            throw new InvalidGraphException(name, order);
        }
        this.name = name;
        this.robustness = robustness;
        this.orderings = Collections.unmodifiableMap(new LinkedHashMap<>(orderings));
        this.nodes = List.copyOf(nodes);
        this.edges = List.copyOf(edges);
        Map<String, NodeSpec> byId = new LinkedHashMap<>();
        Map<String, List<Edge>> in = new HashMap<>();
        Map<String, List<Edge>> out = new HashMap<>();
        for (NodeSpec node : nodes) {
            byId.put(node.id(), node);
            in.put(node.id(), new ArrayList<>());
            out.put(node.id(), new ArrayList<>());
        }
        for (Edge edge : edges) {
            out.get(edge.from()).add(edge);
            in.get(edge.to()).add(edge);
        }
        this.nodesById = Collections.unmodifiableMap(byId);
        this.inbound = freeze(in);
        this.outbound = freeze(out);
        this.topologicalOrder = sortTopologically();
    }

    /** Starts a graph named {@code name}: letters, digits, '_' and '-', as it prefixes topic names. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** How hard a deployment of this graph works to process every item; {@link Robustness#none()} unless set. */
    public Robustness robustness() {
        return robustness;
    }

    /**
     * This graph with another robustness setting.
     *
     * @throws InvalidGraphException if the setting does not fit the graph (an unknown node, a dead-letter node that
     *     is not an end node)
     */
    public ComputationalGraph withRobustness(Robustness robustness) {
        return new ComputationalGraph(name, nodes, edges, Objects.requireNonNull(robustness, "robustness"), orderings);
    }

    /**
     * This graph, under the same name, with node {@code nodeId} running {@code parallelism} instances: what a
     * deployment that rescaled the node runs ({@link Deployment#scale}). The name stays, so a graph named from its
     * shape still finds its topics.
     *
     * @throws NotDefinedException if the graph has no node {@code nodeId}
     * @throws InvalidGraphException if the graph does not allow that parallelism (below 1, above the node's {@link
     *     NodeSpec#maxParallelism()}, a node that needs its items in order)
     */
    public ComputationalGraph withParallelism(String nodeId, int parallelism) {
        NodeSpec node = node(nodeId);
        if (node.parallelism() == parallelism) {
            return this;
        }
        NodeSpec scaled = node.withParallelism(parallelism);
        if (node.maxParallelism() != node.parallelism() || scaled.maxParallelism() < node.maxParallelism()) {
            scaled =
                    scaled.withMaxParallelism(node.maxParallelism()); // the headroom is the deployment's, not the run's
        }
        List<NodeSpec> all = new ArrayList<>(nodes);
        all.set(all.indexOf(node), scaled);
        return new ComputationalGraph(name, all, edges, robustness, orderings);
    }

    /** The order a node needs its items in, as the graph was built with; {@link Ordering#ANY} unless asked. */
    public Ordering ordering(String nodeId) {
        node(nodeId);
        return orderings.getOrDefault(nodeId, Ordering.ANY);
    }

    /**
     * The inbox a start node takes its items from, when it was made with {@link Sources#inbox}: how a transport (the
     * HTTP API, a test) finds where to push items for it.
     *
     * @throws NotDefinedException if the graph has no node {@code nodeId}
     */
    public Optional<Inbox<?>> inbox(String nodeId) {
        if (node(nodeId) instanceof StartNodeSpec start && start.factory() instanceof Sources.InboxSource<?> source) {
            return Optional.of(source.inbox());
        }
        return Optional.empty();
    }

    /** The start nodes that take their items from an inbox, by id, in definition order. */
    public Map<String, Inbox<?>> inboxes() {
        Map<String, Inbox<?>> inboxes = new LinkedHashMap<>();
        for (NodeSpec node : nodes) {
            inbox(node.id()).ifPresent(inbox -> inboxes.put(node.id(), inbox));
        }
        return Collections.unmodifiableMap(inboxes);
    }

    /** The graph's name. */
    public String name() {
        return name;
    }

    /** Every node, in the order they were defined. */
    public List<NodeSpec> nodes() {
        return nodes;
    }

    /**
     * The node with this id.
     *
     * @throws NotDefinedException if there is none, listing the ids there are
     */
    public NodeSpec node(String id) {
        NodeSpec node = nodesById.get(id);
        if (node == null) {
            throw new NotDefinedException("Node '" + id + "' is not defined in graph '" + name + "'; defined nodes: "
                    + nodesById.keySet() + Suggestions.didYouMean(String.valueOf(id), nodesById.keySet()));
        }
        return node;
    }

    /**
     * The store {@code store} that node {@code nodeId} declares.
     *
     * @throws NotDefinedException if the graph has no such node, or the node no such store; the message lists the
     *     node's stores (or, if it declares none, the nodes that do) and suggests a close name
     */
    public StoreSpec store(String nodeId, String store) {
        NodeSpec node = node(nodeId);
        List<String> names = node.stores().stream().map(StoreSpec::name).toList();
        for (StoreSpec spec : node.stores()) {
            if (spec.name().equals(store)) {
                return spec;
            }
        }
        if (names.isEmpty()) {
            throw new NotDefinedException("Node '" + nodeId + "' has no store '" + store + "': it declares none;"
                    + " nodes with stores: "
                    + nodes.stream()
                            .filter(n -> !n.stores().isEmpty())
                            .map(NodeSpec::id)
                            .toList());
        }
        throw new NotDefinedException("Node '" + nodeId + "' has no store '" + store + "'; its stores: " + names
                + Suggestions.didYouMean(String.valueOf(store), names));
    }

    /**
     * The end node with this id: where results are kept.
     *
     * @throws NotDefinedException if there is none, listing the end nodes
     * @throws SluiceException if the id names a node of another kind
     */
    public EndNodeSpec endNode(String id) {
        NodeSpec node = nodesById.get(id);
        if (node instanceof EndNodeSpec end) {
            return end;
        }
        List<String> ends = endNodes().stream().map(NodeSpec::id).toList();
        if (node == null) {
            throw new NotDefinedException("Node '" + id + "' is not defined; results are kept by end nodes: " + ends
                    + Suggestions.didYouMean(String.valueOf(id), ends));
        }
        throw new SluiceException("Node '" + id + "' is a " + node.kind().name().toLowerCase(java.util.Locale.ROOT)
                + " node; results are kept by end nodes: " + ends);
    }

    /** Whether the graph has a node with this id. */
    public boolean hasNode(String id) {
        return nodesById.containsKey(id);
    }

    /** Every edge, in the order they were defined. */
    public List<Edge> edges() {
        return edges;
    }

    /** The start nodes, in definition order. */
    public List<NodeSpec> startNodes() {
        return nodes.stream().filter(n -> n.kind() == NodeKind.START).toList();
    }

    /** The end nodes, in definition order. */
    public List<NodeSpec> endNodes() {
        return nodes.stream().filter(n -> n.kind() == NodeKind.END).toList();
    }

    /** The edges that lead into a node. */
    public List<Edge> inbound(String id) {
        node(id);
        return inbound.get(id);
    }

    /** The edges that leave a node, from every port. */
    public List<Edge> outbound(String id) {
        node(id);
        return outbound.get(id);
    }

    /** Node ids ordered so that every edge goes forward; ties keep definition order. */
    public List<String> topologicalOrder() {
        return topologicalOrder;
    }

    /**
     * Deploys the graph on {@code system} with that system's default options.
     *
     * @throws SluiceException if no runtime for the system is on the class path
     */
    public Deployment deploySystem(SystemType system) {
        SystemRuntime runtime = runtime(system);
        return runtime.deploy(this, runtime.defaultOptions());
    }

    /**
     * Deploys the graph on {@code system} with the given options, which must be that system's ({@link LocalOptions}
     * for LOCAL).
     *
     * @throws SluiceException if no runtime for the system is on the class path, or the options are another system's
     */
    public Deployment deploy(SystemType system, DeploymentOptions options) {
        if (options.system() != system) {
            throw new SluiceException(options.getClass().getSimpleName() + " configure a " + options.system()
                    + " deployment, not " + system + "; pass the options of " + system);
        }
        if (options instanceof LocalOptions local && local.mode() == LocalOptions.Mode.MULTI_PROCESS) {
            return Runtimes.get()
                    .multiProcess
                    .orElseThrow(() -> new SluiceException("LOCAL in MULTI_PROCESS mode needs the module"
                            + " io.sluice:sluice-processes on the class path; add it to the dependencies"))
                    .deploy(this, local);
        }
        return runtime(system).deploy(this, options);
    }

    private static SystemRuntime runtime(SystemType system) {
        return Runtimes.get().all.stream()
                .filter(r -> r.system() == system)
                .findFirst()
                .orElseThrow(() -> new SluiceException("No runtime for system " + system + " on the class path; add"
                        + " the module io.sluice:sluice-" + system.name().toLowerCase(java.util.Locale.ROOT)
                        + " to the dependencies"));
    }

    /**
     * The runtimes on the class path, found once, when the first graph is deployed: looking them up per deployment
     * read the class path's service files again each time, most of a small graph's deployment early in a JVM's life.
     * Runtimes keep no state of their own, so every deployment may share them. Only a lookup that succeeded is kept: a
     * runtime that cannot be loaded fails every deployment with the same message, as it would with no cache.
     */
    static final class Runtimes {
        private static volatile Runtimes found;

        final List<SystemRuntime> all;
        final Optional<MultiProcessRuntime> multiProcess;

        private Runtimes(List<SystemRuntime> all, Optional<MultiProcessRuntime> multiProcess) {
            this.all = all;
            this.multiProcess = multiProcess;
        }

        static Runtimes get() {
            Runtimes runtimes = found;
            if (runtimes == null) {
                runtimes = find(ComputationalGraph.class.getClassLoader());
                found = runtimes; // two threads that race find the same runtimes; either copy will do
            }
            return runtimes;
        }

        /**
         * The runtimes {@code loader}'s service files list.
         *
         * @throws SluiceException naming the service file, if a runtime it lists cannot be loaded or made
         */
        static Runtimes find(ClassLoader loader) {
            return new Runtimes(
                    load(SystemRuntime.class, loader, l -> l.stream()
                            .map(ServiceLoader.Provider::get)
                            .toList()),
                    load(MultiProcessRuntime.class, loader, ServiceLoader::findFirst));
        }

        private static <S, R> R load(
                Class<S> service, ClassLoader loader, java.util.function.Function<ServiceLoader<S>, R> lookup) {
            try {
                return lookup.apply(ServiceLoader.load(service, loader));
            } catch (java.util.ServiceConfigurationError e) {
                throw new SluiceException(
                        "A runtime listed in META-INF/services/" + service.getName() + " on the class path could not"
                                + " be loaded: " + e.getMessage() + "; check that its module's jar is whole and"
                                + " matches this version of sluice-core",
                        e);
            }
        }
    }

    private List<String> sortTopologically() {
        Map<String, Integer> remaining = new HashMap<>();
        for (NodeSpec node : nodes) {
            remaining.put(node.id(), inbound.get(node.id()).size());
        }
        List<String> order = new ArrayList<>(nodes.size());
        Set<String> ready = new LinkedHashSet<>();
        nodes.stream().filter(n -> remaining.get(n.id()) == 0).forEach(n -> ready.add(n.id()));
        while (!ready.isEmpty()) {
            // Definition order among the ready nodes keeps the order stable from run to run.
            String next = nodes.stream()
                    .map(NodeSpec::id)
                    .filter(ready::contains)
                    .findFirst()
                    .orElseThrow();
            ready.remove(next);
            order.add(next);
            for (Edge edge : outbound.get(next)) {
                if (remaining.merge(edge.to(), -1, Integer::sum) == 0) {
                    ready.add(edge.to());
                }
            }
        }
        return List.copyOf(order);
    }

    private static List<NodeSpec> union(
            Collection<? extends NodeSpec> starts,
            Collection<? extends NodeSpec> nodes,
            Collection<? extends NodeSpec> ends) {
        List<NodeSpec> all = new ArrayList<>();
        Set<NodeSpec> seen = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Collection<? extends NodeSpec> part : List.of(starts, nodes, ends)) {
            for (NodeSpec node : part) {
                if (seen.add(node)) {
                    all.add(node);
                }
            }
        }
        return all;
    }

    /**
     * {@code graph-} and the first eight hex digits of the SHA-256 of the graph's shape, written in sorted order so
     * that the order of the given collections (a {@code HashSet}'s, say) does not matter. Nulls are skipped here and
     * reported by validation.
     */
    private static String nameOfShape(List<NodeSpec> nodes, Collection<Edge> edges) {
        List<String> parts = new ArrayList<>();
        for (NodeSpec node : nodes) {
            if (node != null) {
                parts.add("node " + node.id() + " " + node.kind() + " " + node.parallelism()
                        + (node.maxParallelism() == node.parallelism() ? "" : " max " + node.maxParallelism()));
            }
        }
        if (edges != null) {
            for (Edge edge : edges) {
                if (edge != null) {
                    parts.add("edge " + edge.from() + "." + edge.port() + " -> " + edge.to() + " "
                            + edge.partitioning().label());
                }
            }
        }
        Collections.sort(parts);
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(String.join("\n", parts).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "graph-" + java.util.HexFormat.of().formatHex(digest, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e); // required of every Java platform
        }
    }

    private static Map<String, List<Edge>> freeze(Map<String, List<Edge>> map) {
        Map<String, List<Edge>> frozen = new HashMap<>();
        map.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(frozen);
    }

    @Override
    public String toString() {
        return "ComputationalGraph[" + name + ", nodes=" + nodesById.keySet() + ", edges=" + edges + "]";
    }

    /**
     * Builds a {@link ComputationalGraph} step by step: add nodes, then join them with edges written as chains ({@code
     * "a -> b -> c"}, {@code "route.branch -> d"}). Methods that configure "the last node" apply to the node added
     * just before. Not thread-safe; {@link #build()} validates and may be called once the graph is complete.
     */
    public static final class Builder {

        private final String name;
        private final List<NodeSpec> nodes = new ArrayList<>();
        private final List<Edge> edges = new ArrayList<>();
        private Robustness robustness = Robustness.none();
        private final Map<String, Ordering> orderings = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = name;
        }

        /** Adds a start node whose instances {@code factory} makes; see {@link Sources} for ready ones. */
        public Builder start(String id, Supplier<? extends StartNode<?>> factory) {
            return add(NodeSpec.start(id, factory));
        }

        /** Adds a processing node whose instances {@code factory} makes, one object per instance. */
        public Builder node(String id, Supplier<? extends Node<?, ?>> factory) {
            return add(NodeSpec.node(id, factory));
        }

        /** Adds a stateless processing node; all instances share {@code node}. */
        public <I, O> Builder node(String id, Node<I, O> node) {
            return add(NodeSpec.node(id, node));
        }

        /** Adds a node that emits {@code function(item)} for each item. */
        public <I, O> Builder map(String id, Function<? super I, ? extends O> function) {
            return add(Nodes.map(id, function));
        }

        /** Adds a node that passes on the items {@code predicate} accepts. */
        public <T> Builder filter(String id, Predicate<? super T> predicate) {
            return add(Nodes.filter(id, predicate));
        }

        /** Adds a node that emits every element of {@code function(item)}. */
        public <I, O> Builder flatMap(String id, Function<? super I, ? extends Iterable<? extends O>> function) {
            return add(Nodes.flatMap(id, function));
        }

        /** Adds a node that passes every item to every node it has an edge to. */
        public Builder broadcast(String id) {
            return add(Nodes.broadcast(id));
        }

        /** Adds a node that joins several branches into one stream. */
        public Builder merge(String id) {
            return add(Nodes.merge(id));
        }

        /** Adds a node that sends each item to exactly one of its {@code branches}, the one {@code branch} names. */
        public <T> Builder route(String id, Function<? super T, String> branch, String... branches) {
            return add(Nodes.route(id, branch, branches));
        }

        /** Adds a node that sends each item to exactly one of its {@code branches}, in turn. */
        public Builder route(String id, String... branches) {
            return add(Nodes.route(id, branches));
        }

        /** Adds a node that groups items into lists as {@code chunking} says. */
        public Builder chunk(String id, Chunking chunking) {
            return add(Nodes.chunk(id, chunking));
        }

        /** Adds an end node whose instances {@code factory} makes; see {@link Sinks} for ready ones. */
        public Builder end(String id, Supplier<? extends EndNode<?>> factory) {
            return add(NodeSpec.end(id, factory));
        }

        /** Adds a node defined elsewhere. */
        public Builder add(NodeSpec node) {
            nodes.add(node);
            return this;
        }

        /** Sets the parallelism of the last node added. */
        public Builder parallelism(int parallelism) {
            int last = lastIndex("parallelism");
            nodes.set(last, nodes.get(last).withParallelism(parallelism));
            return this;
        }

        /**
         * Sets the maximum parallelism of the last node added, which must be a processing or end node: a running
         * deployment can rescale it up to that many instances ({@link Deployment#scale}). On KAFKA its input topics
         * and its stores' changelogs get that many partitions. Its parallelism unless set.
         */
        public Builder maxParallelism(int maxParallelism) {
            int last = lastIndex("maxParallelism");
            NodeSpec node = nodes.get(last);
            if (node.kind() == NodeKind.START) {
                throw new InvalidGraphException(
                        name,
                        List.of("Node '" + node.id() + "': a start node cannot be rescaled, as its input is split per"
                                + " instance; set maxParallelism on the nodes after it"));
            }
            nodes.set(last, node.withMaxParallelism(maxParallelism));
            return this;
        }

        /** Declares side-output ports on the last node added, which must be a processing node. */
        public Builder ports(String... ports) {
            int last = lastIndex("ports");
            if (!(nodes.get(last) instanceof ProcessingNodeSpec spec)) {
                NodeSpec node = nodes.get(last);
                String kind = node.kind() == NodeKind.END ? "an end node" : "a start node";
                throw new InvalidGraphException(
                        name,
                        List.of("Node '" + node.id() + "': only processing nodes have" + " side-output ports, and '"
                                + node.id() + "' is " + kind));
            }
            nodes.set(last, spec.withPorts(ports));
            return this;
        }

        /**
         * Declares in-memory stores of these names on the last node added, which its instances open with {@link
         * NodeContext#store}; see {@link KeyValueStore}.
         */
        public Builder stores(String... names) {
            int last = lastIndex("stores");
            nodes.set(last, nodes.get(last).withStores(names));
            return this;
        }

        /** Declares stores on the last node added. */
        public Builder stores(StoreSpec... stores) {
            int last = lastIndex("stores");
            nodes.set(last, nodes.get(last).withStores(stores));
            return this;
        }

        /** Adds the forward edges of a chain such as {@code "a -> b -> c"} or {@code "split.left -> d"}. */
        public Builder edge(String chain) {
            edges.addAll(EdgeExpressions.parse(name, chain));
            return this;
        }

        /** Adds the edges of a chain, each with {@code partitioning}. */
        public Builder edge(String chain, Partitioning partitioning) {
            for (Edge edge : EdgeExpressions.parse(name, chain)) {
                edges.add(edge.withPartitioning(partitioning));
            }
            return this;
        }

        /** Adds an edge. */
        public Builder edge(Edge edge) {
            edges.add(edge);
            return this;
        }

        /**
         * Says that node {@code nodeId} needs its items in {@code ordering}; {@link #build()} fails, naming where order
         * would be lost, if the graph does not keep it. See {@link Ordering} for what keeps order.
         */
        public Builder requireOrder(String nodeId, Ordering ordering) {
            orderings.put(Objects.requireNonNull(nodeId, "nodeId"), Objects.requireNonNull(ordering, "ordering"));
            return this;
        }

        /** Sets how hard a deployment works to process every item; see {@link Robustness}. */
        public Builder robustness(Robustness robustness) {
            this.robustness = Objects.requireNonNull(robustness, "robustness");
            return this;
        }

        /**
         * Validates and returns the graph.
         *
         * @throws InvalidGraphException listing every problem found
         */
        public ComputationalGraph build() {
            return new ComputationalGraph(name, new ArrayList<>(nodes), new ArrayList<>(edges), robustness, orderings);
        }

        private int lastIndex(String what) {
            if (nodes.isEmpty()) {
                throw new InvalidGraphException(
                        name,
                        List.of(what + "(…) applies to the last node added, but no node"
                                + " was added yet; call it after start(…), node(…) or end(…)"));
            }
            return nodes.size() - 1;
        }
    }
}
