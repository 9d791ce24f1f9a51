package io.sluice.testkit;

import io.sluice.KeyValueStore;
import io.sluice.StoreView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A {@link StoreView} over the stores of a node's instances as {@link GraphTestDriver} holds them, answering by the
 * rules {@link StoreView} states — the lowest instance holding a key answers, keys written as text are tried as a
 * {@code String}, {@code Long}, {@code Integer}, {@code Double}, {@code Boolean}, then by {@code toString()} — so that
 * a test reads a store the same way it reads a deployment's. Core keeps its implementation of those rules internal;
 * this one follows the same order.
 */
final class InstancesView implements StoreView {

    private static final Pattern WHOLE = Pattern.compile("-?\\d+");
    private static final Pattern NUMBER = Pattern.compile("-?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private final String nodeId;
    private final String name;
    private final Supplier<List<KeyValueStore<Object, Object>>> instances; // read at every call: the view is live

    InstancesView(String nodeId, String name, Supplier<List<KeyValueStore<Object, Object>>> instances) {
        this.nodeId = nodeId;
        this.name = name;
        this.instances = instances;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> Optional<V> get(Object key) {
        return key == null ? Optional.empty() : first(instances.get(), key).map(e -> (V) e.value());
    }

    @Override
    public Optional<Entry> find(String keyText) {
        List<KeyValueStore<Object, Object>> stores = instances.get();
        for (Object candidate : candidates(keyText)) {
            Optional<Entry> found = first(stores, candidate);
            if (found.isPresent()) {
                return found;
            }
        }
        for (Entry entry : all(stores)) {
            if (spells(entry.key(), keyText)) {
                return Optional.of(entry);
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
        List<Entry> all = all(instances.get());
        return new Entries(all.subList(0, Math.min(limit, all.size())), all.size());
    }

    private static Optional<Entry> first(List<KeyValueStore<Object, Object>> stores, Object key) {
        for (int i = 0; i < stores.size(); i++) {
            Object value = stores.get(i).get(key);
            if (value != null) {
                return Optional.of(new Entry(key, value, i));
            }
        }
        return Optional.empty();
    }

    private static List<Entry> all(List<KeyValueStore<Object, Object>> stores) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < stores.size(); i++) {
            int instance = i;
            stores.get(i).forEach((key, value) -> entries.add(new Entry(key, value, instance)));
        }
        return entries;
    }

    private static List<Object> candidates(String text) {
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
                // beyond a long: not a Long or Integer key; a Double may still match
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

    private static boolean spells(Object key, String text) {
        try {
            return text.equals(String.valueOf(key));
        } catch (RuntimeException e) {
            return false; // a key whose toString throws cannot be spelt
        }
    }
}
