package io.sluice.spi;

import io.sluice.StoreSpec;

/**
 * A kind of store ({@link StoreSpec#backend()}), found by name with {@link java.util.ServiceLoader}: a module that
 * brings one lists its class in {@code META-INF/services/io.sluice.spi.StoreBackend}. Core brings {@code memory}.
 *
 * <p>Implementations are thread-safe: {@link #open} is called once per store of every node instance.
 */
public interface StoreBackend {

    /** The name a {@link StoreSpec} gives to choose this backend. */
    String name();

    /**
     * Opens the engine of one store of one node instance.
     *
     * @param graph the graph's name
     * @param node the node's id
     * @param instance the instance's index
     * @param spec the store as declared
     * @throws RuntimeException if the store cannot be opened; the message names the backend and what it tried
     */
    StoreEngine open(String graph, String node, int instance, StoreSpec spec);

    /**
     * Checks a store's settings without opening anything, so that a mistake shows up when the graph is read (with the
     * YAML line it came from), not when a node first opens the store. Nothing by default.
     *
     * @param node the id of the node that declares the store
     * @throws RuntimeException naming the setting, what was expected and what was found
     */
    default void check(String node, StoreSpec spec) {}
}
