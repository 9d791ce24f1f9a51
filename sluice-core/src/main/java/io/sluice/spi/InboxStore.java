package io.sluice.spi;

import java.time.Duration;

/**
 * Where an {@link io.sluice.Inbox} keeps the items pushed into it until its start node pulls them: in memory (the
 * default), or in a durable log that survives a crash ({@code io.sluice.server.DurableInbox}). Thread-safe: any
 * thread offers, the start node's thread polls.
 *
 * <p>A durable store numbers its items; its start node is then {@link io.sluice.Resumable}, with a position that is
 * the number of the next item to pull, so that a checkpoint covers what was pushed and a restart pulls again what it
 * does not cover.
 */
public interface InboxStore<T> {

    /** Adds an item, waiting up to {@code timeout} for room; {@code true} once it is stored (durably, if durable). */
    boolean offer(T item, Duration timeout) throws InterruptedException;

    /** Waits up to {@code timeout} for an item; {@code null} if none came. */
    T poll(Duration timeout) throws InterruptedException;

    /** Takes an item if one is there. */
    T pollNow();

    /** Items waiting to be pulled. */
    int size();

    /** Whether stored items survive a crash of the process. */
    default boolean durable() {
        return false;
    }

    /** A durable store: the number of the next item to pull. */
    default String position() {
        throw new UnsupportedOperationException("an in-memory inbox has no position");
    }

    /** A durable store: skips the items before {@code position}, already processed in an earlier run. */
    default void resume(String position) {}

    /** A durable store: the items before {@code position} are checkpointed and may be dropped from the log. */
    default void committed(String position) {}
}
