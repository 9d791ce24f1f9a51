package io.sluice.spi;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentOptions;
import io.sluice.SystemType;

/**
 * A runtime that deploys graphs on one {@link SystemType}. Runtimes are found with {@link java.util.ServiceLoader}:
 * a module that brings one lists its class in {@code META-INF/services/io.sluice.spi.SystemRuntime}. They are looked up
 * once, at the first deployment, and then serve every deployment of the JVM.
 *
 * <p>Implementations are stateless or thread-safe; {@link #deploy} may be called concurrently.
 */
public interface SystemRuntime {

    /** The system this runtime deploys on. */
    SystemType system();

    /** The options used by {@link ComputationalGraph#deploySystem(SystemType)}. */
    DeploymentOptions defaultOptions();

    /**
     * Deploys a validated graph and returns its running deployment.
     *
     * @param options options of this runtime's system, as checked by the caller
     */
    Deployment deploy(ComputationalGraph graph, DeploymentOptions options);
}
