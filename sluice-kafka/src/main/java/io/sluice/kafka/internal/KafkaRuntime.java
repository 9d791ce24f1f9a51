package io.sluice.kafka.internal;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentOptions;
import io.sluice.SluiceException;
import io.sluice.SystemType;
import io.sluice.kafka.KafkaOptions;
import io.sluice.spi.SystemRuntime;

/** The KAFKA runtime, found through {@link java.util.ServiceLoader}. */
public final class KafkaRuntime implements SystemRuntime {

    @Override
    public SystemType system() {
        return SystemType.KAFKA;
    }

    /** A KAFKA deployment needs to know where the cluster is: read it from {@code SLUICE_KAFKA_BOOTSTRAP}. */
    @Override
    public DeploymentOptions defaultOptions() {
        String bootstrap = System.getenv("SLUICE_KAFKA_BOOTSTRAP");
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new SluiceException("A KAFKA deployment needs the address of a Kafka cluster: set the environment"
                    + " variable SLUICE_KAFKA_BOOTSTRAP=host:port, or call deploy(SystemType.KAFKA,"
                    + " KafkaOptions.of(\"host:port\"))");
        }
        return KafkaOptions.of(bootstrap);
    }

    @Override
    public Deployment deploy(ComputationalGraph graph, DeploymentOptions options) {
        if (!(options instanceof KafkaOptions kafka)) {
            throw new SluiceException("A KAFKA deployment takes KafkaOptions; found "
                    + options.getClass().getName());
        }
        return KafkaDeployment.start(graph, kafka);
    }
}
