package io.sluice;

/**
 * One value of a node instance that survives restarts, kept like a {@link KeyValueStore} (it is a store holding a
 * single key): a running total, a high-water mark, the last item seen.
 *
 * <p>Obtain it from {@link NodeContext#valueState} in {@code open}, and declare the store on the node. Called on the
 * instance's own thread only.
 *
 * @param <V> the value type
 */
public interface ValueState<V> {

    /** The value, or {@code null} if none was set. */
    V get();

    /** The value, or {@code fallback} if none was set. */
    default V getOrDefault(V fallback) {
        V value = get();
        return value == null ? fallback : value;
    }

    /**
     * Sets the value.
     *
     * @throws NullPointerException if {@code value} is null; use {@link #clear}
     */
    void set(V value);

    /** Removes the value. */
    void clear();
}
