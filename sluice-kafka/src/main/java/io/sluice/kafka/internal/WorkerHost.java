package io.sluice.kafka.internal;

import io.sluice.ComputationalGraph;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.TopicPlan;

/** What runs {@link InstanceWorker}s: the deploying JVM (threads) or a worker process (one node). */
interface WorkerHost {

    ComputationalGraph graph();

    KafkaOptions options();

    TopicPlan plan();

    /** Whether workers should go on; false once the host is stopping or failed. */
    boolean isRunning();

    /** A worker failed: record it and stop the others. */
    void fail(InstanceWorker worker, Throwable error);

    /** A worker ended, one way or another. */
    void workerFinished();

    /**
     * Whether the host reads its workers' counters directly to compare nodes (workers as threads): then a worker
     * publishes its counters before each record it sends, so that no downstream node can count an item in before its
     * upstream has counted it out where a reader sees it.
     */
    default boolean readsCountersLive() {
        return false;
    }
}
