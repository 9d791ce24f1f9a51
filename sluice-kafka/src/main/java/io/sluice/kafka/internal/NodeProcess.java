package io.sluice.kafka.internal;

import io.sluice.ComputationalGraph;
import io.sluice.NodeFailedException;
import io.sluice.NodeSpec;
import io.sluice.SluiceException;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.TopicPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * A worker process: runs every instance of one node of a graph, publishes their status, and reports how it ended.
 * The deployment that launched it restarts it if it dies; it then resumes from its committed offsets.
 */
public final class NodeProcess implements WorkerHost {

    /** Exit code of a worker whose node failed: restarting would fail again. */
    public static final int EXIT_NODE_FAILED = 1;

    /** The line a failed worker prints last, followed by the failure, for its supervisor to quote. */
    public static final String FAILURE_PREFIX = "sluice-worker: FAILED: ";

    private final ComputationalGraph graph;
    private final KafkaOptions options;
    private final TopicPlan plan;
    private final NodeSpec spec;
    private final List<InstanceWorker> workers = new ArrayList<>();
    private final CountDownLatch finished;
    private volatile boolean running = true;
    private volatile NodeFailedException failure;

    public NodeProcess(ComputationalGraph graph, String nodeId, KafkaOptions options) {
        if (!graph.hasNode(nodeId)) {
            throw new SluiceException(
                    "Node '" + nodeId + "' is not defined in graph '" + graph.name() + "'; defined nodes: "
                            + graph.nodes().stream().map(NodeSpec::id).toList());
        }
        this.graph = graph;
        this.options = options;
        this.plan = TopicPlan.of(graph, options);
        this.spec = graph.node(nodeId);
        for (int i = 0; i < spec.parallelism(); i++) {
            workers.add(new InstanceWorker(this, spec, i));
        }
        this.finished = new CountDownLatch(workers.size());
    }

    /**
     * Runs the node's instances until they end or the process is told to stop.
     *
     * @return the failure, if the node failed; {@code null} if it completed or was stopped
     */
    public NodeFailedException run() throws InterruptedException {
        List<Thread> threads =
                workers.stream().map(w -> new Thread(w, w.name())).toList();
        threads.forEach(Thread::start);
        try (KafkaProducer<byte[], byte[]> status = Clients.producer(options, spec.id() + "-status", null)) {
            while (!finished.await(500, TimeUnit.MILLISECONDS)) {
                StatusBoard.publish(status, graph.name(), workers, null);
            }
            NodeFailedException f = failure;
            StatusBoard.publish(status, graph.name(), workers, f == null ? null : f.getMessage());
            status.flush();
        }
        return failure;
    }

    /** Stops the instances and waits for them, as on SIGTERM. */
    public void stop() throws InterruptedException {
        running = false;
        workers.forEach(InstanceWorker::wakeUp);
        finished.await(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public ComputationalGraph graph() {
        return graph;
    }

    @Override
    public KafkaOptions options() {
        return options;
    }

    @Override
    public TopicPlan plan() {
        return plan;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void fail(InstanceWorker worker, Throwable error) {
        synchronized (this) {
            if (failure != null) {
                return;
            }
            failure = error instanceof NodeFailedException f
                    ? f
                    : new NodeFailedException(
                            spec.id(),
                            "Node '" + spec.id() + "' worker '" + worker.name() + "' failed: " + error,
                            error);
        }
        running = false;
        workers.forEach(InstanceWorker::wakeUp);
    }

    @Override
    public void workerFinished() {
        finished.countDown();
    }
}
