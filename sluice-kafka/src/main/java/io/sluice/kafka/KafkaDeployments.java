package io.sluice.kafka;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.kafka.internal.AttachedDeployment;

/** Handles on graphs already running on Kafka. */
public final class KafkaDeployments {

    private KafkaDeployments() {}

    /**
     * A handle on {@code graph} as it runs on the cluster {@code options} names — deployed by another process, by
     * {@code sluice deploy}, or in containers. Its status comes from the workers' heartbeats on
     * {@code <graph>.__status}, its results from the results topics, its stores ({@link Deployment#store}) from their
     * changelog topics. Closing it stops nothing. It joins what it finds: {@link KafkaOptions#onExisting()} is the
     * deploying side's choice and does not apply here.
     */
    public static Deployment attach(ComputationalGraph graph, KafkaOptions options) {
        return new AttachedDeployment(graph, options);
    }
}
