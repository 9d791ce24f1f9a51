package io.sluice.spi;

import io.sluice.StoreView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The one implementation of {@link StoreView}'s rules — lowest instance first, keys written as text matched in a fixed
 * order, bounded listings — over whatever a runtime reads its stores from: the live stores on LOCAL, a changelog read
 * on KAFKA. Keeping the rules here is what makes a query answer the same on every system.
 */
public final class StoreQueries {

    private static final Pattern WHOLE = Pattern.compile("-?\\d+");
    private static final Pattern NUMBER = Pattern.compile("-?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private StoreQueries() {}

    /** A store's content over the instances of its node, as a runtime reads it for one query. */
    public interface Instances {

        /** How many instances there are. */
        int count();

        /** The value of {@code key} in instance {@code instance}'s store, or {@code null}. */
        Object get(int instance, Object key);

        /** Calls {@code action} for the entries of one instance until it returns {@code false}. */
        void forEach(int instance, BiPredicate<Object, Object> action);

        /** How many keys one instance's store holds. */
        long size(int instance);
    }

    /**
     * A view of store {@code store} of node {@code nodeId}; every call asks {@code read} for the instances, telling it
     * which keys the call needs (a runtime that must read everything may leave the others out).
     */
    public static StoreView view(String nodeId, String store, Function<Predicate<Object>, Instances> read) {
        return new View(nodeId, store, read);
    }

    /** The typed keys a key written as text stands for, in the order they are tried; see {@link StoreView}. */
    public static List<Object> candidates(String text) {
        List<Object> keys = new ArrayList<>(4);
        keys.add(text);
        if (WHOLE.matcher(text).matches()) {
            try {
                long n = Long.parseLong(text);
                keys.add(n);
                if (n == (int) n) {
                    keys.add((int) n);
                }
            } catch (NumberFormatException e) {
                // beyond a long: not a Long or Integer key; Double below may still match
            }
        }
        if (NUMBER.matcher(text).matches()) {
            keys.add(Double.parseDouble(text));
        }
        if (text.equals("true") || text.equals("false")) {
            keys.add(Boolean.parseBoolean(text));
        }
        return keys;
    }

    /** Whether a key's text is {@code text}: the last way a key written as text is matched. */
    public static boolean spells(Object key, String text) {
        try {
            return text.equals(String.valueOf(key));
        } catch (RuntimeException e) {
            return false; // a key whose toString throws cannot be spelt
        }
    }

    private record View(String nodeId, String name, Function<Predicate<Object>, Instances> read) implements StoreView {

        @Override
        @SuppressWarnings("unchecked")
        public <V> Optional<V> get(Object key) {
            if (key == null) {
                return Optional.empty();
            }
            Instances instances = read.apply(key::equals);
            return first(instances, key).map(e -> (V) e.value());
        }

        @Override
        public Optional<Entry> find(String keyText) {
            List<Object> candidates = candidates(keyText);
            Set<Object> wanted = new HashSet<>(candidates);
            Instances instances = read.apply(k -> wanted.contains(k) || spells(k, keyText));
            for (Object candidate : candidates) {
                Optional<Entry> found = first(instances, candidate);
                if (found.isPresent()) {
                    return found;
                }
            }
            for (int i = 0; i < instances.count(); i++) {
                Entry[] spelt = new Entry[1];
                int instance = i;
                instances.forEach(i, (key, value) -> {
                    if (spells(key, keyText)) {
                        spelt[0] = new Entry(key, value, instance);
                        return false;
                    }
                    return true;
                });
                if (spelt[0] != null) {
                    return Optional.of(spelt[0]);
                }
            }
            return Optional.empty();
        }

        @Override
        public Entries entries(int limit) {
            if (limit < 0) {
                throw new IllegalArgumentException("Store '" + name + "' of node '" + nodeId
                        + "': the limit of entries must be 0 or more, found " + limit);
            }
            Instances instances = read.apply(k -> true);
            List<Entry> entries = new ArrayList<>(Math.min(limit, 1024));
            long total = 0;
            for (int i = 0; i < instances.count(); i++) {
                total += instances.size(i);
                int instance = i;
                if (entries.size() < limit) {
                    instances.forEach(i, (key, value) -> {
                        entries.add(new Entry(key, value, instance));
                        return entries.size() < limit;
                    });
                }
            }
            // On LOCAL the node may add keys between size and forEach; never say fewer than were listed.
            return new Entries(entries, Math.max(total, entries.size()));
        }

        private static Optional<Entry> first(Instances instances, Object key) {
            for (int i = 0; i < instances.count(); i++) {
                Object value = instances.get(i, key);
                if (value != null) {
                    return Optional.of(new Entry(key, value, i));
                }
            }
            return Optional.empty();
        }
    }
}
