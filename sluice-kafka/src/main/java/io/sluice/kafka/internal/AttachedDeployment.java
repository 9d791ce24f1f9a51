package io.sluice.kafka.internal;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.DeploymentStatus;
import io.sluice.NodeFailedException;
import io.sluice.NodeState;
import io.sluice.StoreView;
import io.sluice.SystemType;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.internal.StatusCodec.InstanceStatus;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A handle on a graph that runs on Kafka elsewhere — other processes, containers — built from nothing but the graph
 * and the bootstrap address: status from the status topic, results from the results topics, stores from their
 * changelog topics. It does not own the
 * workers: {@link #close()} releases nothing and stops nothing.
 */
public final class AttachedDeployment implements Deployment {

    private static final Duration POLL = Duration.ofMillis(250);

    private final ComputationalGraph graph;
    private final KafkaOptions options;

    public AttachedDeployment(ComputationalGraph graph, KafkaOptions options) {
        this.graph = Objects.requireNonNull(graph, "graph");
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String id() {
        return graph.name() + "-kafka";
    }

    @Override
    public ComputationalGraph graph() {
        return graph;
    }

    @Override
    public SystemType system() {
        return SystemType.KAFKA;
    }

    @Override
    public DeploymentStatus status() {
        Collection<InstanceStatus> instances =
                StatusBoard.read(graph.name(), options).values();
        int expected = graph.nodes().stream().mapToInt(n -> n.parallelism()).sum();
        Optional<String> failure = instances.stream()
                .map(InstanceStatus::failure)
                .filter(Objects::nonNull)
                .findFirst();
        DeploymentState state;
        if (failure.isPresent() || instances.stream().anyMatch(i -> i.state() == NodeState.FAILED)) {
            state = DeploymentState.FAILED;
        } else if (instances.size() == expected && instances.stream().allMatch(i -> i.state() == NodeState.COMPLETED)) {
            state = DeploymentState.COMPLETED;
        } else {
            state = DeploymentState.RUNNING;
        }
        return StatusBoard.summarize(id(), graph, state, instances, failure);
    }

    @Override
    public <T> List<T> results(String endNodeId) {
        return StatusBoard.results(graph, options, endNodeId);
    }

    /** Read from the store's changelog topic, as the instances last committed it; see {@link ChangelogStores}. */
    @Override
    public StoreView store(String nodeId, String store) {
        return ChangelogStores.view(graph, options, nodeId, store);
    }

    @Override
    public DeploymentState awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            DeploymentState state = status().state();
            if (state.isFinal() || System.nanoTime() - deadline > 0) {
                return state;
            }
            Thread.sleep(POLL);
        }
    }

    /** The failure the status topic reports, named by the first failed node. */
    @Override
    public Optional<NodeFailedException> failure() {
        DeploymentStatus status = status();
        if (status.state() != DeploymentState.FAILED) {
            return Optional.empty();
        }
        String message = status.failure().orElse("a node of graph '" + graph.name() + "' failed");
        String node = status.nodes().values().stream()
                .filter(n -> n.state() == NodeState.FAILED)
                .map(n -> n.id())
                .findFirst()
                .orElse("?");
        return Optional.of(new NodeFailedException(node, message, null));
    }

    /** Releases nothing: the workers belong to whoever started them. */
    @Override
    public void close() {}
}
