package io.sluice.internal.state;

import io.sluice.StoreSpec;
import io.sluice.spi.StoreBackend;
import io.sluice.spi.StoreEngine;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The {@code memory} backend: a concurrent hash map per store, so that a query from another thread reads it safely
 * while the node writes. Its content is lost with the process; the runtime makes it durable (checkpoint, changelog).
 */
public final class MemoryBackend implements StoreBackend {

    @Override
    public String name() {
        return StoreSpec.MEMORY;
    }

    @Override
    public StoreEngine open(String graph, String node, int instance, StoreSpec spec) {
        if (!spec.config().isEmpty()) {
            throw new IllegalArgumentException(
                    "Store '" + spec.name() + "' of node '" + node + "': the memory backend takes no settings, found "
                            + spec.config().keySet());
        }
        return new Engine();
    }

    private static final class Engine implements StoreEngine {
        private final Map<Object, Object> map = new ConcurrentHashMap<>();

        @Override
        public Object get(Object key) {
            return map.get(key);
        }

        @Override
        public void put(Object key, Object value) {
            map.put(key, value);
        }

        @Override
        public void delete(Object key) {
            map.remove(key);
        }

        @Override
        public void forEach(BiConsumer<Object, Object> action) {
            map.forEach(action);
        }

        @Override
        public long size() {
            return map.size();
        }

        @Override
        public void clear() {
            map.clear();
        }
    }
}
