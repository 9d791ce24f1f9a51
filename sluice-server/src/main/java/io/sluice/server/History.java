package io.sluice.server;

import static io.sluice.server.Json.ordered;

import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.DeploymentStatus;
import io.sluice.ItemTracking;
import io.sluice.NodeSpec;
import io.sluice.NodeStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/history}: the last minutes of every node's figures, sampled by the server on a timer, so that a page
 * opened late still draws how they moved.
 *
 * <p>The samples live in a ring of a fixed number of slots, allocated whole when the server starts — primitive arrays,
 * one per node and figure — and a new sample overwrites the oldest once the ring is full: memory stays the same
 * however long the deployment runs. Samples are numbered from 0 for the life of the server, so a client asks for what
 * it has not seen yet with {@code ?from=N}, as it pages results.
 *
 * <p>One thread samples: one status reading per sample, taken outside the lock; readers copy what they ask for under
 * it. Rates are the change of a counter between two consecutive samples over the time that really passed between
 * them. A rate that cannot be known is left empty ({@code null}): the first sample, and a counter that went back (a
 * KAFKA worker restarted from its last commit reports what it had then). A status that cannot be read (on KAFKA, a
 * slow status topic) is a sample skipped, not a sample of zeros. Sampling stops after the first sample that finds the
 * deployment ended, so the ring keeps the last minutes of the run rather than minutes of nothing after it.
 */
final class History implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(History.class);

    private final Deployment deployment;
    private final long intervalMillis;
    private final int capacity;
    private final List<String> nodes;
    private final boolean tracked;
    private final ScheduledExecutorService timer;

    // The ring, guarded by this: sample number s sits in slot s % capacity; the latest `size` samples are kept.
    private final long[] times;
    private final double[][] itemsInPerSecond;
    private final double[][] itemsOutPerSecond;
    private final double[][] errorsPerSecond;
    private final long[][] queueDepth;
    private final double[] completedPerSecond;
    private final double[] failedPerSecond;
    private final long[] pending;
    private long next;
    private int size;

    // The counters of the sample before, for rates (-1: not known), guarded by this.
    private final long[] lastIn;
    private final long[] lastOut;
    private final long[] lastErrors;
    private long lastCompleted = -1;
    private long lastFailed = -1;
    private long lastNanos;

    private volatile boolean sampling = true;
    private boolean failing; // the timer thread's: whether the last status read failed, so a run of failures logs once

    /**
     * @param intervalMillis the time between samples
     * @param capacity how many samples the ring keeps
     */
    History(Deployment deployment, long intervalMillis, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("History capacity: must be ≥ 1, found " + capacity);
        }
        this.deployment = deployment;
        this.intervalMillis = intervalMillis;
        this.capacity = capacity;
        this.nodes = deployment.graph().nodes().stream().map(NodeSpec::id).toList();
        this.tracked = deployment.graph().robustness().tracks();
        int n = nodes.size();
        this.times = new long[capacity];
        this.itemsInPerSecond = new double[n][capacity];
        this.itemsOutPerSecond = new double[n][capacity];
        this.errorsPerSecond = new double[n][capacity];
        this.queueDepth = new long[n][capacity];
        this.completedPerSecond = new double[capacity];
        this.failedPerSecond = new double[capacity];
        this.pending = new long[capacity];
        this.lastIn = new long[n];
        this.lastOut = new long[n];
        this.lastErrors = new long[n];
        Arrays.fill(lastIn, -1);
        Arrays.fill(lastOut, -1);
        Arrays.fill(lastErrors, -1);
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("sluice-server-history").daemon().factory());
    }

    /** Starts sampling: one sample now, then one every interval. */
    void start() {
        timer.scheduleAtFixedRate(this::tick, 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** The timer's task. An exception here would end the schedule silently, so nothing leaves it but the JVM's own. */
    private void tick() {
        try {
            sample();
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.warn("The dashboard's history skips samples while the status cannot be read: {}", e.toString());
            }
            failing = true;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            sampling = false;
            timer.shutdown();
            LOG.error("The dashboard's history stopped sampling", t);
        }
    }

    /**
     * Takes one sample of the deployment's status now; after the first that finds the deployment ended, stops.
     *
     * @throws RuntimeException whatever reading the status throws; nothing is recorded then
     */
    void sample() {
        DeploymentStatus status = deployment.status();
        failing = false;
        record(System.currentTimeMillis(), System.nanoTime(), status);
        if (status.state() != DeploymentState.RUNNING) {
            sampling = false;
            timer.shutdown();
        }
    }

    /** Records {@code status} as the sample taken at {@code epochMillis} (and {@code nanos}, for rates). */
    synchronized void record(long epochMillis, long nanos, DeploymentStatus status) {
        int slot = (int) (next % capacity);
        double seconds = (nanos - lastNanos) / 1e9;
        times[slot] = epochMillis;
        for (int n = 0; n < nodes.size(); n++) {
            NodeStatus node = status.nodes().get(nodes.get(n));
            long in = node == null ? -1 : node.itemsIn();
            long out = node == null ? -1 : node.itemsOut();
            long errors = node == null ? -1 : node.errors();
            itemsInPerSecond[n][slot] = rate(in, lastIn[n], seconds);
            itemsOutPerSecond[n][slot] = rate(out, lastOut[n], seconds);
            errorsPerSecond[n][slot] = rate(errors, lastErrors[n], seconds);
            queueDepth[n][slot] = node == null ? -1 : node.queueDepth();
            lastIn[n] = in;
            lastOut[n] = out;
            lastErrors[n] = errors;
        }
        ItemTracking tracking = status.tracking().orElse(null);
        long completed = tracking == null ? -1 : tracking.completed();
        long failed = tracking == null ? -1 : tracking.failed();
        completedPerSecond[slot] = rate(completed, lastCompleted, seconds);
        failedPerSecond[slot] = rate(failed, lastFailed, seconds);
        pending[slot] = tracking == null ? -1 : tracking.pending();
        lastCompleted = completed;
        lastFailed = failed;
        lastNanos = nanos;
        next++;
        size = Math.min(size + 1, capacity);
    }

    /** Per second, to two decimals; NaN where it cannot be known. */
    private static double rate(long now, long before, double seconds) {
        if (now < 0 || before < 0 || now < before || seconds <= 0) {
            return Double.NaN;
        }
        return Math.round((now - before) / seconds * 100) / 100.0;
    }

    /** Samples held now: at most the capacity. */
    synchronized int size() {
        return size;
    }

    /** Samples taken so far: the number the next one will get. */
    synchronized long next() {
        return next;
    }

    /** Whether samples are still being taken: false once one found the deployment ended, or the server closed. */
    boolean sampling() {
        return sampling;
    }

    /**
     * The samples held from number {@code from} on ({@code from} ≤ 0: all of them), as {@code GET /api/history}
     * answers: a copy, column by column, with {@code first} (the number of the first sample returned; beyond {@code
     * from} when older ones were let go) and {@code next} (the {@code from} of the next call).
     */
    synchronized Map<String, Object> view(long from) {
        long first = Math.min(next, Math.max(from, next - size));
        int count = (int) (next - first);
        List<Long> timeList = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            timeList.add(times[slot(first + i)]);
        }
        Map<String, Object> byNode = new LinkedHashMap<>();
        for (int n = 0; n < nodes.size(); n++) {
            byNode.put(
                    nodes.get(n),
                    ordered(
                            "itemsInPerSecond", rates(itemsInPerSecond[n], first, count),
                            "itemsOutPerSecond", rates(itemsOutPerSecond[n], first, count),
                            "errorsPerSecond", rates(errorsPerSecond[n], first, count),
                            "queueDepth", gauge(queueDepth[n], first, count)));
        }
        Map<String, Object> tracking = tracked
                ? ordered(
                        "completedPerSecond", rates(completedPerSecond, first, count),
                        "failedPerSecond", rates(failedPerSecond, first, count),
                        "pending", gauge(pending, first, count))
                : null;
        return ordered(
                "deployment", deployment.id(),
                "interval", intervalMillis,
                "capacity", capacity,
                "sampling", sampling,
                "first", first,
                "next", next,
                "times", timeList,
                "nodes", byNode,
                "tracking", tracking);
    }

    private int slot(long sample) {
        return (int) (sample % capacity);
    }

    private List<Double> rates(double[] column, long first, int count) {
        List<Double> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            double value = column[slot(first + i)];
            values.add(Double.isNaN(value) ? null : value);
        }
        return values;
    }

    private List<Long> gauge(long[] column, long first, int count) {
        List<Long> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long value = column[slot(first + i)];
            values.add(value < 0 ? null : value);
        }
        return values;
    }

    /** Stops sampling; what was sampled can still be read. */
    @Override
    public void close() {
        sampling = false;
        timer.shutdownNow();
    }
}
