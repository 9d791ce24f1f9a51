package io.sluice;

import java.util.function.BiConsumer;

/**
 * Keyed state of one node instance that survives restarts: a named map the runtime keeps with the node's input
 * positions, so that after a crash state and positions match and aggregates come out exact.
 *
 * <p>Obtain a store from {@link NodeContext#store} in {@code open}, and declare it on the node ({@link
 * NodeSpec#withStores}, {@code .stores("counts")} on the builder, {@code stores:} in YAML), so that the runtime can
 * make its changelog before anything runs. A store belongs to one instance: behind a keyed edge, every key meets the
 * same instance, so the instance's store holds every value of its keys.
 *
 * <p><b>Threading.</b> Called on the instance's own thread only, like the node. Values must not be changed after
 * {@link #put}: the runtime may write them out later (a changelog, a checkpoint) — put a new value instead.
 *
 * <pre>{@code
 * class Count implements Node<String, Map.Entry<String, Long>> {
 *     private KeyValueStore<String, Long> counts;
 *     public void open(NodeContext context) { counts = context.store("counts"); }
 *     public void process(String word, Emitter<Map.Entry<String, Long>> out) {
 *         long n = counts.getOrDefault(word, 0L) + 1;
 *         counts.put(word, n);
 *         out.emit(Map.entry(word, n));
 *     }
 * }
 * }</pre>
 *
 * @param <K> the key type; keys are compared with {@code equals}, and on KAFKA written with the deployment's serde
 * @param <V> the value type
 */
public interface KeyValueStore<K, V> {

    /** The store's name, as declared on the node. */
    String name();

    /** The value of {@code key}, or {@code null} if it has none. */
    V get(K key);

    /** The value of {@code key}, or {@code fallback} if it has none. */
    default V getOrDefault(K key, V fallback) {
        V value = get(key);
        return value == null ? fallback : value;
    }

    /**
     * Sets the value of {@code key}.
     *
     * @throws NullPointerException if the key or the value is null; use {@link #delete} to remove a key
     */
    void put(K key, V value);

    /** Removes {@code key} and its value, if any. */
    void delete(K key);

    /** Calls {@code action} for every key and value, in no particular order; the store must not change meanwhile. */
    void forEach(BiConsumer<? super K, ? super V> action);

    /** How many keys have a value. */
    long size();
}
