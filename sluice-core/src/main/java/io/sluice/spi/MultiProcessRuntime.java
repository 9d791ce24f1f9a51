package io.sluice.spi;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.LocalOptions;

/**
 * Runs a LOCAL deployment in {@link LocalOptions.Mode#MULTI_PROCESS} mode: one process per node on this machine. Found
 * with {@link java.util.ServiceLoader}; the module {@code sluice-processes} brings one.
 */
public interface MultiProcessRuntime {

    /**
     * Deploys a validated graph, each node in a process built from {@code options.graphFactory()}.
     *
     * @throws io.sluice.SluiceException if the factory does not build this graph, or what the processes need cannot
     *     be started
     */
    Deployment deploy(ComputationalGraph graph, LocalOptions options);
}
