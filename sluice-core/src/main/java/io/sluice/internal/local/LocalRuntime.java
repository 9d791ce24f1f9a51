package io.sluice.internal.local;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentOptions;
import io.sluice.LocalOptions;
import io.sluice.SluiceException;
import io.sluice.SystemType;
import io.sluice.spi.SystemRuntime;

/** The LOCAL runtime: the embedded default, found through {@link java.util.ServiceLoader} like any other. */
public final class LocalRuntime implements SystemRuntime {

    @Override
    public SystemType system() {
        return SystemType.LOCAL;
    }

    @Override
    public DeploymentOptions defaultOptions() {
        return LocalOptions.defaults();
    }

    @Override
    public Deployment deploy(ComputationalGraph graph, DeploymentOptions options) {
        if (!(options instanceof LocalOptions local)) {
            throw new SluiceException("A LOCAL deployment takes LocalOptions; found "
                    + options.getClass().getName());
        }
        return LocalDeployment.start(graph, local);
    }
}
