package io.sluice.internal.local;

import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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

    /** Adds a batch, waiting while the queue is full. */
    abstract void put(Object[] batch);

    /** Takes the next batch, waiting up to {@code timeoutNanos} (forever when negative); {@code null} on timeout. */
    abstract Object[] poll(long timeoutNanos);

    /** Takes the next batch if there is one. */
    abstract Object[] pollNow();

    /** Items waiting, for status. */
    abstract long depth();

    /** Bounded, for tasks on their own threads: a full queue makes its producers wait (backpressure). */
    static final class Blocking extends InputQueue {
        private final ArrayBlockingQueue<Object[]> batches;
        private final AtomicLong depth = new AtomicLong();

        Blocking(int capacity) {
            this.batches = new ArrayBlockingQueue<>(capacity);
        }

        @Override
        void put(Object[] batch) {
            depth.addAndGet(batch.length);
            try {
                batches.put(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Cancelled.INSTANCE;
            }
        }

        @Override
        Object[] poll(long timeoutNanos) {
            try {
                Object[] batch = timeoutNanos < 0 ? batches.take() : batches.poll(timeoutNanos, TimeUnit.NANOSECONDS);
                if (batch != null) {
                    depth.addAndGet(-batch.length);
                }
                return batch;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Cancelled.INSTANCE;
            }
        }

        @Override
        Object[] pollNow() {
            return poll(0);
        }

        @Override
        long depth() {
            return depth.get();
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
            depth += batch.length;
        }

        @Override
        Object[] poll(long timeoutNanos) {
            return pollNow();
        }

        @Override
        Object[] pollNow() {
            Object[] batch = batches.poll();
            if (batch != null) {
                depth -= batch.length;
            }
            return batch;
        }

        @Override
        long depth() {
            return depth;
        }
    }
}
