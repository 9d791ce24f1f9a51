package io.sluice.kafka.internal;

import io.sluice.ComputationalGraph;
import io.sluice.DeploymentState;
import io.sluice.DeploymentStatus;
import io.sluice.ItemFailure;
import io.sluice.ItemTracking;
import io.sluice.NodeKind;
import io.sluice.NodeSpec;
import io.sluice.NodeState;
import io.sluice.NodeStatus;
import io.sluice.SystemType;
import io.sluice.kafka.TopicPlan;
import io.sluice.kafka.internal.StatusCodec.InstanceStatus;
import io.sluice.spi.NodeInstance;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Status over Kafka: workers publish what their instances have done to {@code <graph>.__status}; anyone with the
 * bootstrap address reads the latest record per instance back ({@link StatusView}) and sums it per node.
 */
final class StatusBoard {

    private StatusBoard() {}

    /** The status of one worker's instance now. */
    static InstanceStatus of(InstanceWorker worker, String failure) {
        NodeInstance instance = worker.instance();
        long now = System.currentTimeMillis();
        if (instance == null) {
            return new InstanceStatus(
                    worker.spec().id(),
                    worker.index(),
                    NodeState.CREATED,
                    0,
                    0,
                    0,
                    worker.lag(),
                    0,
                    now,
                    failure,
                    0,
                    0,
                    0,
                    worker.backlog(),
                    List.of());
        }
        return new InstanceStatus(
                worker.spec().id(),
                worker.index(),
                instance.state(),
                instance.itemsIn(),
                instance.itemsOut(),
                instance.errors(),
                worker.lag(),
                instance.lastActivityMillis(),
                now,
                failure,
                worker.replays(),
                worker.givenUp(),
                worker.deadLettered(),
                worker.backlog(),
                worker.recentFailures());
    }

    /**
     * The status of every worker, read downstream first — in reverse topological order of their nodes — so that the
     * monotonic counters never show a node ahead of its upstream: an item counted in by a node was counted out by its
     * upstream before it was sent (workers of a deployment whose status is read in its own JVM publish their counters
     * before each record they send), and that count can only have grown by the time it is read. Returned upstream
     * first.
     */
    static List<InstanceStatus> snapshot(ComputationalGraph graph, Collection<InstanceWorker> workers, String failure) {
        Map<String, Integer> order = new HashMap<>();
        List<String> topological = graph.topologicalOrder();
        for (int i = 0; i < topological.size(); i++) {
            order.put(topological.get(i), i);
        }
        List<InstanceWorker> downstreamFirst = new ArrayList<>(workers);
        downstreamFirst.sort(
                Comparator.comparing((InstanceWorker w) -> order.get(w.spec().id()))
                        .reversed());
        List<InstanceStatus> statuses = new ArrayList<>();
        for (InstanceWorker worker : downstreamFirst) {
            statuses.add(of(worker, failure));
        }
        java.util.Collections.reverse(statuses);
        return statuses;
    }

    /**
     * Publishes the status of every worker, keyed {@code node/instance}: a {@link #snapshot}, upstream first, so that a
     * reader whose read ends between two records of one round sees upstream nodes at the newer round and downstream
     * ones at the older — never a downstream node ahead.
     */
    static void publish(
            KafkaProducer<byte[], byte[]> producer,
            ComputationalGraph graph,
            Collection<InstanceWorker> workers,
            String failure) {
        for (InstanceStatus status : snapshot(graph, workers, failure)) {
            producer.send(new ProducerRecord<>(
                    TopicPlan.statusTopic(graph.name()),
                    0,
                    (status.node() + "/" + status.instance()).getBytes(StandardCharsets.UTF_8),
                    StatusCodec.write(status)));
        }
    }

    /** Sums instance statuses per node of the graph. */
    static DeploymentStatus summarize(
            String id,
            ComputationalGraph graph,
            DeploymentState state,
            Collection<InstanceStatus> instances,
            Optional<String> failure) {
        return summarize(id, graph, state, instances, failure, java.util.Set.of());
    }

    /**
     * Sums instance statuses per node of the graph, the {@code elastic} nodes' extra members (instances at or above
     * the parallelism) in their counters but not in their state: an extra member may leave at any time, even killed,
     * and the node's state is that of the instances that must run.
     */
    static DeploymentStatus summarize(
            String id,
            ComputationalGraph graph,
            DeploymentState state,
            Collection<InstanceStatus> instances,
            Optional<String> failure,
            java.util.Set<String> elastic) {
        Map<String, NodeStatus> nodes = new LinkedHashMap<>();
        for (NodeSpec spec : graph.nodes()) {
            long in = 0;
            long out = 0;
            long errors = 0;
            long lag = 0;
            long last = 0;
            List<NodeState> states = new ArrayList<>();
            int extra = 0;
            for (InstanceStatus s : instances) {
                if (s.node().equals(spec.id())) {
                    in += s.itemsIn();
                    out += s.itemsOut();
                    errors += s.errors();
                    lag += s.lag();
                    last = Math.max(last, s.lastActivity());
                    if (s.instance() < spec.parallelism()) {
                        states.add(s.state());
                    } else {
                        extra++;
                    }
                }
            }
            while (states.size() < spec.parallelism()) {
                states.add(NodeState.CREATED);
            }
            nodes.put(
                    spec.id(),
                    new NodeStatus(
                            spec.id(),
                            spec.kind(),
                            NodeState.summarize(states),
                            spec.parallelism(),
                            in,
                            out,
                            errors,
                            lag,
                            last == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(last)),
                            Optional.empty(),
                            elastic.contains(spec.id()),
                            elastic.contains(spec.id()) ? extra : 0));
        }
        Optional<ItemTracking> tracking =
                graph.robustness().tracks() ? Optional.of(tracking(graph, instances)) : Optional.empty();
        return new DeploymentStatus(id, SystemType.KAFKA, state, nodes, failure, tracking);
    }

    /**
     * What the workers' statuses say of the items. Items are introduced by start nodes and given up by the
     * instances that failed them; what is pending is counted in records not yet committed by their readers, over
     * every topic of the graph — so {@code allProcessed()} is exact, and so are the counts whenever nothing is
     * pending; while records wait, a graph that fans out or filters counts its pending records, not source items.
     */
    private static ItemTracking tracking(ComputationalGraph graph, Collection<InstanceStatus> instances) {
        long introduced = 0;
        long failed = 0;
        long replays = 0;
        long deadLettered = 0;
        long backlog = 0;
        List<ItemFailure> failures = new ArrayList<>();
        for (InstanceStatus s : instances) {
            if (graph.node(s.node()).kind() == NodeKind.START) {
                introduced += s.itemsOut();
            }
            failed += s.givenUp();
            replays += s.replays();
            deadLettered += s.deadLettered();
            backlog += s.backlog();
            failures.addAll(s.recentFailures());
        }
        failures.sort(Comparator.comparing(ItemFailure::time));
        int kept = graph.robustness().failuresKept();
        List<ItemFailure> recent = failures.subList(Math.max(0, failures.size() - kept), failures.size());
        long completed = Math.max(0, introduced - failed - backlog);
        return new ItemTracking(
                graph.robustness().level(), introduced, completed, failed, replays, deadLettered, recent);
    }
}
