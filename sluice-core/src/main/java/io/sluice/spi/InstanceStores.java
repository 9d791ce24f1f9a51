package io.sluice.spi;

import io.sluice.KeyValueStore;
import io.sluice.NodeSpec;
import io.sluice.SluiceException;
import io.sluice.StoreSpec;
import io.sluice.ValueState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stores of one node instance, opened from the stores its spec declares with the backends {@link
 * ServiceLoader} finds. A runtime makes one per instance, hands the node its stores through the context, and goes
 * over {@link #all()} to commit and restore them.
 */
public final class InstanceStores implements AutoCloseable {

    /** The key under which a {@link ValueState} keeps its value in its store. */
    static final String VALUE_KEY = "value";

    private static final Map<String, StoreBackend> BACKENDS = new ConcurrentHashMap<>();

    private final String node;
    private final Map<String, InstanceStore> stores;

    private InstanceStores(String node, Map<String, InstanceStore> stores) {
        this.node = node;
        this.stores = stores;
    }

    private static final InstanceStores NONE = new InstanceStores("", Map.of());

    /** The stores of a node that declares none. */
    public static InstanceStores none() {
        return NONE;
    }

    /** Opens every store {@code spec} declares for instance {@code instance}; none if it declares none. */
    public static InstanceStores open(String graph, NodeSpec spec, int instance) {
        Map<String, InstanceStore> stores = new LinkedHashMap<>();
        List<InstanceStore> opened = new ArrayList<>();
        try {
            for (StoreSpec store : spec.stores()) {
                StoreEngine engine = backend(spec.id(), store).open(graph, spec.id(), instance, store);
                InstanceStore opening = new InstanceStore(spec.id(), store.name(), engine);
                opened.add(opening);
                stores.put(store.name(), opening);
            }
        } catch (RuntimeException e) {
            opened.forEach(s -> s.engine().close());
            throw e;
        }
        return new InstanceStores(spec.id(), stores);
    }

    /** The backend a store names, or a clear error listing the backends there are. */
    public static StoreBackend backend(String node, StoreSpec store) {
        StoreBackend backend = BACKENDS.get(store.backend());
        if (backend != null) {
            return backend;
        }
        Map<String, StoreBackend> found = new LinkedHashMap<>();
        for (StoreBackend candidate : ServiceLoader.load(StoreBackend.class, InstanceStores.class.getClassLoader())) {
            found.putIfAbsent(candidate.name(), candidate);
        }
        BACKENDS.putAll(found);
        backend = found.get(store.backend());
        if (backend == null) {
            throw new SluiceException("Store '" + store.name() + "' of node '" + node + "': no backend named '"
                    + store.backend() + "'; backends on the class path: " + new TreeSet<>(found.keySet())
                    + "; add the module that brings it (sluice-state-" + store.backend() + ")");
        }
        return backend;
    }

    /** Whether the node declares no store. */
    public boolean isEmpty() {
        return stores.isEmpty();
    }

    /** Every store, in declaration order. */
    public List<InstanceStore> all() {
        return List.copyOf(stores.values());
    }

    /** The store {@code name}, or {@code null} if the node declares none by that name. */
    public InstanceStore find(String name) {
        return stores.get(name);
    }

    /** The store {@code name} for the node's own use; a clear error if the node does not declare it. */
    @SuppressWarnings("unchecked")
    public <K, V> KeyValueStore<K, V> store(String name) {
        InstanceStore store = stores.get(name);
        if (store == null) {
            throw new IllegalArgumentException("Node '" + node + "' has no store '" + name + "'; "
                    + (stores.isEmpty() ? "it declares none" : "its stores: " + stores.keySet())
                    + "; declare it on the node: .stores(\"" + name + "\") on the builder, withStores(\"" + name
                    + "\") on a NodeSpec, or stores: [" + name + "] in YAML");
        }
        return (KeyValueStore<K, V>) (KeyValueStore<?, ?>) store;
    }

    /** A single value kept in the store {@code name}. */
    public <V> ValueState<V> valueState(String name) {
        KeyValueStore<Object, V> store = store(name);
        return new ValueState<>() {
            @Override
            public V get() {
                return store.get(VALUE_KEY);
            }

            @Override
            public void set(V value) {
                store.put(VALUE_KEY, value);
            }

            @Override
            public void clear() {
                store.delete(VALUE_KEY);
            }
        };
    }

    /** Makes every store gather its changes; see {@link InstanceStore#trackChanges}. */
    public void trackChanges() {
        for (InstanceStore store : stores.values()) {
            store.trackChanges();
        }
    }

    /** Starts a record's attempt on every store; see {@link InstanceStore#beginAttempt}. */
    public void beginAttempt() {
        for (InstanceStore store : stores.values()) {
            store.beginAttempt();
        }
    }

    /** Ends a record's attempt on every store, undoing its writes if it failed. */
    public void endAttempt(boolean succeeded) {
        for (InstanceStore store : stores.values()) {
            store.endAttempt(succeeded);
        }
    }

    /** Closes every engine. */
    @Override
    public void close() {
        for (InstanceStore store : stores.values()) {
            store.engine().close();
        }
    }
}
