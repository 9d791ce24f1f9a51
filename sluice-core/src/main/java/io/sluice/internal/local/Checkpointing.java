package io.sluice.internal.local;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator of a LOCAL deployment's checkpoints: aligned snapshots in the manner of Flink's barriers, made
 * simple by quiescing the sources.
 *
 * <p>When a checkpoint is due, the first source task to notice asks for it ({@link #requestIfDue}). Every source task
 * then stops pulling — under tracking it also waits until no tree it opened is in flight, replaying meanwhile —
 * takes its part (its position, the store changes of its chain) and sends a barrier on all its channels. A task
 * passes the barrier once it has one from every channel still open into it; as the sources are paused, no item
 * follows a barrier, so nothing needs holding back. It takes its part at that moment, on its own thread, and sends the
 * barrier on. A task that ends instead (its inputs all ended before their barriers) hands in its final part. When
 * every task has passed or ended, the one that completes the count writes the parts as one checkpoint ({@link
 * Checkpoints}) and the sources resume. A task that has passed the barrier does not tick until then, so that nothing
 * it emits can reach a task still waiting for the barrier.
 *
 * <p>The state of a checkpoint is thus exactly what the items before the sources' positions made of it.
 * Thread-safe: the sources read {@link #requested} and {@link #completed} once per pull, and everything else runs
 * under this object's lock, once per task per checkpoint.
 */
final class Checkpointing {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpointing.class);

    private final Checkpoints checkpoints;
    private final long intervalNanos;
    private final int tasks;
    private List<Task> sources = List.of();

    /** The last checkpoint asked for; once it is above {@link #completed}, sources stop at their next pull. */
    private volatile long requested;

    /** The last checkpoint written; sources that passed it resume. */
    private volatile long completed;

    private volatile long nextDueNanos;
    private long requestedNanos; // guarded by this: when the checkpoint under way was asked for
    private int passed; // guarded by this: tasks that passed the barrier of the checkpoint under way
    private int ended; // guarded by this: tasks that ended, in this run or (restored) an earlier one
    private Checkpoints.Delta pending = new Checkpoints.Delta(); // guarded by this

    Checkpointing(Checkpoints checkpoints, long intervalNanos, int tasks, int restoredEnded) {
        this.checkpoints = checkpoints;
        this.intervalNanos = intervalNanos;
        this.tasks = tasks;
        this.ended = restoredEnded;
        this.nextDueNanos = System.nanoTime(); // the first checkpoint is taken before the first pull
    }

    Checkpoints checkpoints() {
        return checkpoints;
    }

    /** The source tasks to wake when a checkpoint completes. */
    void sources(List<Task> sources) {
        this.sources = List.copyOf(sources);
    }

    long requested() {
        return requested;
    }

    long completed() {
        return completed;
    }

    /** Asks for a checkpoint if one is due and none is under way; returns the last one asked for. */
    long requestIfDue(long nowNanos) {
        long asked = requested;
        if (asked != completed || nowNanos - nextDueNanos < 0) {
            return asked;
        }
        synchronized (this) {
            if (requested == completed && nowNanos - nextDueNanos >= 0 && ended < tasks) {
                passed = 0;
                requestedNanos = nowNanos;
                requested = completed + 1;
            }
            return requested;
        }
    }

    /** {@code task} passed the barrier of the checkpoint under way, with its part of it. */
    synchronized void passed(Checkpoints.Delta part) {
        pending.add(part);
        passed++;
        completeIfEveryTaskPassed();
    }

    /** A task ended with its final part; the last one to end writes the final checkpoint. */
    synchronized void ended(Checkpoints.Delta part) {
        pending.add(part);
        ended++;
        if (ended == tasks) {
            write();
            completed = requested;
        } else {
            completeIfEveryTaskPassed();
        }
    }

    private void completeIfEveryTaskPassed() {
        if (requested > completed && passed + ended == tasks) {
            write();
            nextDueNanos = System.nanoTime() + intervalNanos;
            completed = requested;
            for (Task source : sources) {
                Thread thread = source.thread;
                if (thread != null) {
                    LockSupport.unpark(thread);
                }
            }
        }
    }

    private void write() {
        Checkpoints.Delta parts = pending;
        pending = new Checkpoints.Delta();
        long passedNanos = System.nanoTime();
        Checkpoints.Written written = checkpoints.write(checkpoints.number() + 1, parts);
        if (LOG.isDebugEnabled()) {
            long now = System.nanoTime();
            LOG.debug(
                    "Checkpoint {} in {}: barriers passed in {} µs, written in {} µs ({} record of {} bytes)",
                    checkpoints.number(),
                    checkpoints.file(),
                    requested > completed ? TimeUnit.NANOSECONDS.toMicros(passedNanos - requestedNanos) : 0,
                    TimeUnit.NANOSECONDS.toMicros(now - passedNanos),
                    written.full() ? "full" : "delta",
                    written.bytes());
        }
    }
}
