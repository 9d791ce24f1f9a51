package io.sluice;

import io.sluice.spi.InboxStore;
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
    private final InboxStore<T> store;
    private volatile boolean closed;

    private Inbox(Class<T> type, InboxStore<T> store) {
        this.type = Objects.requireNonNull(type, "type");
        this.store = Objects.requireNonNull(store, "store");
    }

    /** An inbox for items of {@code type} holding at most {@code capacity} items not yet pulled, in memory. */
    public static <T> Inbox<T> of(Class<T> type, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("Inbox capacity must be ≥ 1, found " + capacity);
        }
        return new Inbox<>(type, new MemoryStore<>(capacity));
    }

    /** An inbox for items of {@code type} kept in {@code store}, durable or not. */
    public static <T> Inbox<T> of(Class<T> type, InboxStore<T> store) {
        return new Inbox<>(type, store);
    }

    /** Where the items wait: for the start node, which resumes from a durable store. */
    InboxStore<T> store() {
        return store;
    }

    /** Whether what the inbox accepted survives a crash: {@link #offer} returns only once it is in a durable log. */
    public boolean isDurable() {
        return store.durable();
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
        return store.offer(item, timeout);
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
        return store.size();
    }

    /** Waits up to {@code timeout} for an item; {@code null} if none came. For the start node. */
    T poll(Duration timeout) throws InterruptedException {
        return store.poll(timeout);
    }

    /** Takes an item if one is there. For the start node. */
    T pollNow() {
        return store.pollNow();
    }

    /** The default store: a bounded queue in memory. */
    private static final class MemoryStore<T> implements InboxStore<T> {
        private final BlockingQueue<T> queue;

        MemoryStore(int capacity) {
            this.queue = new ArrayBlockingQueue<>(capacity);
        }

        @Override
        public boolean offer(T item, Duration timeout) throws InterruptedException {
            return queue.offer(item, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public T poll(Duration timeout) throws InterruptedException {
            return queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public T pollNow() {
            return queue.poll();
        }

        @Override
        public int size() {
            return queue.size();
        }
    }
}
