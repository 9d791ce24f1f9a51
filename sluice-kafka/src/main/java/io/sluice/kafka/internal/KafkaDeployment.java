package io.sluice.kafka.internal;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.DeploymentStatus;
import io.sluice.NodeFailedException;
import io.sluice.NodeSpec;
import io.sluice.ResultPage;
import io.sluice.StoreView;
import io.sluice.SystemType;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.TopicPlan;
import io.sluice.kafka.Workers;
import io.sluice.kafka.internal.StatusCodec.InstanceStatus;
import io.sluice.spi.Lifecycle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A graph running on Kafka with its workers as threads of this JVM: one thread per node instance, each with its own
 * consumer and producer, exactly as a worker process would run it.
 *
 * <p>State moves once from RUNNING to COMPLETED (every instance has ended its output), FAILED (the first failure,
 * which stops the other workers) or CANCELLED ({@link #close} first).
 */
final class KafkaDeployment implements Deployment, WorkerHost {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaDeployment.class);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final String id;
    private volatile ComputationalGraph graph; // with the nodes rescaled so far
    private final java.util.Map<String, Integer> rescaled = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, Rescaling> rescaling = new java.util.concurrent.ConcurrentHashMap<>();
    private final KafkaOptions options;
    private final TopicPlan plan;
    private final List<InstanceWorker> workers = new ArrayList<>();
    private final List<Supervisor> supervisors = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Lifecycle lifecycle;
    private final StatusView statusView; // process mode: the status the worker processes publish
    private final ResultsBook results;

    private KafkaDeployment(ComputationalGraph graph, KafkaOptions options, TopicPlan plan) {
        this.id = graph.name() + "-kafka-" + SEQUENCE.incrementAndGet();
        this.graph = graph;
        this.options = options;
        this.plan = plan;
        // One part per supervised process, or per worker thread.
        this.lifecycle = new Lifecycle(
                options.workers().mode() == Workers.Mode.PROCESSES
                        ? graph.nodes().size()
                        : graph.nodes().stream().mapToInt(NodeSpec::parallelism).sum());
        this.statusView = new StatusView(graph.name(), options);
        this.results = new ResultsBook(graph, options, this::completed);
    }

    /** A rescale under way: from how many instances to how many, and since when (epoch milliseconds). */
    private record Rescaling(int from, int to, long since) {}

    static KafkaDeployment start(ComputationalGraph compiled, KafkaOptions options) {
        TopicPlan plan = TopicPlan.of(compiled, options);
        Elastic.check(compiled, options);
        if (options.workers().mode() == Workers.Mode.PROCESSES) {
            WorkerOptions.requirePassable(options);
        }
        TopicAdmin.ensure(compiled, plan, options);
        ComputationalGraph graph = compiled;
        java.util.Map<String, Integer> remembered = options.onExisting() == io.sluice.kafka.OnExisting.CONTINUE
                ? Rescale.remembered(compiled, options)
                : java.util.Map.of();
        for (java.util.Map.Entry<String, Integer> node : remembered.entrySet()) {
            graph = Rescale.check(graph, plan, node.getKey(), node.getValue()); // as an earlier run rescaled it
        }
        KafkaDeployment deployment = new KafkaDeployment(graph, options, plan);
        deployment.rescaled.putAll(remembered);
        if (options.workers().mode() == Workers.Mode.PROCESSES) {
            for (NodeSpec spec : graph.nodes()) {
                Supervisor supervisor = new Supervisor(deployment, spec);
                deployment.supervisors.add(supervisor);
                deployment.threads.add(new Thread(supervisor, supervisor.name()));
            }
        } else {
            for (NodeSpec spec : graph.nodes()) {
                for (int i = 0; i < spec.parallelism(); i++) {
                    InstanceWorker worker = new InstanceWorker(deployment, spec, i);
                    deployment.workers.add(worker);
                    deployment.threads.add(new Thread(worker, worker.name()));
                }
            }
        }
        if (!deployment.workers.isEmpty()) {
            Thread publisher = new Thread(deployment::publishStatus, "sluice-" + graph.name() + "-status");
            publisher.setDaemon(true);
            publisher.start();
        }
        deployment.threads.forEach(Thread::start);
        LOG.debug(
                "Deployed {} on Kafka at {} with workers as {}",
                deployment.id,
                options.bootstrapServers(),
                options.workers().mode());
        return deployment;
    }

    @Override
    public String id() {
        return id;
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
        failed(Lifecycle.failureOf(worker.spec().id(), "worker '" + worker.name() + "'", error));
    }

    /** A worker process reported its node failed, or could not be kept alive. */
    void failNode(String nodeId, String message) {
        failed(new NodeFailedException(nodeId, message, null));
    }

    private void failed(NodeFailedException failure) {
        if (lifecycle.fail(failure)) {
            LOG.error("Deployment {} failed: {}", id, failure.getMessage(), failure.getCause());
            stopWorkers();
        }
    }

    @Override
    public void workerFinished() {
        lifecycle.partEnded();
    }

    /** Worker threads: this JVM reads their counters to compare nodes. */
    @Override
    public boolean readsCountersLive() {
        return supervisors.isEmpty();
    }

    private void stopWorkers() {
        workers.forEach(InstanceWorker::wakeUp);
        supervisors.forEach(s -> s.stop(options.timeout()));
        Thread self = Thread.currentThread();
        threads.stream().filter(t -> t != self).forEach(Thread::interrupt);
    }

    /** Publishes the workers' status every half second while they run, and once more when they have ended. */
    private void publishStatus() {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(options, id + "-status", null)) {
            boolean ended = false;
            while (!ended) {
                ended = lifecycle.awaitPartsEnded(Duration.ofMillis(500));
                StatusBoard.publish(
                        producer, graph, workers, lifecycle.failureMessage().orElse(null));
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn(
                    "Deployment {}: status no longer published to {}: {}",
                    id,
                    TopicPlan.statusTopic(graph.name()),
                    e.toString());
        }
    }

    /**
     * Stops the node's worker process, waits until it is gone, fences the transactional ids of its instances, and
     * starts it again with {@code parallelism} instances; every worker launched from now on — this node's and the
     * others', restarted after a crash — is told the new parallelism, and it is kept in the positions topic for a
     * deployment continued later. One rescale at a time.
     */
    @Override
    public synchronized void scale(String nodeId, int parallelism) {
        ComputationalGraph before = graph;
        int from = before.node(nodeId).parallelism();
        ComputationalGraph after = Rescale.check(before, plan, nodeId, parallelism);
        if (supervisors.isEmpty()) {
            throw new io.sluice.SluiceException("Node '" + nodeId + "': deployment '" + id + "' runs its workers as"
                    + " threads of this JVM, which cannot be rescaled yet; deploy with worker processes"
                    + " (Workers.processes) to rescale a running node");
        }
        if (!isRunning()) {
            throw new io.sluice.SluiceException("Node '" + nodeId + "': deployment '" + id + "' is " + lifecycle.state()
                    + "; only a running deployment can be rescaled");
        }
        if (from == parallelism) {
            return;
        }
        Supervisor supervisor = supervisors.stream()
                .filter(s -> s.node().equals(nodeId))
                .findFirst()
                .orElseThrow();
        rescaling.put(nodeId, new Rescaling(from, parallelism, Long.MAX_VALUE)); // no new instance has started
        LOG.info("Deployment {}: rescaling node '{}' from {} to {} instances", id, nodeId, from, parallelism);
        try {
            supervisor.hold(options.timeout());
            Rescale.fence(before, options, nodeId, from);
            Rescale.forgetInstances(before, options, nodeId, parallelism, from);
            Rescale.remember(before, options, nodeId, parallelism);
            rescaled.put(nodeId, parallelism);
            graph = after;
            rescaling.put(nodeId, new Rescaling(from, parallelism, System.currentTimeMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.sluice.SluiceException("Node '" + nodeId + "': interrupted while rescaling it from " + from
                    + " to " + parallelism + " instances; it runs again with "
                    + graph.node(nodeId).parallelism());
        } finally {
            supervisor.release(); // with the new parallelism, or the old one if the move failed
        }
    }

    /** {@code count=5,enrich=3}: the nodes rescaled so far, for every worker process launched. */
    String parallelismFlag() {
        return Rescale.flag(rescaled);
    }

    @Override
    public DeploymentState awaitTermination(Duration timeout) throws InterruptedException {
        return lifecycle.awaitTermination(timeout);
    }

    @Override
    public Optional<NodeFailedException> failure() {
        return lifecycle.failure();
    }

    @Override
    public void close() {
        lifecycle.cancel();
        stopWorkers();
        long deadline = System.nanoTime() + options.timeout().toNanos();
        for (Thread thread : threads) {
            try {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    thread.join(Duration.ofNanos(left));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (thread.isAlive()) {
                LOG.warn("Deployment {}: worker '{}' did not stop within {}", id, thread.getName(), options.timeout());
            }
        }
        statusView.close();
        results.close();
        if (options.deleteTopicsOnClose()) {
            try (Admin admin = Clients.admin(options)) {
                Topics.deleteAll(admin, graph, plan, options.timeout());
            } catch (Exception e) {
                LOG.warn(
                        "Deployment {}: could not delete the topics of graph '{}': {}", id, graph.name(), e.toString());
            }
        }
    }

    /**
     * With workers as threads, their counters read downstream first ({@link StatusBoard#snapshot}); with worker
     * processes, what they last published, read to the end of the status topic.
     *
     * @throws io.sluice.kafka.StaleStatusException if worker processes' status cannot be read to the end of the topic
     *     within {@link KafkaOptions#timeout()}
     */
    @Override
    public DeploymentStatus status() {
        ComputationalGraph current = graph;
        Collection<InstanceStatus> instances = supervisors.isEmpty()
                ? StatusBoard.snapshot(current, workers, null)
                : statusView.read(options.timeout()).values();
        DeploymentStatus status = StatusBoard.summarize(
                        id, current, lifecycle.state(), instances, lifecycle.failureMessage(), options.elasticNodes())
                .withWorkers(supervisors.stream().map(Supervisor::status).toList());
        return rescalingShown(status, instances);
    }

    /**
     * The status with each node under a rescale showing the move, until every new instance has published a status
     * since its workers were started again.
     */
    private DeploymentStatus rescalingShown(DeploymentStatus status, Collection<InstanceStatus> instances) {
        if (rescaling.isEmpty()) {
            return status;
        }
        java.util.Map<String, io.sluice.NodeStatus> nodes = new java.util.LinkedHashMap<>(status.nodes());
        rescaling.forEach((node, move) -> {
            long started = instances.stream()
                    .filter(s -> s.node().equals(node) && s.instance() < move.to() && s.heartbeat() > move.since())
                    .filter(s -> s.state() != io.sluice.NodeState.CREATED)
                    .count();
            if (started >= move.to() || !isRunning()) {
                rescaling.remove(node, move);
            } else {
                nodes.computeIfPresent(node, (n, s) -> s.rescaling(move.from(), move.to()));
            }
        });
        return status.withNodes(nodes);
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

    @Override
    public String toString() {
        return "KafkaDeployment[" + id + ", " + lifecycle.state() + "]";
    }

    /** Whether the deployment completed: every worker wrote and committed all, so reads may go past the stable end. */
    private boolean completed() {
        return lifecycle.state() == DeploymentState.COMPLETED;
    }
}
