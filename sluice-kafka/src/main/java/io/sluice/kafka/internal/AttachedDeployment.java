package io.sluice.kafka.internal;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.DeploymentStatus;
import io.sluice.NodeFailedException;
import io.sluice.NodeState;
import io.sluice.ResultPage;
import io.sluice.StoreView;
import io.sluice.SystemType;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.StaleStatusException;
import io.sluice.kafka.internal.StatusCodec.InstanceStatus;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A handle on a graph that runs on Kafka elsewhere — other processes, containers — built from nothing but the graph
 * and the bootstrap address: status from the status topic, results from the results topics, stores from their
 * changelog topics. Status and results are followed: the handle keeps its place in those topics and each call reads
 * only what is new, keeping the latest {@link KafkaOptions#keptResults()} results of each end node in memory. It does
 * not own the workers: {@link #close()} stops nothing and releases only the handle's own readers.
 */
public final class AttachedDeployment implements Deployment {

    private static final Duration POLL = Duration.ofMillis(250);

    private final ComputationalGraph graph;
    private final KafkaOptions options;
    private final StatusView statusView;
    private final ResultsBook results;

    public AttachedDeployment(ComputationalGraph graph, KafkaOptions options) {
        this.graph = Objects.requireNonNull(graph, "graph");
        this.options = Objects.requireNonNull(options, "options");
        this.statusView = new StatusView(graph.name(), options);
        this.results = new ResultsBook(graph, options, this::completed);
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

    /**
     * The status the workers last published, read to the end of the status topic.
     *
     * @throws StaleStatusException if the topic cannot be read to its end within {@link KafkaOptions#timeout()}
     */
    @Override
    public DeploymentStatus status() {
        return status(options.timeout());
    }

    private DeploymentStatus status(Duration timeout) {
        Collection<InstanceStatus> instances = statusView.read(timeout).values();
        int expected = graph.nodes().stream().mapToInt(n -> n.parallelism()).sum();
        List<InstanceStatus> configured = instances.stream() // an elastic node's extra members may come and go
                .filter(i -> i.instance() < graph.node(i.node()).parallelism())
                .toList();
        Optional<String> failure = instances.stream()
                .map(InstanceStatus::failure)
                .filter(Objects::nonNull)
                .findFirst();
        DeploymentState state;
        if (failure.isPresent() || instances.stream().anyMatch(i -> i.state() == NodeState.FAILED)) {
            state = DeploymentState.FAILED;
        } else if (configured.size() == expected
                && configured.stream().allMatch(i -> i.state() == NodeState.COMPLETED)) {
            state = DeploymentState.COMPLETED;
        } else {
            state = DeploymentState.RUNNING;
        }
        return StatusBoard.summarize(id(), graph, state, instances, failure, options.elasticNodes());
    }

    /** Every result the end node kept, the older ones read again from the topic; see {@link ResultsBook}. */
    @Override
    public <T> List<T> results(String endNodeId) {
        graph.endNode(endNodeId);
        return results.<T>page(endNodeId, 0, Integer.MAX_VALUE).items();
    }

    @Override
    public <T> ResultPage<T> results(String endNodeId, long from, int limit) {
        graph.endNode(endNodeId);
        ResultPage.check(from, limit);
        return results.page(endNodeId, from, limit);
    }

    @Override
    public <T> ResultPage<T> latestResults(String endNodeId, int limit) {
        graph.endNode(endNodeId);
        ResultPage.check(0, limit);
        return results.latest(endNodeId, limit);
    }

    /** Read from the store's changelog topic, as the instances last committed it; see {@link ChangelogStores}. */
    @Override
    public StoreView store(String nodeId, String store) {
        return ChangelogStores.view(graph, options, nodeId, store, this::completed);
    }

    /**
     * Waits for the status topic to say the deployment ended. A status read that cannot reach the topic's end is tried
     * again until the timeout; if the last one failed too, its {@link StaleStatusException} is thrown rather than a
     * state that may be stale.
     */
    @Override
    public DeploymentState awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            DeploymentState state;
            try {
                Duration read = Duration.ofNanos(Math.min(options.timeout().toNanos(), Math.max(left, 0)));
                state = status(read.isZero() ? Duration.ofMillis(1) : read).state();
            } catch (StaleStatusException e) {
                if (System.nanoTime() - deadline >= 0) {
                    throw e;
                }
                Thread.sleep(POLL);
                continue;
            }
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

    /** Stops nothing — the workers belong to whoever started them — and closes the handle's readers. */
    @Override
    public void close() {
        statusView.close();
        results.close();
    }

    /** Records this handle read from the status topic, for tests. */
    long statusRecordsRead() {
        return statusView.recordsRead();
    }

    /** Records this handle read from the results topics, for tests. */
    long resultRecordsRead() {
        return results.recordsRead();
    }

    /** Whether the deployment completed: every worker wrote and committed all, so reads may go past the stable end. */
    private boolean completed() {
        return status().state() == DeploymentState.COMPLETED;
    }
}
