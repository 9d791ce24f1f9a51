package io.sluice.internal.local;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.DeploymentStatus;
import io.sluice.LocalOptions;
import io.sluice.NodeFailedException;
import io.sluice.NodeSpec;
import io.sluice.NodeState;
import io.sluice.NodeStatus;
import io.sluice.ResultPage;
import io.sluice.StoreView;
import io.sluice.SystemType;
import io.sluice.spi.Lifecycle;
import io.sluice.spi.StoreQueries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A graph running in this JVM. In multi-thread mode every task has a thread of its own from the start, one of the
 * {@link TaskThreads} kept across deployments; in
 * single-thread mode the tasks advance, in topological order, only on the thread that calls {@link
 * #awaitCompletion}.
 *
 * <p>State moves once from RUNNING to COMPLETED (every task finished), FAILED (the first node failure, which stops
 * the other tasks) or CANCELLED ({@link #close} first).
 */
final class LocalDeployment implements Deployment {

    private static final Logger LOG = LoggerFactory.getLogger(LocalDeployment.class);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final String id;
    private final ComputationalGraph graph;
    private final LocalOptions options;
    private final ResultStore results;
    private final LocalPlan plan;
    private final List<TaskThreads.Running> running = new ArrayList<>(); // multi-thread mode
    private final Lifecycle lifecycle;

    private final Object driving = new Object(); // single-thread mode: one thread drives at a time
    private boolean opened; // single-thread mode: tasks opened, guarded by driving

    private LocalDeployment(ComputationalGraph graph, LocalOptions options) {
        this.id = graph.name() + "-local-" + SEQUENCE.incrementAndGet();
        this.graph = graph;
        this.options = options;
        this.results = new ResultStore(options.keptResults());
        this.plan = LocalPlan.build(graph, options, results::add);
        this.lifecycle = new Lifecycle(plan.tasks.size());
    }

    static LocalDeployment start(ComputationalGraph graph, LocalOptions options) {
        LocalDeployment deployment = new LocalDeployment(graph, options);
        if (options.mode() == LocalOptions.Mode.MULTI_THREAD) {
            // Every task is listed before any runs: a task that fails at once interrupts all the others.
            synchronized (deployment.running) {
                for (Task task : deployment.plan.tasks) {
                    deployment.running.add(TaskThreads.SHARED.start(task.name, () -> deployment.run(task)));
                }
            }
        }
        LOG.debug("Deployed {} as {} tasks ({} mode)", deployment.id, deployment.plan.tasks.size(), options.mode());
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
        return SystemType.LOCAL;
    }

    // ---- multi-thread mode: one thread per task ----

    private void run(Task task) {
        NodeState end = NodeState.COMPLETED;
        try {
            task.open();
            if (task.isSource()) {
                while (lifecycle.isRunning() && !task.sourceDone()) {
                    if (!task.sourceRound(System.nanoTime())) {
                        task.idle();
                    }
                    if (task.nextTickNanos() != Long.MAX_VALUE) {
                        task.tickDue(System.nanoTime());
                    }
                }
            } else {
                boolean ended = false;
                while (!ended) {
                    long nextTick = task.nextTickNanos();
                    long timeout = nextTick == Long.MAX_VALUE ? -1 : Math.max(0, nextTick - System.nanoTime());
                    Object[] batch = task.input.pollNow();
                    if (batch == null) {
                        task.handOver(); // nothing more at hand: what the task gathered goes before it waits
                        batch = task.input.poll(timeout);
                    }
                    ended = batch != null && task.process(batch);
                    if (nextTick != Long.MAX_VALUE) {
                        task.tickDue(System.nanoTime());
                    }
                }
            }
            if (!lifecycle.isRunning()) {
                throw Cancelled.INSTANCE;
            }
            task.finish();
        } catch (Cancelled e) {
            end = NodeState.CANCELLED;
        } catch (Throwable e) {
            end = NodeState.CANCELLED;
            fail(task, e);
        } finally {
            Throwable closing = task.close(end);
            if (closing != null && end == NodeState.COMPLETED) {
                fail(task, closing);
            }
            taskClosed();
        }
    }

    // ---- single-thread mode: the caller drives every task ----

    private boolean drive(long deadlineNanos) {
        List<Task> tasks = plan.tasks;
        List<Task> open = new ArrayList<>(tasks);
        try {
            if (!opened) {
                opened = true;
                for (Task task : tasks) {
                    task.open();
                }
            }
            open.removeIf(t -> !t.isOpen());
            while (!open.isEmpty() && lifecycle.isRunning()) {
                boolean pulled = false;
                for (Task task : open) {
                    if (task.isSource() && task.isOpen()) {
                        pulled |= task.sourceRound(System.nanoTime());
                        drain(open);
                        if (task.sourceDone()) {
                            finish(task);
                            drain(open);
                        }
                    }
                }
                long now = System.nanoTime();
                long nextTick = Long.MAX_VALUE;
                for (Task task : open) {
                    if (task.isOpen()) {
                        task.tickDue(now);
                        nextTick = Math.min(nextTick, task.nextTickNanos());
                    }
                }
                drain(open);
                open.removeIf(t -> !t.isOpen());
                if (open.isEmpty()) {
                    break;
                }
                if (now - deadlineNanos >= 0) {
                    return false;
                }
                if (!pulled) {
                    // Only timers can make progress now: wait for the next one, or the deadline.
                    long wait = Math.min(deadlineNanos, nextTick) - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Throwable e) {
            fail(taskOf(e), e);
            closeAll(NodeState.CANCELLED);
        }
        return lifecycle.state() == DeploymentState.COMPLETED;
    }

    /** The task whose node threw {@code e}: the task on the driving thread when the node is not known. */
    private Task taskOf(Throwable e) {
        if (e instanceof NodeFailedException f) {
            for (Task task : plan.tasks) {
                for (Operator operator : task.operators) {
                    if (operator.nodeId.equals(f.nodeId()) && operator.state == NodeState.RUNNING) {
                        return task;
                    }
                }
            }
        }
        return plan.tasks.get(0);
    }

    /** Processes everything waiting in every queue; one pass suffices, as tasks are in topological order. */
    private void drain(List<Task> open) {
        for (Task task : open) {
            if (task.isSource() || !task.isOpen()) {
                continue;
            }
            Object[] batch;
            while ((batch = task.input.pollNow()) != null) {
                if (task.process(batch)) {
                    finish(task);
                    break;
                }
            }
            if (task.isOpen()) {
                task.handOver(); // the tasks downstream drain next
            }
        }
    }

    private void finish(Task task) {
        task.finish();
        Throwable closing = task.close(NodeState.COMPLETED);
        if (closing != null) {
            fail(task, closing);
        }
        taskClosed();
    }

    private void closeAll(NodeState finalState) {
        for (Task task : plan.tasks) {
            if (!task.isClosed()) {
                task.close(finalState);
                taskClosed();
            }
        }
    }

    // ---- state ----

    /** On the failing task's thread: its counters are published before anyone can see the deployment failed. */
    private void fail(Task task, Throwable error) {
        task.publish();
        NodeFailedException nodeFailure = Lifecycle.failureOf(task.head.nodeId, "task '" + task.name + "'", error);
        for (Operator operator : task.operators) {
            if (operator.nodeId.equals(nodeFailure.nodeId())) {
                operator.state = NodeState.FAILED;
            }
        }
        if (lifecycle.fail(nodeFailure)) {
            LOG.error("Deployment {} failed: {}", id, nodeFailure.getMessage(), nodeFailure.getCause());
            interruptAll();
        }
    }

    private void taskClosed() {
        lifecycle.partEnded();
    }

    private void interruptAll() {
        synchronized (running) {
            for (TaskThreads.Running task : running) {
                if (!task.isCurrent()) {
                    task.interrupt();
                }
            }
        }
    }

    @Override
    public DeploymentState awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (options.mode() == LocalOptions.Mode.SINGLE_THREAD) {
            synchronized (driving) {
                if (lifecycle.isRunning()) {
                    drive(deadline);
                }
            }
        }
        return lifecycle.awaitTermination(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    @Override
    public Optional<NodeFailedException> failure() {
        return lifecycle.failure();
    }

    @Override
    public void close() {
        lifecycle.cancel();
        if (options.mode() == LocalOptions.Mode.SINGLE_THREAD) {
            // A driving thread sees the state change at its next round and lets go.
            synchronized (driving) {
                closeAll(NodeState.CANCELLED);
            }
            return;
        }
        interruptAll();
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        List<TaskThreads.Running> tasks;
        synchronized (running) {
            tasks = List.copyOf(running);
        }
        for (TaskThreads.Running task : tasks) {
            if (task.isCurrent()) {
                continue; // a task closing its own deployment ends when it returns
            }
            boolean ended;
            try {
                ended = task.await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (!ended) {
                LOG.warn(
                        "Deployment {}: task '{}' did not stop within {}; it may be blocked in a call that ignores"
                                + " interruption, such as a read of standard input",
                        id,
                        task.name(),
                        STOP_WAIT);
            }
        }
    }

    // ---- queries ----

    @Override
    public DeploymentStatus status() {
        // Read downstream first: counters only grow and a batch is counted out before it leaves its producer, so no
        // node shows more items in than its upstream shows out.
        Map<String, NodeStatus> read = new HashMap<>();
        List<String> order = graph.topologicalOrder();
        for (int i = order.size() - 1; i >= 0; i--) {
            read.put(order.get(i), nodeStatus(graph.node(order.get(i))));
        }
        Map<String, NodeStatus> nodes = new LinkedHashMap<>();
        for (NodeSpec spec : graph.nodes()) {
            nodes.put(spec.id(), read.get(spec.id()));
        }
        return new DeploymentStatus(
                id,
                SystemType.LOCAL,
                lifecycle.state(),
                nodes,
                lifecycle.failureMessage(),
                Optional.ofNullable(plan.tracking).map(Tracking::snapshot));
    }

    private NodeStatus nodeStatus(NodeSpec spec) {
        long in = 0;
        long out = 0;
        long errors = 0;
        long queued = 0;
        long last = 0;
        List<NodeState> states = new ArrayList<>();
        for (Operator operator : plan.operatorsByNode.get(spec.id())) {
            in += operator.seenIn;
            out += operator.seenOut;
            errors += operator.seenErrors;
            last = Math.max(last, operator.lastActivityMillis);
            states.add(operator.state);
        }
        for (Task task : plan.tasks) {
            if (task.head.nodeId.equals(spec.id()) && task.input != null) {
                queued += task.input.depth();
            }
        }
        return new NodeStatus(
                spec.id(),
                spec.kind(),
                NodeState.summarize(states),
                spec.parallelism(),
                in,
                out,
                errors,
                queued,
                last == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(last)));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> List<T> results(String endNodeId) {
        graph.endNode(endNodeId);
        return (List<T>) results.snapshot(endNodeId);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> ResultPage<T> results(String endNodeId, long from, int limit) {
        graph.endNode(endNodeId);
        ResultPage.check(from, limit);
        return (ResultPage<T>) results.page(endNodeId, from, limit);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> ResultPage<T> latestResults(String endNodeId, int limit) {
        graph.endNode(endNodeId);
        ResultPage.check(0, limit);
        return (ResultPage<T>) results.latest(endNodeId, limit);
    }

    /** The instances' own stores, read live: values as the nodes last wrote them, during the run and after it. */
    @Override
    public StoreView store(String nodeId, String store) {
        graph.store(nodeId, store);
        LiveStores live = new LiveStores(plan.operatorsByNode.get(nodeId), store);
        return StoreQueries.view(nodeId, store, keys -> live);
    }

    @Override
    public String toString() {
        return "LocalDeployment[" + id + ", " + lifecycle.state() + "]";
    }
}
