package io.sluice.kafka.internal;

import io.sluice.ComputationalGraph;
import io.sluice.NodeFailedException;
import io.sluice.NodeSpec;
import io.sluice.SluiceException;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.TopicPlan;
import io.sluice.spi.Lifecycle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
    private final Lifecycle lifecycle;

    public NodeProcess(ComputationalGraph graph, String nodeId, KafkaOptions options) {
        this(graph, nodeId, -1, options);
    }

    /**
     * Runs instance {@code instance} of the node alone — one pod of a StatefulSet, its ordinal the instance — or every
     * instance for {@code -1}.
     *
     * @throws SluiceException if the node is not in the graph or has no such instance
     */
    public NodeProcess(ComputationalGraph graph, String nodeId, int instance, KafkaOptions options) {
        if (!graph.hasNode(nodeId)) {
            throw new SluiceException(
                    "Node '" + nodeId + "' is not defined in graph '" + graph.name() + "'; defined nodes: "
                            + graph.nodes().stream().map(NodeSpec::id).toList());
        }
        this.graph = graph;
        this.options = options;
        this.plan = TopicPlan.of(graph, options);
        this.spec = graph.node(nodeId);
        Elastic.check(graph, options);
        boolean elastic = Elastic.isElastic(options, nodeId);
        if (instance >= spec.parallelism() && !elastic) {
            throw new SluiceException(
                    "Node '" + nodeId + "' has parallelism " + spec.parallelism() + ", so instances 0 to "
                            + (spec.parallelism() - 1) + "; there is no instance " + instance + "; run at most "
                            + spec.parallelism() + " replicas of it, raise its parallelism (in the graph, or on a"
                            + " running deployment: sluice scale " + nodeId + " " + (instance + 1)
                            + "), or make it elastic (KafkaOptions.withElasticNodes, worker flag --elastic "
                            + nodeId + ") so that extra members can join it");
        }
        if (instance >= spec.parallelism()) {
            workers.add(new InstanceWorker(this, spec, instance)); // an extra member of an elastic node
        }
        for (int i = 0; i < spec.parallelism(); i++) {
            if (instance < 0 || i == instance) {
                workers.add(new InstanceWorker(this, spec, i));
            }
        }
        this.lifecycle = new Lifecycle(workers.size());
    }

    /**
     * Runs the node's instances until they end or the process is told to stop.
     *
     * @return the failure, if the node failed; {@code null} if it completed or was stopped
     */
    public NodeFailedException run() throws InterruptedException {
        requireTopics();
        List<Thread> threads =
                workers.stream().map(w -> new Thread(w, w.name())).toList();
        threads.forEach(Thread::start);
        try (KafkaProducer<byte[], byte[]> status = Clients.producer(options, spec.id() + "-status", null)) {
            while (!lifecycle.awaitPartsEnded(Duration.ofMillis(500))) {
                StatusBoard.publish(status, graph, workers, null);
            }
            StatusBoard.publish(
                    status, graph, workers, lifecycle.failureMessage().orElse(null));
            status.flush();
        }
        return lifecycle.failure().orElse(null);
    }

    /** What each instance of this process took and emitted, for its log: {@code instance 2: 1200 in, 1200 out}. */
    public List<String> counts() {
        return workers.stream()
                .map(w -> {
                    io.sluice.spi.NodeInstance instance = w.instance();
                    return "instance " + w.index() + ": " + (instance == null ? 0 : instance.itemsIn()) + " in, "
                            + (instance == null ? 0 : instance.itemsOut()) + " out";
                })
                .toList();
    }

    /**
     * A worker started on its own (in a container, say) needs the topics its deployment created. Asked of a consumer,
     * which never creates a topic and whose classes the worker shares with its other clients: an admin client's own
     * classes and thread cost each worker's start about 0.1 s of CPU, for one metadata request.
     */
    private void requireTopics() {
        List<String> mine = new ArrayList<>();
        graph.inbound(spec.id()).forEach(e -> mine.add(TopicPlan.outputTopic(graph.name(), e.from(), e.port())));
        spec.ports().forEach(port -> mine.add(TopicPlan.outputTopic(graph.name(), spec.id(), port)));
        java.util.Set<String> existing;
        try (KafkaConsumer<byte[], byte[]> reader = Clients.reader(options, spec.id() + "-topics")) {
            existing = reader.listTopics(options.timeout()).keySet();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw Topics.unreachable(options, e);
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException("Interrupted while checking the topics of node '" + spec.id() + "'");
        }
        List<String> missing = mine.stream().filter(t -> !existing.contains(t)).toList();
        if (!missing.isEmpty()) {
            throw new SluiceException("Node '" + spec.id() + "': topics " + missing + " do not exist on Kafka at '"
                    + options.bootstrapServers() + "'; deploy the graph first (it creates its topics), or create"
                    + " them as TopicPlan.of(graph, options).describe() lists");
        }
    }

    /** Stops the instances and waits for them, as on SIGTERM. */
    public void stop() throws InterruptedException {
        if (!lifecycle.cancel()) {
            return;
        }
        workers.forEach(InstanceWorker::wakeUp);
        lifecycle.awaitPartsEnded(options.timeout());
    }

    /** Ready for a readiness probe: running, or ended by completing rather than by failing or being stopped. */
    public boolean isReady() {
        return lifecycle.isRunning() || lifecycle.state() == io.sluice.DeploymentState.COMPLETED;
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
        return lifecycle.isRunning();
    }

    @Override
    public void fail(InstanceWorker worker, Throwable error) {
        if (lifecycle.fail(Lifecycle.failureOf(spec.id(), "worker '" + worker.name() + "'", error))) {
            workers.forEach(InstanceWorker::wakeUp);
        }
    }

    @Override
    public void workerFinished() {
        lifecycle.partEnded();
    }
}
