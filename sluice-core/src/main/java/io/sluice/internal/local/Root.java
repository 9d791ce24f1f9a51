package io.sluice.internal.local;

import io.sluice.ItemFailure;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The root of one tuple tree: a source item and the count of its descendants still to process.
 *
 * <p>The count starts at one, held by the task that processes the item. A task that hands a descendant to another
 * task adds one before the hand-off is visible, and every task releases its hold once the batch that held the item is
 * done and its end nodes flushed. The tree is settled when the count reaches zero: completed if nothing failed,
 * otherwise handed back to its source for replay or to be given up.
 */
final class Root {

    private static final VarHandle PENDING;

    static {
        try {
            PENDING = MethodHandles.lookup().findVarHandle(Root.class, "pending", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final SourceLedger ledger;
    final Object item;

    // Only through PENDING's atomic operations once shared; the first value is published with the first hand-off.
    // Not volatile: a volatile write in the constructor would cost a fence per item.
    @SuppressWarnings("unused")
    private int pending = 1;

    /** Which attempt is under way, 1 for the first; written by the source task before each attempt. */
    int attempt = 1;

    /** When a replay is due; source task only. */
    long dueNanos;

    /**
     * Whether a descendant was handed to another task. Until then only the source task knows the root, which can
     * settle it without atomic operations. Written by the source task before the hand-off becomes visible.
     */
    boolean shared;

    /** Set once the item is given up: the last hold released makes it failed, not retried. */
    volatile boolean givingUp;

    private volatile List<ItemFailure> failures; // of the attempt under way and those before; guarded by this
    private boolean replayable = true; // guarded by this

    Root(SourceLedger ledger, Object item) {
        this.ledger = ledger;
        this.item = item;
    }

    /** Counts {@code delta} more (or, negative, fewer) holds; settles the tree when none is left. */
    void add(int delta) {
        int left = (int) PENDING.getAndAdd(this, delta) + delta;
        if (left == 0) {
            ledger.settle(this);
        }
    }

    /** Settles a tree no other task saw, holding {@code holds} holds: no atomic operation needed. */
    void releaseUnshared(int holds) {
        int left = (int) PENDING.get(this) - holds;
        PENDING.set(this, left);
        if (left == 0) {
            ledger.settleUnshared(this);
        }
    }

    /** Starts another attempt with one hold, for the source task that replays it; the tree was settled. */
    void restart() {
        synchronized (this) {
            replayable = true;
        }
        attempt++;
        hold();
    }

    /** Gives the settled tree one hold again, for the source task that sends it on. */
    void hold() {
        PENDING.setVolatile(this, 1);
    }

    /** Records a failure in this attempt; {@code replayable} is false if the node's level does not replay. */
    synchronized void fail(ItemFailure failure, boolean replayable) {
        List<ItemFailure> list = failures == null ? new ArrayList<>() : new ArrayList<>(failures);
        list.add(failure);
        failures = list;
        this.replayable &= replayable;
    }

    /** Whether the attempt under way failed anywhere; meaningful once settled. */
    boolean failedThisAttempt() {
        List<ItemFailure> list = failures;
        return list != null && list.get(list.size() - 1).attempt() == attempt;
    }

    synchronized boolean replayable() {
        return replayable;
    }

    List<ItemFailure> failures() {
        List<ItemFailure> list = failures;
        return list == null ? List.of() : list;
    }
}
