package io.sluice;

import java.util.Map;
import java.util.Objects;

/**
 * A store declared on a node: its name, which the node passes to {@link NodeContext#store}, and the backend that
 * holds it while the node runs.
 *
 * <p>Backends are found by name with {@link java.util.ServiceLoader} ({@link io.sluice.spi.StoreBackend}); {@code
 * memory} is built in. Whatever the backend, the runtime makes the store durable: in the checkpoint on LOCAL, in a
 * compacted changelog topic on KAFKA.
 *
 * <pre>{@code
 * NodeSpec count = NodeSpec.node("count", Count::new).withStores(StoreSpec.memory("counts"));
 * }</pre>
 *
 * @param name the store's name, unique on its node; letters, digits, {@code _} and {@code -}, as it names a topic
 * @param backend the name of the backend, {@code memory} unless set
 * @param config the backend's settings (a connection, a table); empty for {@code memory}
 */
public record StoreSpec(String name, String backend, Map<String, String> config) {

    /** The backend every store has unless told otherwise. */
    public static final String MEMORY = "memory";

    public StoreSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(backend, "backend");
        config = Map.copyOf(config);
    }

    /** A store held in the process's memory. */
    public static StoreSpec memory(String name) {
        return new StoreSpec(name, MEMORY, Map.of());
    }

    /** A store held by the backend {@code backend}, configured with {@code config}. */
    public static StoreSpec of(String name, String backend, Map<String, String> config) {
        return new StoreSpec(name, backend, config);
    }

    /** The spec as text, with the value of every setting that looks like a secret (password, secret, token) hidden. */
    @Override
    public String toString() {
        Map<String, String> shown = new java.util.TreeMap<>();
        config.forEach((key, value) -> {
            String k = key.toLowerCase(java.util.Locale.ROOT);
            boolean secret = k.contains("password") || k.contains("secret") || k.contains("token");
            shown.put(key, secret ? "****" : value);
        });
        return "StoreSpec[name=" + name + ", backend=" + backend + ", config=" + shown + "]";
    }
}
