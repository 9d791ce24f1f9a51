package io.sluice;

import io.sluice.spi.GraphLinks;
import io.sluice.spi.Suggestions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Graphs wired to graphs: each graph's inputs ({@link Flow#input}) read other graphs' outputs ({@link Stage#output}),
 * and the set is checked as a whole before anything runs — every input fed by a graph of the set, every output read
 * by one, no cycle through the links — then deployed upstream first.
 *
 * <pre>{@code
 * LinkedGraphs pipeline = LinkedGraphs.of(orders, billing, audit);
 * try (LinkedGraphs.Deployments running = pipeline.deploySystem(SystemType.LOCAL)) {
 *     running.awaitTermination(Duration.ofMinutes(1));
 *     running.deployment("billing").results(...);
 * }
 * }</pre>
 *
 * <p>Graphs may also be deployed one by one, in separate programs or processes: the links then join by address,
 * and nothing checks the set. Within one graph its robustness level holds end to end; between graphs only what the
 * link promises (see {@link GraphOutput}).
 */
public final class LinkedGraphs {

    private final List<ComputationalGraph> order;

    private LinkedGraphs(List<ComputationalGraph> order) {
        this.order = order;
    }

    /**
     * Checks that {@code graphs} fit together.
     *
     * @throws InvalidGraphException listing every problem, each naming both graphs of a link: two graphs of one name,
     *     an input no graph of the set feeds, an output no graph of the set reads, a cycle through the links
     */
    public static LinkedGraphs of(ComputationalGraph... graphs) {
        return of(List.of(graphs));
    }

    /** As {@link #of(ComputationalGraph...)}. */
    public static LinkedGraphs of(List<ComputationalGraph> graphs) {
        List<String> problems = new ArrayList<>();
        Map<String, ComputationalGraph> byName = new LinkedHashMap<>();
        for (ComputationalGraph graph : graphs) {
            if (byName.putIfAbsent(graph.name(), graph) != null) {
                problems.add("Graph '" + graph.name() + "' is given twice; every graph of a set needs its own name,"
                        + " as it names its outputs and topics");
            }
        }
        Map<String, String> publisher = new LinkedHashMap<>(); // address -> graph
        for (ComputationalGraph graph : byName.values()) {
            GraphLinks.outputs(graph).values().forEach(address -> publisher.put(address, graph.name()));
        }
        Map<String, Set<String>> downstream = new LinkedHashMap<>(); // graph -> graphs reading it
        byName.keySet().forEach(name -> downstream.put(name, new LinkedHashSet<>()));
        Set<String> read = new LinkedHashSet<>();
        for (ComputationalGraph graph : byName.values()) {
            GraphLinks.inputs(graph).forEach((input, address) -> {
                String from = publisher.get(address);
                if (from == null) {
                    problems.add("Input '" + input + "' of graph '" + graph.name() + "' reads '" + address
                            + "', which no graph of the set publishes; outputs published: "
                            + publisher.keySet()
                            + Suggestions.didYouMean(address, publisher.keySet()));
                    return;
                }
                read.add(address);
                downstream.get(from).add(graph.name());
            });
        }
        publisher.forEach((address, graph) -> {
            if (!read.contains(address)) {
                String output = address.substring(graph.length() + 1);
                problems.add("Output '" + output + "' of graph '" + graph + "' ('" + address
                        + "') is read by no graph of the set; add the graph that reads it with Flow.input, or make '"
                        + output + "' an ordinary end node");
            }
        });
        List<String> sorted = sortOrFindCycle(downstream, problems);
        if (!problems.isEmpty()) {
            throw new InvalidGraphException(String.join("+", byName.keySet()), problems);
        }
        List<ComputationalGraph> order = new ArrayList<>();
        sorted.forEach(name -> order.add(byName.get(name)));
        return new LinkedGraphs(Collections.unmodifiableList(order));
    }

    /** Kahn's order of the graphs, or a problem printing one cycle's path. */
    private static List<String> sortOrFindCycle(Map<String, Set<String>> downstream, List<String> problems) {
        Map<String, Integer> inDegree = new HashMap<>();
        downstream.keySet().forEach(g -> inDegree.put(g, 0));
        downstream.values().forEach(targets -> targets.forEach(t -> inDegree.merge(t, 1, Integer::sum)));
        Deque<String> ready = new ArrayDeque<>();
        downstream.keySet().stream().filter(g -> inDegree.get(g) == 0).forEach(ready::add);
        List<String> sorted = new ArrayList<>();
        while (!ready.isEmpty()) {
            String g = ready.poll();
            sorted.add(g);
            for (String t : downstream.get(g)) {
                if (inDegree.merge(t, -1, Integer::sum) == 0) {
                    ready.add(t);
                }
            }
        }
        if (sorted.size() < downstream.size()) {
            // walk forward from a graph left over until a graph repeats: that stretch is a cycle
            String start = downstream.keySet().stream()
                    .filter(g -> !sorted.contains(g))
                    .findFirst()
                    .orElseThrow();
            List<String> path = new ArrayList<>();
            String at = start;
            while (!path.contains(at)) {
                path.add(at);
                String current = at;
                at = downstream.get(current).stream()
                        .filter(t -> !sorted.contains(t))
                        .findFirst()
                        .orElseThrow();
            }
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(at), path.size()));
            cycle.add(at);
            problems.add("Graphs form a cycle through their links: " + String.join(" -> ", cycle)
                    + "; a graph may not read, even through others, what it publishes");
        }
        return sorted;
    }

    /** The graphs, each after every graph it reads. */
    public List<ComputationalGraph> graphs() {
        return order;
    }

    /** Deploys every graph on {@code system} with its default options, upstream first. */
    public Deployments deploySystem(SystemType system) {
        return deployEach(graph -> graph.deploySystem(system));
    }

    /** Deploys every graph on {@code system} with {@code options}, upstream first. */
    public Deployments deploy(SystemType system, DeploymentOptions options) {
        Objects.requireNonNull(options, "options");
        return deployEach(graph -> graph.deploy(system, options));
    }

    private Deployments deployEach(java.util.function.Function<ComputationalGraph, Deployment> deploy) {
        Map<String, Deployment> deployments = new LinkedHashMap<>();
        try {
            for (ComputationalGraph graph : order) {
                deployments.put(graph.name(), deploy.apply(graph));
            }
        } catch (RuntimeException e) {
            deployments.values().forEach(d -> {
                try {
                    d.close();
                } catch (RuntimeException closing) {
                    e.addSuppressed(closing);
                }
            });
            throw e;
        }
        return new Deployments(deployments);
    }

    /** The deployments of a set of graphs, by graph name; closing it closes each, downstream first. */
    public static final class Deployments implements AutoCloseable {
        private final Map<String, Deployment> deployments;

        private Deployments(Map<String, Deployment> deployments) {
            this.deployments = Collections.unmodifiableMap(deployments);
        }

        /** The deployment of graph {@code name}. */
        public Deployment deployment(String name) {
            Deployment deployment = deployments.get(name);
            if (deployment == null) {
                throw new NotDefinedException(
                        "Graph '" + name + "' is not in this set; graphs: " + deployments.keySet());
            }
            return deployment;
        }

        /** Every deployment, upstream first. */
        public Map<String, Deployment> all() {
            return deployments;
        }

        /**
         * Waits until every graph has ended or {@code timeout} has passed, and returns the state of the set: {@code
         * FAILED} if one failed, else {@code CANCELLED} if one was, else {@code RUNNING} if one still runs, else
         * {@code COMPLETED}.
         */
        public DeploymentState awaitTermination(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            DeploymentState worst = DeploymentState.COMPLETED;
            for (Deployment deployment : deployments.values()) {
                Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                DeploymentState state = deployment.awaitTermination(left);
                if (rank(state) > rank(worst)) {
                    worst = state;
                }
                if (state == DeploymentState.FAILED) {
                    break; // the graphs reading it fail too, naming it
                }
            }
            return worst;
        }

        private static int rank(DeploymentState state) {
            return switch (state) {
                case COMPLETED -> 0;
                case RUNNING -> 1;
                case CANCELLED -> 2;
                case FAILED -> 3;
            };
        }

        @Override
        public void close() {
            List<Deployment> reversed = new ArrayList<>(deployments.values());
            Collections.reverse(reversed);
            RuntimeException first = null;
            for (Deployment deployment : reversed) {
                try {
                    deployment.close();
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }
}
