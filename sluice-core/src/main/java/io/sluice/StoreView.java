package io.sluice;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One store of a node, read from outside the node while the deployment runs and after it has ended, over every
 * instance of the node: Sluice's interactive queries. Obtain it from {@link Deployment#store}.
 *
 * <pre>{@code
 * StoreView counts = deployment.store("count", "counts");
 * Optional<Long> the = counts.get("the");
 * StoreView.Entries first = counts.entries(100);   // up to 100 entries, and how many there are
 * }</pre>
 *
 * <p><b>What it sees.</b> On LOCAL, the instances' stores as they are at the moment of the call: each key is read as
 * the node last wrote it, with no snapshot across keys. On KAFKA, the store's changelog topic read from its beginning
 * to its end at the moment of the call, committed records only: the state as the instances last committed it, at
 * most one commit interval behind them while they run, and exact once the deployment has completed. So it works from
 * any process with the graph and the bootstrap address ({@code KafkaDeployments.attach}); each call costs a read of the
 * changelog, in proportion to the store's size (compaction keeps it close to one record per key).
 *
 * <p><b>Where a key is.</b> Behind a keyed edge every key meets one instance, so it is in one instance's store.
 * Otherwise each instance keeps its own values and a key may be in several: {@link #entries} lists every instance's
 * entry, and {@link #get} and {@link #find} answer with the lowest instance that holds the key.
 *
 * <p><b>Keys written as text</b> (a URL, a command line) are matched by {@link #find}, in this order, the first match
 * winning: the text itself as a {@code String}; if it is a whole number, as a {@code Long}, then an {@code Integer};
 * if it is a number, as a {@code Double}; if it is {@code true} or {@code false}, as a {@code Boolean}; and last, any
 * key whose {@code toString()} is the text (enums, UUIDs, characters), which reads every key. So {@code "42"} finds the
 * key {@code "42"} before the key {@code 42L}.
 *
 * <p>Every method may be called from any thread. A view holds no state but the names, so it can be kept and asked
 * again.
 */
public interface StoreView {

    /** The node whose store this is. */
    String nodeId();

    /** The store's name, as the node declares it. */
    String name();

    /**
     * The value of {@code key}, compared with {@code equals} (on KAFKA, with the key as the deployment's serde reads it
     * back); empty if no instance holds it.
     *
     * @throws SluiceException if the state cannot be read (on KAFKA: the changelog topic is missing, a record cannot be
     *     read, or the read took longer than the deployment's timeout)
     */
    <V> Optional<V> get(Object key);

    /**
     * The entry of a key written as text, matched as the class comment says; empty if nothing matches.
     *
     * @throws SluiceException if the state cannot be read, as for {@link #get}
     */
    Optional<Entry> find(String keyText);

    /**
     * Up to {@code limit} entries, instance by instance and in no particular order within one, with how many there are
     * in all.
     *
     * @throws IllegalArgumentException if {@code limit} is negative
     * @throws SluiceException if the state cannot be read, as for {@link #get}
     */
    Entries entries(int limit);

    /**
     * A key of the store with its value, and the instance whose store holds it.
     *
     * @param key the key, as the node put it (on KAFKA: as the serde reads it back)
     * @param value its value
     * @param instance the instance of the node that holds it
     */
    record Entry(Object key, Object value, int instance) {

        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * Some of a store's entries.
     *
     * @param entries the entries returned
     * @param total how many entries the store has over all instances
     */
    record Entries(List<Entry> entries, long total) {

        public Entries {
            entries = List.copyOf(entries);
        }

        /** Whether these are all the entries there are. */
        public boolean complete() {
            return entries.size() == total;
        }
    }
}
