package io.sluice.internal.local;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The input of a task: batches of items (arrays) from every channel that feeds it, in arrival order, a {@link
 * #BARRIER} per channel and checkpoint, and one {@link #END} per channel when that channel's producer has finished. One queue per task keeps the runtime free of
 * deadlocks: a task never waits for a particular producer.
 */
abstract sealed class InputQueue {

    /** The end-of-stream marker a channel sends once its producer has finished. */
    static final Object[] END = new Object[0];

    /** A checkpoint's barrier: every item the channel carried before it belongs to the checkpoint. */
    static final Object[] BARRIER = new Object[0];

    /** Adds a batch, waiting while the queue is full, and wakes the consumer if it waits. */
    abstract void put(Object[] batch);

    /**
     * Adds a batch as {@link #put} does, but leaves a waiting consumer asleep until enough batches wait to make waking
     * it worth a system call; for a producer with more batches to come. Returns whether the consumer was left asleep:
     * the producer then owes it a {@link #wake} before the producer waits itself.
     */
    abstract boolean putLettingSleep(Object[] batch);

    /** Wakes the consumer if it waits. */
    abstract void wake();

    /** Takes the next batch, waiting up to {@code timeoutNanos} (forever when negative); {@code null} on timeout. */
    abstract Object[] poll(long timeoutNanos);

    /** Takes the next batch if there is one. */
    abstract Object[] pollNow();

    /** Items waiting, for status. */
    abstract long depth();

    /**
     * Bounded, for tasks on their own threads: a full queue makes its producers wait (backpressure). A ring of
     * batches with many producers and the one consumer (the task's thread), lock-free: a producer claims a slot with
     * one compare-and-set and publishes the batch with one volatile store; the consumer takes it with one volatile
     * read. Whoever must wait — the consumer on an empty ring, a producer on a full one — spins briefly, then parks
     * until the other side wakes it; it is woken only when it said it waits, so a busy pipeline makes no system call.
     * Replaces an {@code ArrayBlockingQueue}, whose lock and condition signal were paid by both sides on every batch.
     *
     * <p>A consumer faster than its producers empties the ring again and again. Woken for every batch, it would cost a
     * futex wake and two context switches per batch, on both sides (on two cores, the kernel's switching was 12 % of
     * the keyed shape's time). So a producer in mid-stream ({@link #putLettingSleep}) wakes it only once {@code
     * wakeAt} batches — three quarters of the ring — wait; the consumer then works through them in one go. Before a
     * producer waits it wakes the consumer ({@link #wake}, or a {@link #put}), and a waiting consumer looks again
     * every {@link #MAX_PARK_NANOS} regardless: a batch is never left waiting longer than that.
     */
    static final class Blocking extends InputQueue {
        private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[][].class);
        private static final VarHandle TAIL;
        private static final int SPINS = 128;
        private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

        static {
            try {
                TAIL = MethodHandles.lookup().findVarHandle(Blocking.class, "tail", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final Object[][] slots;
        private final int mask;
        private final int capacity;
        private final int wakeAt; // batches waiting before a producer in mid-stream wakes the consumer
        private final long maxParkNanos; // the longest either side sleeps before it looks again
        private final AtomicLong depth = new AtomicLong();

        @SuppressWarnings("unused") // through TAIL
        private volatile long tail; // the next slot a producer claims

        private volatile long head; // the next slot the consumer takes; written by the consumer only
        private volatile Thread consumer; // set while the consumer waits on an empty ring
        private int wakes; // times a producer woke the consumer; for tests, exact with one producer thread
        private final ConcurrentLinkedQueue<Thread> producers = new ConcurrentLinkedQueue<>(); // waiting on a full one

        Blocking(int capacity) {
            this(capacity, MAX_PARK_NANOS);
        }

        /** With {@code maxParkNanos} in place of {@link #MAX_PARK_NANOS}: tests make it long, to see who wakes whom. */
        Blocking(int capacity, long maxParkNanos) {
            this.maxParkNanos = maxParkNanos;
            int size = Integer.highestOneBit(Math.max(2, capacity - 1) << 1); // a power of two ≥ capacity
            this.slots = new Object[size][];
            this.mask = size - 1;
            this.capacity = capacity;
            this.wakeAt = Math.max(1, capacity - capacity / 4);
        }

        @Override
        void put(Object[] batch) {
            publish(batch);
            wake();
        }

        @Override
        boolean putLettingSleep(Object[] batch) {
            long waiting = publish(batch) + 1 - head;
            if (waiting >= wakeAt) {
                wake();
                return false;
            }
            return consumer != null;
        }

        @Override
        void wake() {
            Thread waiting = consumer;
            if (waiting != null) {
                wakes++;
                LockSupport.unpark(waiting);
            }
        }

        /** Adds a batch, waiting while the ring is full; returns the slot it took. */
        private long publish(Object[] batch) {
            if (Thread.currentThread().isInterrupted()) {
                throw Cancelled.INSTANCE;
            }
            depth.addAndGet(BatchTrees.itemsIn(batch));
            long claimed;
            for (int spins = 0; ; ) {
                claimed = tail;
                if (claimed - head < capacity) {
                    if (TAIL.compareAndSet(this, claimed, claimed + 1)) {
                        break;
                    }
                } else if (spins++ < SPINS) {
                    Thread.onSpinWait();
                } else {
                    awaitRoom();
                    spins = 0;
                }
            }
            // the slot may still hold the batch a lap ago until the consumer has cleared it
            int slot = (int) claimed & mask;
            while (SLOTS.getAcquire(slots, slot) != null) {
                Thread.onSpinWait();
            }
            SLOTS.setVolatile(slots, slot, batch);
            return claimed;
        }

        /** Parks a producer until the consumer takes a batch from the full ring. */
        private void awaitRoom() {
            Thread self = Thread.currentThread();
            if (self.isInterrupted()) {
                throw Cancelled.INSTANCE;
            }
            producers.add(self);
            try {
                if (tail - head >= capacity) { // still full once registered: the consumer will see us
                    LockSupport.parkNanos(this, maxParkNanos);
                }
            } finally {
                producers.remove(self);
            }
        }

        @Override
        Object[] poll(long timeoutNanos) {
            if (Thread.currentThread().isInterrupted()) {
                throw Cancelled.INSTANCE;
            }
            Object[] batch = take();
            if (batch != null || timeoutNanos == 0) {
                return batch;
            }
            for (int spins = 0; spins < SPINS; spins++) {
                Thread.onSpinWait();
                if ((batch = take()) != null) {
                    return batch;
                }
            }
            long deadline = timeoutNanos < 0 ? 0 : System.nanoTime() + timeoutNanos;
            Thread self = Thread.currentThread();
            while (true) {
                if (self.isInterrupted()) {
                    throw Cancelled.INSTANCE;
                }
                consumer = self;
                batch = take(); // after saying we wait: a producer publishing now sees us and unparks
                if (batch != null) {
                    consumer = null;
                    return batch;
                }
                long wait = timeoutNanos < 0 ? maxParkNanos : Math.min(maxParkNanos, deadline - System.nanoTime());
                if (wait <= 0) {
                    consumer = null;
                    return null;
                }
                LockSupport.parkNanos(this, wait);
                consumer = null;
                if ((batch = take()) != null) {
                    return batch;
                }
            }
        }

        /** Takes the next batch if one is published; on the consumer's thread only. */
        private Object[] take() {
            long h = head;
            int slot = (int) h & mask;
            Object[] batch = (Object[]) SLOTS.getVolatile(slots, slot);
            if (batch == null) {
                return null;
            }
            SLOTS.setRelease(slots, slot, null);
            head = h + 1;
            depth.addAndGet(-BatchTrees.itemsIn(batch));
            if (!producers.isEmpty()) {
                for (Thread producer : producers) {
                    LockSupport.unpark(producer);
                }
            }
            return batch;
        }

        @Override
        Object[] pollNow() {
            if (Thread.currentThread().isInterrupted()) {
                throw Cancelled.INSTANCE;
            }
            return take();
        }

        @Override
        long depth() {
            return depth.get();
        }

        /** Whether the consumer sleeps, or is about to, waiting for a batch; for tests. */
        boolean consumerWaits() {
            return consumer != null;
        }

        /** Times a producer woke the consumer; for tests, read on the one producer's thread. */
        int wakes() {
            return wakes;
        }
    }

    /**
     * Unbounded, for single-thread mode: everything runs on one thread, which drains each queue right after filling
     * it, so what waits is bounded by what one pull of a source produces.
     */
    static final class Direct extends InputQueue {
        private final ArrayDeque<Object[]> batches = new ArrayDeque<>();
        private volatile long depth;

        @Override
        void put(Object[] batch) {
            batches.add(batch);
            depth += BatchTrees.itemsIn(batch);
        }

        @Override
        boolean putLettingSleep(Object[] batch) {
            put(batch);
            return false;
        }

        @Override
        void wake() {}

        @Override
        Object[] poll(long timeoutNanos) {
            return pollNow();
        }

        @Override
        Object[] pollNow() {
            Object[] batch = batches.poll();
            if (batch != null) {
                depth -= BatchTrees.itemsIn(batch);
            }
            return batch;
        }

        @Override
        long depth() {
            return depth;
        }
    }
}
