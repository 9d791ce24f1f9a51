package io.sluice.spi;

import java.util.function.BiConsumer;

/**
 * Where one store of one node instance keeps its content while the instance runs: a map in memory, a file on disk, a
 * table in a database. The runtime wraps it ({@link InstanceStore}) to record what changed since its last commit and
 * to make those changes durable its own way (a checkpoint, a changelog topic).
 *
 * <p>Called on the instance's thread, except {@link #get} and {@link #forEach}, which a query may call from another
 * thread: an engine that serves queries makes those two safe to call concurrently with writes.
 */
public interface StoreEngine extends AutoCloseable {

    /** The value of {@code key}, or {@code null}. */
    Object get(Object key);

    /** Sets the value of {@code key}; neither is null. */
    void put(Object key, Object value);

    /** Removes {@code key}. */
    void delete(Object key);

    /** Every key and value, in no particular order. */
    void forEach(BiConsumer<Object, Object> action);

    /** How many keys have a value. */
    long size();

    /** Removes everything: the runtime restores into an empty engine. */
    void clear();

    /** Releases what the engine holds; its content may be lost. */
    @Override
    default void close() {}
}
