package io.sluice;

import io.sluice.internal.graph.Cycles;
import io.sluice.internal.request.AnnotatedNode;
import io.sluice.internal.request.Evaluation;
import io.sluice.spi.Names;
import io.sluice.spi.Suggestions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A graph evaluated once per request: every node runs once, as soon as all its parents have produced, independent
 * nodes concurrently on virtual threads, and the call returns each node's output and a merged view of the leaves'
 * outputs — the fan-out and merge of a service's request path.
 *
 * <pre>{@code
 * RequestGraph<Request> page = RequestGraph.<Request>builder("page")
 *     .node("user", (request, in) -> users.fetch(request.userId()))
 *     .node("geo", (request, in) -> geo.locate(request.ip()))
 *     .node("recommendations", new Recommendations())          // load(Request, @From("user") User, @From("geo") Geo)
 *     .node("page", (request, in) -> render(in.get("user"), in.get("recommendations")), "user", "recommendations")
 *     .timeout(Duration.ofMillis(200))                          // for the last node added
 *     .build();
 *
 * RequestResult result = page.evaluate(request);
 * }</pre>
 *
 * <p>A graph is immutable and thread-safe: build it once, evaluate it for many requests at once. Building validates
 * everything at once — unknown parents (naming both nodes), cycles, duplicate ids — and throws an {@link
 * InvalidGraphException}.
 *
 * @param <C> the type of the context every node receives: a request id, clients, credentials…
 */
public final class RequestGraph<C> {

    /** The whole-request timeout unless the builder sets another. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /**
     * One node as built.
     *
     * @param id the node's id
     * @param node its computation
     * @param parents the ids of the nodes whose outputs it reads
     * @param timeout how long it may run; {@code null} for no limit of its own
     * @param optional whether its failure gives an empty output instead of failing the request
     */
    public record Step<C>(String id, RequestNode<C> node, List<String> parents, Duration timeout, boolean optional) {
        public Step {
            parents = List.copyOf(parents);
        }
    }

    private final String name;
    private final List<Step<C>> steps;
    private final List<String> leaves;
    private final Duration requestTimeout;
    private final Evaluation<C> evaluation;

    private RequestGraph(String name, List<Step<C>> steps, Duration requestTimeout) {
        this.name = name;
        this.steps = List.copyOf(steps);
        this.requestTimeout = requestTimeout;
        List<String> read = steps.stream().flatMap(s -> s.parents().stream()).toList();
        this.leaves =
                steps.stream().map(Step::id).filter(id -> !read.contains(id)).toList();
        this.evaluation = new Evaluation<>(name, this.steps, leaves);
    }

    public static <C> Builder<C> builder(String name) {
        return new Builder<>(name);
    }

    public String name() {
        return name;
    }

    /** The nodes, parents before children. */
    public List<Step<C>> steps() {
        return steps;
    }

    /** The nodes no other node reads from. */
    public List<String> leaves() {
        return leaves;
    }

    /**
     * Evaluates the graph for one request, within the graph's request timeout.
     *
     * @throws RequestFailedException if a required node failed or the request timed out; running nodes are cancelled
     */
    public RequestResult evaluate(C context) {
        return evaluate(context, requestTimeout);
    }

    /** As {@link #evaluate(Object)}, within {@code timeout}. */
    public RequestResult evaluate(C context, Duration timeout) {
        return evaluation.run(context, timeout);
    }

    @Override
    public String toString() {
        return "RequestGraph[" + name + ", nodes="
                + steps.stream().map(Step::id).toList() + "]";
    }

    /** Builds a {@link RequestGraph}; "the last node" is the node added just before. Not thread-safe. */
    public static final class Builder<C> {

        private final String name;
        private final List<Step<C>> steps = new ArrayList<>();
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;

        private Builder(String name) {
            this.name = name;
        }

        /** Adds a node that reads the outputs of {@code parents}. */
        public Builder<C> node(String id, RequestNode<C> node, String... parents) {
            steps.add(new Step<>(id, Objects.requireNonNull(node, "node"), List.of(parents), null, false));
            return this;
        }

        /**
         * Adds a node whose public {@code load} method names its parents with {@link From} on its parameters; a
         * parameter without {@code @From} receives the context.
         *
         * @throws InvalidGraphException if the object has no such method, saying what was found
         */
        public Builder<C> node(String id, Object annotated) {
            AnnotatedNode<C> node = AnnotatedNode.of(name, id, annotated);
            steps.add(new Step<>(id, node, node.parents(), null, false));
            return this;
        }

        /** Limits how long the last node may run; it is interrupted and the request fails (or, if optional, goes on). */
        public Builder<C> timeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException(
                        "timeout of node '" + last("timeout").id() + "': must be positive, found " + timeout);
            }
            Step<C> step = last("timeout");
            steps.set(steps.size() - 1, new Step<>(step.id(), step.node(), step.parents(), timeout, step.optional()));
            return this;
        }

        /** Makes the last node optional: if it fails or times out, its output is empty and the request goes on. */
        public Builder<C> optional() {
            Step<C> step = last("optional");
            steps.set(steps.size() - 1, new Step<>(step.id(), step.node(), step.parents(), step.timeout(), true));
            return this;
        }

        /** How long a whole request may take unless {@code evaluate} is given another limit; 30 s by default. */
        public Builder<C> requestTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout: must be positive, found " + timeout);
            }
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * Validates and returns the graph.
         *
         * @throws InvalidGraphException listing every problem found
         */
        public RequestGraph<C> build() {
            List<String> problems = new ArrayList<>();
            String nameProblem = Names.problem(name);
            if (nameProblem != null) {
                problems.add("the graph name " + nameProblem);
            }
            Map<String, Step<C>> byId = new LinkedHashMap<>();
            for (Step<C> step : steps) {
                String idProblem = Names.problem(step.id());
                if (idProblem != null) {
                    problems.add("Node '" + step.id() + "': the id " + idProblem);
                }
                if (byId.putIfAbsent(step.id(), step) != null) {
                    problems.add("Node '" + step.id() + "' is defined twice; node ids must be unique");
                }
            }
            if (steps.isEmpty()) {
                problems.add("the graph has no node; add one with node(id, (context, inputs) -> …)");
            }
            Map<String, List<String>> children = new HashMap<>();
            for (Step<C> step : steps) {
                for (String parent : step.parents()) {
                    if (!byId.containsKey(parent)) {
                        problems.add("Node '" + step.id() + "' reads from '" + parent + "', which is not defined;"
                                + " defined nodes: " + List.copyOf(byId.keySet())
                                + Suggestions.didYouMean(parent, byId.keySet()));
                    } else {
                        children.computeIfAbsent(parent, p -> new ArrayList<>()).add(step.id());
                    }
                }
            }
            List<String> cycle = Cycles.find(byId.keySet(), children);
            if (cycle != null) {
                problems.add("Cycle " + String.join(" -> ", cycle) + "; a graph must be acyclic: remove one of these"
                        + " parents");
            }
            if (!problems.isEmpty()) {
                throw new InvalidGraphException(name, problems);
            }
            return new RequestGraph<>(name, topological(byId, children), requestTimeout);
        }

        private List<Step<C>> topological(Map<String, Step<C>> byId, Map<String, List<String>> children) {
            Map<String, Integer> waiting = new HashMap<>();
            byId.values().forEach(s -> waiting.put(s.id(), s.parents().size()));
            List<Step<C>> order = new ArrayList<>();
            List<String> ready = new ArrayList<>(byId.values().stream()
                    .filter(s -> s.parents().isEmpty())
                    .map(Step::id)
                    .toList());
            while (!ready.isEmpty()) {
                String next = ready.remove(0);
                order.add(byId.get(next));
                for (String child : children.getOrDefault(next, List.of())) {
                    if (waiting.merge(child, -1, Integer::sum) == 0) {
                        ready.add(child);
                    }
                }
            }
            return Collections.unmodifiableList(order);
        }

        private Step<C> last(String what) {
            if (steps.isEmpty()) {
                throw new InvalidGraphException(
                        name,
                        List.of(what + "(…) applies to the last node added, but no node"
                                + " was added yet; call it after node(…)"));
            }
            return steps.get(steps.size() - 1);
        }
    }
}
