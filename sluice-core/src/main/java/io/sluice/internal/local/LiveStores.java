package io.sluice.internal.local;

import io.sluice.spi.InstanceStore;
import io.sluice.spi.StoreQueries;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * One store of a node over its running instances, for queries from other threads: it reads the instances' own stores
 * through the engine's {@code get} and {@code forEach}, which engines keep safe to call while the node writes.
 */
final class LiveStores implements StoreQueries.Instances {

    /** Ends a {@code forEach} early; one instance, no stack trace: it is control flow, not an error. */
    private static final RuntimeException ENOUGH = new RuntimeException("enough", null, false, false) {
        private static final long serialVersionUID = 1L;
    };

    private final List<Operator> operators;
    private final String store;

    LiveStores(List<Operator> operators, String store) {
        this.operators = List.copyOf(operators);
        this.store = store;
    }

    @Override
    public int count() {
        return operators.size();
    }

    @Override
    public Object get(int instance, Object key) {
        InstanceStore store = store(instance);
        return store == null ? null : store.get(key);
    }

    @Override
    public void forEach(int instance, BiPredicate<Object, Object> action) {
        InstanceStore store = store(instance);
        if (store == null) {
            return;
        }
        try {
            store.forEach((key, value) -> {
                if (!action.test(key, value)) {
                    throw ENOUGH;
                }
            });
        } catch (RuntimeException e) {
            if (e != ENOUGH) {
                throw e;
            }
        }
    }

    @Override
    public long size(int instance) {
        InstanceStore store = store(instance);
        return store == null ? 0 : store.size();
    }

    private InstanceStore store(int instance) {
        return operators.get(instance).stores.find(store);
    }
}
