package io.sluice.internal.local;

import java.util.Arrays;

/**
 * The link from one producing task to one consuming task's queue: items are gathered into a batch, so that the
 * queue's synchronisation is paid per batch, not per item. Used only on the producer's thread.
 */
final class Channel {

    private final InputQueue target;
    private Object[] buffer;
    private int size;
    private final int capacity; // items a batch holds before it must go

    /**
     * When the deployment tracks items: the root and slot of each item in {@code buffer}, sent along as {@link
     * BatchTrees}.
     */
    private Root[] roots;

    private int[] slots;

    /** The producing task: it publishes its counters before a batch leaves it. */
    private final Task producer;

    /** The producing task when the deployment tracks items: it wraps each item with its root. */
    private final Task tracker;

    Channel(InputQueue target, int batchSize, Task producer, boolean tracked) {
        this.target = target;
        this.producer = producer;
        Task tracker = tracked ? producer : null;
        // Tracked, the roots' counts are settled once per input batch; a buffer that fills in mid-batch must settle
        // them first (Task.settleAdds), so it has room for a few times the input batch.
        this.capacity = tracker == null ? batchSize : batchSize * 4;
        this.tracker = tracker;
        if (tracker == null) {
            this.buffer = new Object[capacity];
        } else {
            this.buffer = new Object[capacity + 1]; // the last element is for the batch's trees
            this.roots = new Root[capacity];
            this.slots = new int[capacity];
        }
    }

    /** Whether a full batch went without waking the consumer, which must be woken before this producer waits. */
    private boolean wakeOwed;

    void add(Object item) {
        if (tracker != null) {
            roots[size] = tracker.handOff();
            slots[size] = tracker.slot();
        }
        buffer[size++] = item;
        if (size == capacity) {
            send(false); // more is coming: the consumer may sleep on until batches gather
        }
    }

    /**
     * Hands what is gathered to the consumer. With {@code wake} (the producer may wait next) the consumer is woken if
     * it waits, also for batches that went earlier without waking it; without, it is left to sleep as {@link #add}
     * leaves it for a full batch: the producer has more at hand. Returns whether a batch went.
     */
    boolean flush(boolean wake) {
        if (size > 0) {
            send(wake);
            return true;
        }
        if (wake && wakeOwed) {
            wakeOwed = false;
            target.wake();
        }
        return false;
    }

    private void send(boolean wake) {
        if (tracker != null) {
            tracker.settleAdds();
        }
        // Counted out before it can be counted in downstream, so a status read downstream first never shows a
        // node ahead of its upstream.
        producer.publish();
        Object[] batch = tracker == null ? untrackedBatch() : trackedBatch();
        size = 0;
        if (wake) {
            target.put(batch);
            wakeOwed = false;
        } else {
            wakeOwed |= target.putLettingSleep(batch);
        }
    }

    private Object[] untrackedBatch() {
        Object[] batch;
        if (size == capacity) { // a full batch goes as it is: no copy, nothing to clear
            batch = buffer;
            buffer = new Object[capacity];
        } else {
            batch = Arrays.copyOf(buffer, size);
            Arrays.fill(buffer, 0, size, null);
        }
        return batch;
    }

    /** The items gathered, with their trees as the last element. */
    private Object[] trackedBatch() {
        Object[] batch;
        BatchTrees trees;
        if (size == capacity) { // a full batch goes as it is, with its trees' arrays
            batch = buffer;
            trees = new BatchTrees(roots, slots);
            buffer = new Object[capacity + 1];
            roots = new Root[capacity];
            slots = new int[capacity];
        } else {
            batch = Arrays.copyOf(buffer, size + 1);
            trees = new BatchTrees(Arrays.copyOf(roots, size), Arrays.copyOf(slots, size));
            Arrays.fill(buffer, 0, size, null);
            Arrays.fill(roots, 0, size, null);
        }
        batch[size] = trees;
        return batch;
    }

    /** Flushes and passes a checkpoint's barrier to the consumer. */
    void barrier() {
        flush(true);
        target.put(InputQueue.BARRIER);
    }

    /** Flushes and tells the consumer this producer has finished. */
    void end() {
        flush(true);
        target.put(InputQueue.END);
    }
}
