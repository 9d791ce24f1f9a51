package io.sluice.internal.local;

import io.sluice.DeadLetter;
import io.sluice.ItemFailure;
import io.sluice.NodeFailedException;
import io.sluice.NodeState;
import io.sluice.Resumable;
import io.sluice.Robustness;
import io.sluice.spi.InstanceStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One instance of a chain: the head node instance and the instances chained below it, which the head's emits reach
 * by direct calls. A task has one input queue (none for a start node), the channels to other tasks, and is driven
 * by one thread at a time — its own in multi-thread mode, the caller's in single-thread mode.
 *
 * <p>When the deployment tracks items ({@link Tracking}), the task also follows tuple trees: it knows the root of the
 * item it is processing, counts what it hands to other tasks under that root, and releases its holds on the roots of
 * a batch only after the batch's end nodes have flushed. A tracked start node's task opens the trees, replays failed
 * ones after their back-off, and gives up those out of attempts.
 *
 * <p>With checkpoints ({@link Checkpointing}), a start node's task stops pulling when a checkpoint is asked for and
 * sends a barrier on; every task passes the barrier once it has one from each open channel into it, handing in its
 * part of the checkpoint: the positions of its start and end nodes and its stores' changes.
 */
final class Task {

    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /**
     * How long a task may keep partly filled batches while it has more work at hand: a task with an input while its
     * queue holds more batches, a start node that never waits for input ({@link io.sluice.StartNode#waitsForInput}
     * false) between its pulls. Either hands them over before it waits; a tracked start node also when it stops
     * pulling, as its trees in flight may wait for them. Other start nodes hand over what a pull emitted when the pull
     * returns, as {@link io.sluice.StartNode#pull} promises: their next pull may block. Tracking is not in the way: a
     * held item counts in its root, so no tree completes before the item is handed over and done.
     */
    static final long HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    final String name;
    final List<Operator> operators;
    final Operator head;
    final InputQueue input;
    private final List<Channel> channels = new ArrayList<>();
    private int endsExpected;
    private int endsSeen;
    private Operator[] tickers = new Operator[0];

    // ---- tracking; all null or empty when the deployment does not track ----
    private final Tracking tracking;
    private final Operator.End[] ends;
    private final Operator.End[] resumableEnds; // told when a checkpoint holding their position is written
    private Root current; // the root of the item being processed
    private int currentSlot; // its tree's slot in that root, if the root is a burst
    // A source item's root is made only once something needs it: a descendant handed to another task, or a failure.
    // A tree that stays in this task and succeeds needs none, and settles with the batch as a count.
    private boolean rootless; // a fresh source item is under way whose root is not made (yet)
    private Object rootlessItem; // that item
    private int rootlessHeld; // source items of the batch under way that settled here without a root
    private int currentIndex; // its entry among the held roots
    private Root burst; // the trees of the source's pull under way that left the task, settled together
    private Root[] held = new Root[16]; // roots of the batch under way, released after it
    private int[] heldCounts = new int[16]; // holds on each: items of the root this batch processed
    private int[] heldAdds = new int[16]; // hand-offs under each not yet added to its count
    private int heldSize;
    private boolean addsPending;
    private SourceLedger ledger; // a tracked source's books
    private Channel[] deadLetters; // a source's channels to the dead-letter node, if there is one
    private boolean exhausted;
    private boolean holdsBatches; // not a start node that may wait: partly filled batches may wait
    private boolean mayWaitInWork; // a start node that may wait in its pull: what a pull emitted wakes its consumers
    private long handedOverNanos; // when such a task last handed its partly filled batches over

    // ---- checkpoints; null or zero without them ----
    private Checkpointing checkpointing;

    /**
     * For the crash tests only: commit external stores after every batch, so that their server runs ahead of the
     * last checkpoint, which a restart must then undo.
     */
    private static final boolean EAGER_EXTERNAL_COMMITS =
            System.getProperty(LocalPlan.FAULT_PROPERTY, "").contains("commit-external-eagerly");

    /** How often external stores are committed when the deployment takes no checkpoints. */
    static final long EXTERNAL_COMMIT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private List<InstanceStore> externalStores; // on the task's thread; found at the first commit
    private long externalCommitted; // the last checkpoint after which external stores were committed
    private long lastExternalCommitNanos = System.nanoTime();
    private Resumable resumable; // the start node, if it can say where it is
    private boolean restoredEnded; // the checkpoint says this task had ended: it only passes the end on
    private boolean skipOutputResume; // a fault injected for the crash test's power check
    private long passedEpoch; // the last checkpoint whose barrier this task passed
    private int barriersSeen; // barriers of the checkpoint under way, one per channel into this task
    private String passedPosition; // the source's position at the last barrier it sent
    private String committedPosition; // the last position the source was told is checkpointed

    /** The thread running a source task in multi-thread mode, woken when a checkpoint completes. */
    volatile Thread thread;

    private boolean opened;
    private boolean closed;

    Task(String name, List<Operator> operators, InputQueue input, Tracking tracking) {
        this.name = name;
        this.operators = List.copyOf(operators);
        this.head = operators.get(0);
        this.input = input;
        this.tracking = tracking;
        this.ends = tracking == null
                ? new Operator.End[0]
                : operators.stream()
                        .filter(Operator.End.class::isInstance)
                        .map(Operator.End.class::cast)
                        .toArray(Operator.End[]::new);
        this.resumableEnds = operators.stream()
                .filter(o -> o instanceof Operator.End end && end.resumable() != null)
                .map(Operator.End.class::cast)
                .toArray(Operator.End[]::new);
    }

    boolean isSource() {
        return head instanceof Operator.Source;
    }

    void addChannel(Channel channel) {
        channels.add(channel);
    }

    void expectEnd() {
        endsExpected++;
    }

    /** Makes this source task open a tuple tree for every item its source emits. */
    void trackSource(SourceLedger ledger) {
        this.ledger = ledger;
        ((Operator.RootingSource) head).rooting = this;
    }

    /**
     * Makes the task take part in checkpoints; {@code restoredEnded} if the checkpoint says it had ended, so that it
     * only passes the end on.
     */
    void checkpointWith(Checkpointing checkpointing, boolean restoredEnded, boolean skipOutputResume) {
        this.checkpointing = checkpointing;
        this.restoredEnded = restoredEnded;
        this.skipOutputResume = skipOutputResume;
        if (head instanceof Operator.Source source) {
            this.resumable = source.resumable();
        }
    }

    /** Whether the task was opened and is not yet closed. */
    boolean isOpen() {
        return opened && !closed;
    }

    boolean isClosed() {
        return closed;
    }

    void sendDeadLettersTo(Channel[] channels) {
        this.deadLetters = channels;
    }

    /**
     * Opens the node instances, parents before children; with a checkpoint, the start node resumes from its position
     * and end nodes that can go back to theirs. A task the checkpoint says had ended opens nothing.
     */
    void open() {
        opened = true;
        if (isSource()) {
            thread = Thread.currentThread();
        }
        mayWaitInWork = head instanceof Operator.Source source && source.node.waitsForInput();
        holdsBatches = !mayWaitInWork;
        handedOverNanos = System.nanoTime();
        if (restoredEnded) {
            exhausted = true;
            return;
        }
        for (Operator operator : operators) {
            operator.state = NodeState.RUNNING;
            operator.open();
        }
        tickers = operators.stream().filter(o -> o.tickPeriodNanos > 0).toArray(Operator[]::new);
        if (checkpointing != null) {
            Checkpoints checkpoints = checkpointing.checkpoints();
            if (resumable != null) {
                resume(head, resumable, checkpoints.position(head.nodeId, head.instance), "to resume from position");
            }
            for (Operator operator : operators) {
                if (operator instanceof Operator.End end && end.resumable() != null && !skipOutputResume) {
                    resume(
                            end,
                            end.resumable(),
                            checkpoints.output(end.nodeId, end.instance),
                            "to go back to output" + " position");
                }
            }
        }
    }

    private static void resume(Operator operator, Resumable resumable, String position, String what) {
        if (position == null) {
            return;
        }
        try {
            resumable.resume(position);
        } catch (Throwable e) {
            throw operator.leave(e, what + " '" + position + "'", null, false);
        }
    }

    // ---- a start node's task ----

    /** Pulls the head source once and hands the result downstream; returns whether the source has more. */
    boolean pullOnce() {
        boolean more = ((Operator.Source) head).pull();
        afterWork(!more || handOverDue());
        return more;
    }

    /**
     * Whether the partly filled batches go downstream after this unit of work (a pull, an input batch): always, unless
     * the task holds batches ({@code holdsBatches}) and they last went less than {@link #HOLD_NANOS} ago. A task that
     * fills a batch per channel only every few units (a keyed edge splits each unit's items among the instances; a
     * filter passes part of them) then hands over full batches: one hand-off per batch, not per unit and channel.
     */
    private boolean handOverDue() {
        if (!holdsBatches) {
            return true;
        }
        long now = System.nanoTime();
        if (now - handedOverNanos < HOLD_NANOS) {
            return false;
        }
        handedOverNanos = now;
        return true;
    }

    /**
     * One round of a start node's task: settles failed trees (replay or give up), replays those due, and pulls if
     * the source has more and not too many trees open; returns whether it did anything. With checkpoints, a round
     * may instead send the barrier of a checkpoint asked for — once no tree is in flight, under tracking — or wait
     * for the checkpoint under way to complete.
     */
    boolean sourceRound(long nowNanos) {
        if (restoredEnded) {
            return false;
        }
        boolean worked = ledger != null && service(nowNanos);
        if (checkpointing != null) {
            long requested = checkpointing.requestIfDue(nowNanos);
            if (requested > passedEpoch) {
                if (ledger == null || ledger.inFlight() == 0) {
                    passedPosition = resumable == null ? null : position();
                    passBarrier(requested);
                    return true;
                }
                // trees in flight, maybe in batches held here: they settle before the barrier goes
                return handOver() || worked;
            }
            if (checkpointPending()) {
                return worked;
            }
            commitPosition();
        }
        if (!exhausted && (ledger == null || ledger.inFlight() < Tracking.MAX_IN_FLIGHT)) {
            exhausted = !pullOnce();
            return true;
        }
        // not pulling: the trees in flight may be waiting for batches this task holds
        return handOver() || worked;
    }

    /** Whether the source is exhausted, every tree it opened has settled, and no checkpoint holds it. */
    boolean sourceDone() {
        return exhausted && (ledger == null || ledger.inFlight() == 0) && !checkpointPending();
    }

    /** Whether this task passed the barrier of a checkpoint that is not yet written. */
    private boolean checkpointPending() {
        return checkpointing != null && passedEpoch > checkpointing.completed();
    }

    private String position() {
        try {
            return resumable.position();
        } catch (RuntimeException e) {
            throw head.leave(e, "to say its position", null, false);
        }
    }

    /** Tells the source, once, that a checkpoint on disk covers its input up to the position of its last barrier. */
    private void commitPosition() {
        String position = passedPosition;
        if (position != null && !position.equals(committedPosition)) {
            try {
                resumable.committed(position);
            } catch (Throwable e) {
                throw head.leave(e, "to release its input up to position '" + position + "'", null, false);
            }
            committedPosition = position;
        }
    }

    /** Waits a little for trees to settle, or until the next replay or tick is due. */
    void idle() {
        handOver();
        long wait = Math.min(IDLE_NANOS, nextTickNanos() - System.nanoTime());
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    private boolean service(long nowNanos) {
        boolean worked = false;
        Root root;
        while ((root = ledger.pollFailed()) != null) {
            worked = true;
            Robustness robustness = tracking.robustness;
            if (root.replayable() && root.attempt < robustness.attempts()) {
                ledger.delay(
                        root,
                        nowNanos + robustness.backoffBefore(root.attempt + 1).toNanos());
            } else {
                giveUp(root);
            }
        }
        while ((root = ledger.pollDue(nowNanos)) != null) {
            worked = true;
            root.restart();
            emitRooted((Operator.RootingSource) head, root.item, root);
        }
        if (worked) {
            afterWork();
        }
        return worked;
    }

    private void giveUp(Root root) {
        if (deadLetters == null) {
            ledger.giveUp(root);
            return;
        }
        root.givingUp = true;
        root.hold();
        enter(root);
        deadLetters[head.instance % deadLetters.length].add(
                new DeadLetter(head.nodeId, root.item, root.attempt, root.failures()));
        exit();
        ledger.deadLettered();
    }

    /**
     * Emits {@code item} from {@code source} as the root of a new tuple tree, or of {@code replay}'s again. A new
     * tree needs a root only when a descendant leaves the task — it then joins the pull's burst ({@link #joinBurst})
     * — or a node fails on it before that ({@link #rootNow}).
     */
    void emitRooted(Operator.RootingSource source, Object item, Root replay) {
        if (replay != null) {
            enter(replay);
            try {
                source.hop.emit(item); // straight into the hops: no frame more than an untracked source's emit
            } catch (RuntimeException e) {
                failed(replay, e);
            }
            exit();
            return;
        }
        ledger.opened();
        rootless = true;
        rootlessItem = item;
        try {
            source.hop.emit(item);
        } catch (RuntimeException e) {
            failed(rootNow(), e);
        } finally {
            rootless = false;
            rootlessItem = null;
        }
        Root root = current;
        if (root == null) {
            rootlessHeld++;
        } else if (root == burst) {
            current = null; // the burst's one hold covers its members until the batch is released
        } else {
            exit();
        }
    }

    /** The root of the fresh source item under way — its own, made now, if it has none yet. */
    private Root rootNow() {
        if (current == null) {
            enter(ledger.root(rootlessItem));
        }
        return current;
    }

    // ---- a task with an input ----

    /** Processes one batch from the input queue; returns {@code true} once every producer has ended. */
    boolean process(Object[] batch) {
        if (batch == InputQueue.END) {
            if (++endsSeen == endsExpected) {
                return true;
            }
            passBarrierIfAllIn(); // a channel that ended sends no barrier
            return false;
        }
        if (batch == InputQueue.BARRIER) {
            barriersSeen++;
            passBarrierIfAllIn();
            return false;
        }
        if (tracking != null) {
            processTracked(batch);
            return false;
        }
        Operator first = head;
        for (Object item : batch) {
            first.accept(item);
        }
        afterWork(handOverDue());
        return false;
    }

    /**
     * Hands the partly filled batches downstream; called before the task waits (for input, or for its start node to
     * have some), so that nothing it gathered waits with it. Returns whether a batch went.
     */
    boolean handOver() {
        boolean sent = false;
        for (Channel channel : channels) {
            sent |= channel.flush(true);
        }
        handedOverNanos = System.nanoTime();
        return sent;
    }

    /**
     * Processes a tracked batch. Its items come in runs of one root (a burst's members, or the items of one tree), and
     * a run is entered once and held once per item at its end; only the slot changes from item to item.
     */
    private void processTracked(Object[] batch) {
        Operator first = head;
        int items = batch.length - 1;
        BatchTrees trees = (BatchTrees) batch[items];
        Root[] roots = trees.roots;
        int[] slots = trees.slots;
        for (int i = 0; i < items; ) {
            Root root = roots[i];
            if (root == null) { // an item of no tree
                try {
                    first.accept(batch[i]);
                } catch (RuntimeException e) {
                    failed(null, e);
                }
                i++;
                continue;
            }
            enter(root);
            int start = i;
            do {
                currentSlot = slots[i];
                try {
                    first.accept(batch[i]);
                } catch (RuntimeException e) {
                    failed(root, e);
                }
            } while (++i < items && roots[i] == root);
            exit(i - start);
        }
        afterWork(handOverDue());
    }

    // ---- checkpoints ----

    /**
     * Passes the barrier once every channel still open into this task has sent it. A channel that sent it ends only
     * after the checkpoint is written, so channels that ended meanwhile ended before their barrier.
     */
    private void passBarrierIfAllIn() {
        if (barriersSeen > 0 && barriersSeen == endsExpected - endsSeen) {
            passBarrier(checkpointing.requested());
        }
    }

    /** Hands in this task's part of checkpoint {@code epoch} and sends the barrier on. */
    private void passBarrier(long epoch) {
        passedEpoch = epoch;
        barriersSeen = 0;
        Checkpoints.Delta part = part(true);
        if (passedPosition != null) {
            part.positions.put(Checkpoints.key(head.nodeId, head.instance), passedPosition);
        }
        for (Channel channel : channels) {
            channel.barrier();
        }
        checkpointing.passed(part);
    }

    /**
     * What this task adds to a checkpoint now: its end nodes' output positions and its stores' changes. At a barrier
     * the end nodes are told once the checkpoint is written ({@link Resumable#committed}); their final part needs
     * no word: {@code onComplete} made their output whole already.
     */
    private Checkpoints.Delta part(boolean barrier) {
        Checkpoints.Delta part = new Checkpoints.Delta();
        for (Operator operator : operators) {
            if (operator instanceof Operator.End end) {
                end.flush();
                Resumable output = end.resumable();
                if (output != null) {
                    try {
                        String position = output.position();
                        part.outputs.put(Checkpoints.key(end.nodeId, end.instance), position);
                        if (barrier) {
                            end.offered(position, passedEpoch);
                        }
                    } catch (RuntimeException e) {
                        throw end.leave(e, "to say its output position", null, false);
                    }
                }
            }
            for (InstanceStore store : operator.stores.all()) {
                if (store.hasChanges()) {
                    Checkpoints.Changes changes = new Checkpoints.Changes();
                    store.drainChanges(changes::add);
                    part.changes.put(
                            new Checkpoints.StoreId(operator.nodeId, operator.instance, store.name()), changes);
                }
            }
        }
        return part;
    }

    // ---- tuple trees ----

    /**
     * The root of the item a channel hands to another task, which counts one more hold on it; {@code null} for an item
     * of no tree. Its slot is then {@link #slot}.
     */
    Root handOff() {
        Root root = current;
        if (root == null) {
            if (!rootless) {
                return null;
            }
            root = joinBurst();
        } else if (!root.shared) {
            root.shared = true;
        }
        heldAdds[currentIndex]++;
        addsPending = true;
        return root;
    }

    /** The slot of the item under way in its root, if the root is a burst (0 otherwise). */
    int slot() {
        return currentSlot;
    }

    /**
     * Makes the fresh source item under way, whose first descendant is leaving the task, a member of the pull's
     * burst. The task holds the burst once, from its first member until the batch is released, not once per member.
     */
    private Root joinBurst() {
        Root root = burst;
        if (root == null) {
            root = burst = ledger.burst();
        }
        enter(root);
        currentSlot = root.join(rootlessItem);
        return root;
    }

    /**
     * Adds the hand-offs counted so far to their roots: a channel that must hand over a batch before the batch under
     * way is done calls it first, so that no root reaches zero while a descendant is on its way.
     */
    void settleAdds() {
        if (!addsPending) {
            return;
        }
        for (int i = 0; i < heldSize; i++) {
            if (heldAdds[i] != 0) {
                held[i].add(heldAdds[i]);
                heldAdds[i] = 0;
            }
        }
        addsPending = false;
    }

    /** Starts processing an item of {@code root}'s tree; consecutive items of one tree share an entry. */
    private void enter(Root root) {
        current = root;
        currentSlot = 0;
        if (heldSize > 0 && held[heldSize - 1] == root) {
            currentIndex = heldSize - 1;
            return;
        }
        if (heldSize == held.length) {
            held = Arrays.copyOf(held, heldSize * 2);
            heldCounts = Arrays.copyOf(heldCounts, heldSize * 2);
            heldAdds = Arrays.copyOf(heldAdds, heldSize * 2);
        }
        held[heldSize] = root;
        heldCounts[heldSize] = 0;
        heldAdds[heldSize] = 0;
        currentIndex = heldSize++;
    }

    /** Done with the item: the task holds its root until the batch is released. */
    private void exit() {
        exit(1);
    }

    /** Done with {@code items} items of the current root, which the task holds until the batch is released. */
    private void exit(int items) {
        heldCounts[currentIndex] += items;
        current = null;
    }

    /**
     * Releases the batch's holds and adds its hand-offs in one step per root — nothing at all for a root that handed
     * on as many items as it held, as a one-to-one node does. Called after the end nodes flushed and before the
     * channels hand the batch's output over, so a root reaches zero only once nothing of it is left.
     */
    private void releaseHeld() {
        if (rootlessHeld > 0) {
            ledger.completedHere(rootlessHeld);
            rootlessHeld = 0;
        }
        for (int i = 0; i < heldSize; i++) {
            Root root = held[i];
            int delta = heldAdds[i] - heldCounts[i];
            if (!root.shared) {
                root.releaseUnshared(heldCounts[i]);
            } else if (delta != 0) {
                root.add(delta);
            }
            held[i] = null;
        }
        heldSize = 0;
        addsPending = false;
        if (burst != null) {
            burst.add(-1); // the task's hold, after every hand-off of its members was added
            burst = null; // the next pull's trees start another
        }
    }

    /**
     * A node threw on an item: under a tracked level the item's tree is marked failed and the task goes on; under
     * NONE, or for our own signals, the exception goes on up and fails the deployment.
     */
    private void failed(Root root, RuntimeException e) {
        if (e instanceof Cancelled) {
            throw e;
        }
        String node = e instanceof NodeFailedException f ? f.nodeId() : head.nodeId;
        Robustness.Level level = tracking.levelOf(node);
        if (level == Robustness.Level.NONE) {
            throw e;
        }
        int attempt = root == null ? 1 : root.attempt;
        ItemFailure itemFailure = e instanceof NodeFailedException f
                ? ItemFailure.of(f, attempt)
                : new ItemFailure(node, "", ItemFailure.errorOf(e), Instant.now(), attempt);
        tracking.record(itemFailure, level);
        if (root != null) {
            root.fail(currentSlot, itemFailure, level == Robustness.Level.REPLAY);
        }
    }

    // ---- timers, end, close ----

    /** The earliest time a ticking node instance or a replay is due, or {@link Long#MAX_VALUE} if none. */
    long nextTickNanos() {
        long timers = nextTimerNanos();
        if (timers != Long.MAX_VALUE && checkpointPending()) {
            timers = System.nanoTime() + IDLE_NANOS; // ticks wait until the checkpoint is written: look again shortly
        }
        if (ledger == null) {
            return timers;
        }
        // failed trees to settle are due now
        return ledger.hasSettledFailures() ? System.nanoTime() : Math.min(ledger.nextDueNanos(), timers);
    }

    private long nextTimerNanos() {
        long next = Long.MAX_VALUE;
        for (Operator operator : tickers) {
            next = Math.min(next, operator.nextTickNanos);
        }
        return next;
    }

    /** Ticks the node instances that are due. */
    void tickDue(long nowNanos) {
        if (checkpointPending()) {
            return; // what a tick emits must not reach a task still waiting for the barrier
        }
        boolean ticked = false;
        for (Operator operator : tickers) {
            if (nowNanos - operator.nextTickNanos >= 0) {
                operator.nextTickNanos = nowNanos + operator.tickPeriodNanos;
                operator.tick();
                ticked = true;
            }
        }
        if (ticked) {
            afterWork();
        }
    }

    /** The inputs have ended: lets every node instance emit what it holds, then ends the outgoing channels. */
    void finish() {
        if (restoredEnded) {
            for (Channel channel : channels) {
                channel.end();
            }
            return;
        }
        for (Operator operator : operators) {
            operator.complete();
        }
        afterWork();
        for (Channel channel : channels) {
            channel.end();
        }
        if (checkpointing != null) {
            Checkpoints.Delta part = part(false);
            if (resumable != null) {
                part.positions.put(Checkpoints.key(head.nodeId, head.instance), position());
            }
            for (Operator operator : operators) {
                part.ended.add(Checkpoints.key(operator.nodeId, operator.instance));
            }
            checkpointing.ended(part);
        }
        commitExternalStores(true);
        publish();
    }

    /**
     * Closes every node instance that was opened (or began to open), children first, and gives every instance its
     * final state; returns the first failure to close, if any. Nothing is checkpointed here: a stopped or failed
     * deployment resumes from its last checkpoint.
     */
    Throwable close(NodeState finalState) {
        closed = true;
        Throwable failure = null;
        for (int i = operators.size() - 1; i >= 0; i--) {
            Operator operator = operators.get(i);
            Throwable closing = operator.state == NodeState.CREATED ? null : operator.close();
            if (failure == null) {
                failure = closing;
            }
            if (operator.state != NodeState.FAILED) {
                operator.state = closing == null ? finalState : NodeState.FAILED;
            }
        }
        publish();
        return failure;
    }

    /**
     * Commits the external stores of this task's instances ({@link InstanceStore#isExternal}) on the task's own
     * thread: after each checkpoint the deployment completes, or every {@link #EXTERNAL_COMMIT_INTERVAL_NANOS}
     * without checkpoints, and always when {@code force}. Between two, the server may hold writes beyond the last
     * checkpoint; a restart from it puts the server back to the checkpoint exactly.
     */
    private void commitExternalStores(boolean force) {
        if (externalStores == null) {
            externalStores = operators.stream()
                    .flatMap(o -> o.stores.all().stream())
                    .filter(InstanceStore::isExternal)
                    .toList();
        }
        if (externalStores.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        boolean due = checkpointing != null
                ? checkpointing.completed() > externalCommitted
                : now - lastExternalCommitNanos >= EXTERNAL_COMMIT_INTERVAL_NANOS;
        if (!due && !force && !EAGER_EXTERNAL_COMMITS) {
            return;
        }
        for (InstanceStore store : externalStores) {
            store.commitExternal();
        }
        externalCommitted = checkpointing == null ? 0 : checkpointing.completed();
        lastExternalCommitNanos = now;
    }

    private void afterWork() {
        afterWork(true);
    }

    /**
     * Settles the work just done; hands partly filled batches downstream only if {@code handOver}. The consumers
     * are woken only if the task's next unit of work may wait ({@code mayWaitInWork}): any other task comes back for
     * more, and wakes them in {@link #handOver} before it waits.
     */
    private void afterWork(boolean handOver) {
        if (tracking != null) {
            for (Operator.End end : ends) {
                end.flush();
            }
            releaseHeld();
            if (ledger != null) {
                ledger.publish();
            }
        }
        if (handOver) {
            for (Channel channel : channels) {
                channel.flush(mayWaitInWork);
            }
        }
        commitExternalStores(false);
        if (checkpointing != null) {
            long completed = checkpointing.completed();
            for (Operator.End end : resumableEnds) {
                end.confirmIfWritten(completed);
            }
        }
        publish();
    }

    /** Makes every operator's counters visible to status readers; on the task's own thread. */
    void publish() {
        long now = System.currentTimeMillis();
        for (Operator operator : operators) {
            operator.publish(now);
        }
    }
}
