package io.sluice.spi;

import io.sluice.ComputationalGraph;

/**
 * Builds a graph from a reference other than a class name — a pipeline file, for instance — so that a worker process
 * can rebuild the graph it was deployed from. Found with {@link java.util.ServiceLoader}; the YAML module brings one for
 * {@code *.yaml} files.
 */
public interface GraphLoader {

    /** Whether this loader reads {@code reference}. */
    boolean accepts(String reference);

    /** Builds the graph {@code reference} describes; errors name the reference. */
    ComputationalGraph load(String reference);
}
