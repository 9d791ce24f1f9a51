package io.sluice.kafka;

import io.sluice.ComputationalGraph;
import io.sluice.Edge;
import io.sluice.Emitter;
import io.sluice.InvalidGraphException;
import io.sluice.NodeKind;
import io.sluice.NodeSpec;
import io.sluice.Partitioning;
import io.sluice.Robustness;
import io.sluice.StoreSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The topics a graph needs on Kafka, named from the graph and node ids — never generated, so that a redeployed graph
 * finds its data again:
 *
 * <ul>
 *   <li>{@code <graph>.<node>} for a node's default port and {@code <graph>.<node>.<port>} for its other ports, with
 *       as many partitions as the widest node reading them may run: the largest {@link NodeSpec#maxParallelism()},
 *       which is the parallelism unless set;
 *   <li>{@code <graph>.__results.<node>} for the results an end node keeps;
 *   <li>{@code <graph>.__dead-letter}, when a node replays: the items given up, with their failures;
 *   <li>{@code <graph>.__store.<node>.<store>} for each store a node declares: its changelog, compacted, with {@link
 *       NodeSpec#maxParallelism()} partitions (one per instance unless the node has room to grow);
 *   <li>{@code <graph>.__positions}, compacted: where each {@link io.sluice.Resumable} start node instance stands
 *       in its input, written with its output, and each resumable end node instance in its output (a file's
 *       length), written with its input offsets;
 *   <li>{@code <graph>.__status}, where workers publish heartbeats and counters.
 * </ul>
 *
 * <p>{@link #of} is also the dry run: {@link #describe()} prints what a deployment would create.
 *
 * @param graph the graph's name
 * @param topics every topic, outputs first in topological order
 */
public record TopicPlan(String graph, List<Topic> topics) {

    /**
     * One topic.
     *
     * @param name the topic's name
     * @param partitions how many partitions it has
     * @param replicationFactor how many replicas
     * @param purpose what it carries, for people reading the plan
     * @param compacted whether Kafka keeps only the last record of each key (changelogs, positions, status)
     */
    public record Topic(String name, int partitions, short replicationFactor, String purpose, boolean compacted) {

        public Topic(String name, int partitions, short replicationFactor, String purpose) {
            this(name, partitions, replicationFactor, purpose, false);
        }
    }

    public TopicPlan {
        topics = List.copyOf(topics);
    }

    /**
     * The plan of {@code graph} under {@code options}.
     *
     * @throws InvalidGraphException if the graph cannot run on Kafka as it is, saying why and what to change
     */
    public static TopicPlan of(ComputationalGraph graph, KafkaOptions options) {
        checkFitsKafka(graph);
        short replication = options.replicationFactor();
        List<Topic> topics = new ArrayList<>();
        for (String id : graph.topologicalOrder()) {
            NodeSpec node = graph.node(id);
            for (String port : node.ports()) {
                int partitions = graph.outbound(id).stream()
                        .filter(e -> e.port().equals(port))
                        .mapToInt(e -> graph.node(e.to()).maxParallelism())
                        .max()
                        .orElse(1);
                topics.add(new Topic(
                        outputTopic(graph.name(), id, port),
                        partitions,
                        replication,
                        "output of node '" + id + "'"
                                + (port.equals(Emitter.DEFAULT_PORT) ? "" : ", port '" + port + "'")));
            }
            if (io.sluice.spi.GraphLinks.outputOf(graph.name(), node).isPresent()) {
                topics.add(new Topic(
                        outputTopic(graph.name(), id, Emitter.DEFAULT_PORT),
                        node.parallelism(),
                        replication,
                        "graph output '" + id + "', read by other graphs"));
            }
            if (node.kind() == NodeKind.END) {
                topics.add(new Topic(
                        resultsTopic(graph.name(), id), 1, replication, "results kept by end node '" + id + "'"));
            }
            for (StoreSpec store : node.stores()) {
                topics.add(new Topic(
                        storeTopic(graph.name(), id, store.name()),
                        node.maxParallelism(),
                        replication,
                        "changelog of store '" + store.name() + "' of node '" + id + "'",
                        true));
            }
        }
        topics.add(new Topic(
                positionsTopic(graph.name()),
                1,
                replication,
                "where each start node stands in its input and each end node in its output",
                true));
        if (graph.robustness().replays()) {
            topics.add(new Topic(
                    deadLetterTopic(graph.name()),
                    1,
                    replication,
                    "dead letters: items given up after " + graph.robustness().attempts() + " attempts"));
        }
        topics.add(new Topic(statusTopic(graph.name()), 1, replication, "worker heartbeats and counters", true));
        return new TopicPlan(graph.name(), topics);
    }

    /** The topic a node's port writes to. */
    public static String outputTopic(String graph, String node, String port) {
        return port.equals(Emitter.DEFAULT_PORT) ? graph + "." + node : graph + "." + node + "." + port;
    }

    /** The topic an end node's kept results go to. */
    public static String resultsTopic(String graph, String node) {
        return graph + ".__results." + node;
    }

    /** The topic the items given up under {@link Robustness.Level#REPLAY} go to, as {@link io.sluice.DeadLetter}s. */
    public static String deadLetterTopic(String graph) {
        return graph + ".__dead-letter";
    }

    /**
     * The changelog of a node's store: with as many partitions as instances, instance <i>i</i> writes partition
     * <i>i</i>; with more (a node with room to grow), a key lives in the partition of its input key.
     */
    public static String storeTopic(String graph, String node, String store) {
        return graph + ".__store." + node + "." + store;
    }

    /** The topic start nodes keep their positions in, keyed {@code <node>.<instance>}. */
    public static String positionsTopic(String graph) {
        return graph + ".__positions";
    }

    /** The topic workers publish their status to. */
    public static String statusTopic(String graph) {
        return graph + ".__status";
    }

    /** The topic by name. */
    public Topic topic(String name) {
        return topics.stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow(() ->
                        new IllegalArgumentException("no topic '" + name + "' in the plan of graph '" + graph + "'"));
    }

    /** One line per topic: name, partitions, replication and purpose. */
    public String describe() {
        int width = topics.stream().mapToInt(t -> t.name().length()).max().orElse(10);
        StringBuilder text = new StringBuilder("Topics of graph '" + graph + "':\n");
        for (Topic topic : topics) {
            text.append(String.format(
                    java.util.Locale.ROOT,
                    "  %-" + width + "s  partitions=%-3d replication=%d  %s%n",
                    topic.name(),
                    topic.partitions(),
                    topic.replicationFactor(),
                    topic.purpose()));
        }
        return text.toString();
    }

    /** A port has one topic, partitioned one way: it can feed at most one keyed edge. */
    private static void checkFitsKafka(ComputationalGraph graph) {
        List<String> problems = new ArrayList<>();
        for (NodeSpec node : graph.nodes()) {
            if (node.id().startsWith("__")) {
                problems.add("Node '" + node.id() + "': ids starting with '__' are reserved on KAFKA for Sluice's own"
                        + " topics; rename the node");
            }
            Map<String, List<Edge>> keyedByPort = new LinkedHashMap<>();
            for (Edge edge : graph.outbound(node.id())) {
                if (edge.partitioning() instanceof Partitioning.Keyed) {
                    keyedByPort
                            .computeIfAbsent(edge.port(), p -> new ArrayList<>())
                            .add(edge);
                }
            }
            keyedByPort.forEach((port, edges) -> {
                if (edges.size() > 1) {
                    problems.add("Edges " + edges.stream().map(Edge::describe).toList() + ": on KAFKA one port writes"
                            + " one topic, partitioned by one key, but these " + edges.size() + " edges are each keyed;"
                            + " keep one keyed edge per port, or emit on a second port for the second key");
                }
            });
        }
        if (!problems.isEmpty()) {
            throw new InvalidGraphException(graph.name(), problems);
        }
    }
}
