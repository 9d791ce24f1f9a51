package io.sluice;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Items pushed into a graph from outside — an HTTP endpoint, a test, another part of the program — and pulled by the
 * start node made with {@link Sources#inbox(Inbox)}. Bounded: when the graph falls behind, {@link #offer} waits and
 * then refuses, so the caller feels the backpressure instead of memory filling up. Thread-safe.
 *
 * <pre>{@code
 * Inbox<Order> orders = Inbox.of(Order.class, 10_000);
 * builder.start("orders", Sources.inbox(orders));
 * ...
 * orders.offer(order, Duration.ofSeconds(1));
 * orders.close();   // the start node ends once it has passed on what the inbox holds
 * }</pre>
 *
 * @param <T> the type of the items
 */
public final class Inbox<T> {

    private final Class<T> type;
    private final BlockingQueue<T> queue;
    private volatile boolean closed;

    private Inbox(Class<T> type, int capacity) {
        this.type = Objects.requireNonNull(type, "type");
        if (capacity < 1) {
            throw new IllegalArgumentException("Inbox capacity must be ≥ 1, found " + capacity);
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /** An inbox for items of {@code type} holding at most {@code capacity} items not yet pulled. */
    public static <T> Inbox<T> of(Class<T> type, int capacity) {
        return new Inbox<>(type, capacity);
    }

    /** The type of the items, so that a transport (JSON over HTTP) knows what to make of what it receives. */
    public Class<T> type() {
        return type;
    }

    /**
     * Adds an item, waiting up to {@code timeout} for room.
     *
     * @return {@code false} if there was no room in time: the graph is behind
     * @throws IllegalStateException if the inbox is closed
     */
    public boolean offer(T item, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(item, "item");
        if (closed) {
            throw new IllegalStateException("the inbox is closed; its start node has ended or is ending");
        }
        return queue.offer(item, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** No more items will come: the start node ends once it has passed on what the inbox holds. */
    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Items waiting to be pulled. */
    public int size() {
        return queue.size();
    }

    /** Waits up to {@code timeout} for an item; {@code null} if none came. For the start node. */
    T poll(Duration timeout) throws InterruptedException {
        return queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Takes an item if one is there. For the start node. */
    T pollNow() {
        return queue.poll();
    }
}
