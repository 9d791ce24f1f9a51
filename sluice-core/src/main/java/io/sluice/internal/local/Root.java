package io.sluice.internal.local;

import io.sluice.ItemFailure;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The root of one tuple tree — a source item and the count of its descendants still to process — or of a burst of
 * trees: the source items one pull emitted that left their task, counted together.
 *
 * <p>The count starts at one, held by the task that processes the item; a burst's one hold is its source task's,
 * for all the members of the pull. A task that hands a descendant to another task adds one before the hand-off is
 * visible, and every task releases its hold once the batch that held the item is done and its end nodes flushed.
 * The tree is settled when the count reaches zero: completed if nothing failed, otherwise handed back to its source
 * for replay or to be given up. A burst settles its members together: one atomic update per batch and task rather
 * than one per item, on a line the source's core wrote. A member that failed leaves the burst then, as a root of its
 * own with its failures.
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
    final Object item; // null for a burst

    /** A burst's source items, by slot; null for a single tree. Written by the source task only. */
    private Object[] members;

    private int size; // members joined so far; source task only until settled

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

    private Map<Integer, Root> failedMembers; // a burst's members that failed, as roots of their own; guarded by this

    Root(SourceLedger ledger, Object item) {
        this.ledger = ledger;
        this.item = item;
    }

    /**
     * An empty burst, which its members {@linkplain #join join}: held once by the source task, which releases that
     * hold once the pull's batch is done, so that it cannot settle while members are still joining.
     */
    static Root burst(SourceLedger ledger) {
        Root burst = new Root(ledger, null);
        burst.members = new Object[64];
        burst.shared = true; // only descendants handed to another task make a source item join
        return burst;
    }

    boolean isBurst() {
        return members != null;
    }

    /** Makes {@code sourceItem} a member of this burst; returns its slot. Source task only. */
    int join(Object sourceItem) {
        if (size == members.length) {
            members = Arrays.copyOf(members, size * 2);
        }
        members[size] = sourceItem;
        return size++;
    }

    /** The members of a settled burst. */
    int size() {
        return size;
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

    /**
     * Records a failure in this attempt of the tree in {@code slot} (0 for a single tree); {@code replayable} is false
     * if the node's level does not replay.
     */
    void fail(int slot, ItemFailure failure, boolean replayable) {
        if (members == null) {
            fail(failure, replayable);
            return;
        }
        Root member;
        synchronized (this) {
            if (failedMembers == null) {
                failedMembers = new TreeMap<>();
            }
            // its item is filled in at settling: the slot's array entry is the source task's until then
            member = failedMembers.computeIfAbsent(slot, s -> new Root(ledger, null));
        }
        member.fail(failure, replayable);
    }

    private synchronized void fail(ItemFailure failure, boolean replayable) {
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

    /**
     * Splits a settled burst: hands each failed member, as a settled root of its own with its item and failures, to
     * {@code failed}; returns how many failed.
     */
    int settleMembers(Consumer<Root> failed) {
        Map<Integer, Root> members;
        synchronized (this) {
            members = failedMembers;
        }
        if (members == null) {
            return 0;
        }
        members.forEach((slot, member) -> failed.accept(member.withItem(this.members[slot])));
        return members.size();
    }

    /** This settled member of a burst with its source item. */
    private Root withItem(Object sourceItem) {
        Root root = new Root(ledger, sourceItem);
        synchronized (this) {
            root.failures = failures;
            root.replayable = replayable;
        }
        return root;
    }

    synchronized boolean replayable() {
        return replayable;
    }

    List<ItemFailure> failures() {
        List<ItemFailure> list = failures;
        return list == null ? List.of() : list;
    }
}
