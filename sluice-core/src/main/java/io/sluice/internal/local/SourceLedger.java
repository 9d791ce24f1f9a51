package io.sluice.internal.local;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * The books of one tracked source instance: how many trees it opened, how many settled and how, and the trees that
 * failed and wait to be replayed or given up. A checkpoint waits until none is in flight ({@link #inFlight}).
 *
 * <p>Everything but the settle counters and the failed queue belongs to the source's task thread.
 */
final class SourceLedger {

    final String node;
    final int instance;

    private long introduced;
    private volatile long seenIntroduced;
    private final LongAdder completed = new LongAdder();
    private long completedHere; // trees the source task settled itself
    private volatile long seenCompletedHere;
    private final LongAdder failed = new LongAdder();
    private volatile long replays;
    private volatile long deadLettered;

    /** Trees that settled with a failure, from whichever task released them last. */
    private final ConcurrentLinkedQueue<Root> settledFailed = new ConcurrentLinkedQueue<>();

    /** Trees waiting out their back-off before a replay. */
    private final PriorityQueue<Root> delayed = new PriorityQueue<>(Comparator.comparingLong(r -> r.dueNanos));

    SourceLedger(String node, int instance) {
        this.node = node;
        this.instance = instance;
    }

    // ---- source task ----

    /** Counts a tree opened; its {@link Root} is made by {@link #root} only if the tree needs one. */
    void opened() {
        introduced++;
    }

    /** The root of a tree already counted {@linkplain #opened opened}. */
    Root root(Object item) {
        return new Root(this, item);
    }

    /** An empty burst for trees already counted {@linkplain #opened opened} to {@linkplain Root#join join}. */
    Root burst() {
        return Root.burst(this);
    }

    /** Counts {@code trees} that never needed a root settled by the source task, with the batch that held them. */
    void completedHere(int trees) {
        completedHere += trees;
    }

    /** Makes the source thread's counts visible to status. */
    void publish() {
        seenIntroduced = introduced;
        seenCompletedHere = completedHere;
    }

    /** Trees opened and not yet settled. */
    long inFlight() {
        return introduced - completedHere - completed.sum() - failed.sum();
    }

    boolean hasSettledFailures() {
        return !settledFailed.isEmpty();
    }

    Root pollFailed() {
        return settledFailed.poll();
    }

    void delay(Root root, long dueNanos) {
        root.dueNanos = dueNanos;
        delayed.add(root);
        replays++;
    }

    /** The next replay that is due at {@code nowNanos}, if any. */
    Root pollDue(long nowNanos) {
        Root next = delayed.peek();
        if (next != null && nowNanos - next.dueNanos >= 0) {
            return delayed.poll();
        }
        return null;
    }

    long nextDueNanos() {
        Root next = delayed.peek();
        return next == null ? Long.MAX_VALUE : next.dueNanos;
    }

    void deadLettered() {
        deadLettered++;
    }

    /** Gives a tree up with no dead-letter output to go through. */
    void giveUp(Root root) {
        failed.increment();
    }

    // ---- any task ----

    /** The last hold on {@code root} was released. */
    void settle(Root root) {
        if (root.isBurst()) {
            int failures = root.settleMembers(settledFailed::add);
            completed.add(root.size() - failures);
        } else if (root.givingUp) {
            giveUp(root);
        } else if (root.failedThisAttempt()) {
            settledFailed.add(root);
        } else {
            completed.increment();
        }
    }

    /** The source task released the last hold on a tree no other task saw. */
    void settleUnshared(Root root) {
        if (root.givingUp || root.failedThisAttempt()) {
            settle(root);
        } else {
            completedHere++;
        }
    }

    // ---- status ----

    long introduced() {
        return seenIntroduced;
    }

    long completed() {
        return completed.sum() + seenCompletedHere;
    }

    long failed() {
        return failed.sum();
    }

    long replays() {
        return replays;
    }

    long deadLetteredCount() {
        return deadLettered;
    }
}
