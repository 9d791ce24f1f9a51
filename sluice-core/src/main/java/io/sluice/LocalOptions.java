package io.sluice;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of a {@link SystemType#LOCAL} deployment.
 *
 * <pre>{@code
 * graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withMode(LocalOptions.Mode.SINGLE_THREAD));
 * }</pre>
 *
 * @param mode how instances are scheduled on threads
 * @param batchSize how many items travel together between tasks; synchronisation is paid once per batch
 * @param queueCapacity how many batches a task's input queue holds before its producers wait (backpressure); memory
 *     in flight is bounded by about {@code batchSize × queueCapacity} items per task
 * @param chaining whether nodes joined by a forward edge with equal parallelism run as one task, by direct calls
 * @param checkpoints where checkpoints are kept: the start nodes' positions, every node store's content and the end
 *     nodes' output positions, as one consistent cut, so that a restarted deployment resumes where the last checkpoint
 *     stands with state that matches; needs {@link Resumable} start nodes
 * @param checkpointInterval the time from the end of one checkpoint to the start of the next; sources pause while a
 *     checkpoint is taken
 * @param graphFactory for {@link Mode#MULTI_PROCESS}: the {@link GraphFactory} (a class name, or a pipeline file)
 *     each node's process builds the graph from
 * @param keptResults how many of the latest results each end node keeps in memory for {@link Deployment#results};
 *     older ones are let go (a long-running deployment behind the HTTP API stays bounded). Unbounded by default
 */
public record LocalOptions(
        Mode mode,
        int batchSize,
        int queueCapacity,
        boolean chaining,
        Optional<Path> checkpoints,
        Duration checkpointInterval,
        long keptResults,
        Optional<String> graphFactory)
        implements DeploymentOptions {

    /** How a LOCAL deployment uses threads. */
    public enum Mode {
        /**
         * Every instance runs on the thread that calls {@link Deployment#awaitCompletion}, in a fixed order: the same
         * input gives the same output in the same order. Nothing runs until that call.
         */
        SINGLE_THREAD,
        /** Each task (a chain of node instances) runs on its own thread, joined by bounded queues. The default. */
        MULTI_THREAD,
        /**
         * Each node runs in a process of its own on this machine, joined through a Kafka broker the deploying
         * process starts for the deployment — nothing to install — with exactly-once and the KAFKA runtime's
         * recovery: a node process that dies is restarted and resumes. Needs the module {@code sluice-processes} and
         * a graph factory ({@link LocalOptions#withProcesses}).
         */
        MULTI_PROCESS
    }

    public LocalOptions {
        if (mode == null) {
            throw new IllegalArgumentException(
                    "LocalOptions.mode: expected SINGLE_THREAD, MULTI_THREAD or MULTI_PROCESS but found null");
        }
        Objects.requireNonNull(graphFactory, "graphFactory");
        if (mode == Mode.MULTI_PROCESS && graphFactory.isEmpty()) {
            throw new IllegalArgumentException("LocalOptions: MULTI_PROCESS mode needs the graph's factory, which each"
                    + " node's process builds the graph from; use withProcesses(MyGraph.class)");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("LocalOptions.batchSize: must be ≥ 1, found " + batchSize);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("LocalOptions.queueCapacity: must be ≥ 1, found " + queueCapacity);
        }
        Objects.requireNonNull(checkpoints, "checkpoints");
        if (checkpointInterval == null || checkpointInterval.isNegative() || checkpointInterval.isZero()) {
            throw new IllegalArgumentException(
                    "LocalOptions.checkpointInterval: must be positive, found " + checkpointInterval);
        }
        if (keptResults < 1) {
            throw new IllegalArgumentException("LocalOptions.keptResults: must be ≥ 1, found " + keptResults);
        }
    }

    public LocalOptions(Mode mode, int batchSize, int queueCapacity, boolean chaining) {
        this(mode, batchSize, queueCapacity, chaining, Optional.empty(), DEFAULT_CHECKPOINT_INTERVAL, Long.MAX_VALUE);
    }

    /** Options of a deployment in one process: no graph factory. */
    public LocalOptions(
            Mode mode,
            int batchSize,
            int queueCapacity,
            boolean chaining,
            Optional<Path> checkpoints,
            Duration checkpointInterval,
            long keptResults) {
        this(mode, batchSize, queueCapacity, chaining, checkpoints, checkpointInterval, keptResults, Optional.empty());
    }

    /** The interval between checkpoints unless set; what it costs is measured in docs/robustness.md. */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);

    /** Multi-thread, batches of 256 items, queues of 16 batches, chaining on. */
    public static LocalOptions defaults() {
        return new LocalOptions(Mode.MULTI_THREAD, 256, 16, true);
    }

    @Override
    public SystemType system() {
        return SystemType.LOCAL;
    }

    public LocalOptions withMode(Mode mode) {
        return new LocalOptions(
                mode, batchSize, queueCapacity, chaining, checkpoints, checkpointInterval, keptResults, graphFactory);
    }

    public LocalOptions withBatchSize(int batchSize) {
        return new LocalOptions(
                mode, batchSize, queueCapacity, chaining, checkpoints, checkpointInterval, keptResults, graphFactory);
    }

    public LocalOptions withQueueCapacity(int queueCapacity) {
        return new LocalOptions(
                mode, batchSize, queueCapacity, chaining, checkpoints, checkpointInterval, keptResults, graphFactory);
    }

    public LocalOptions withChaining(boolean chaining) {
        return new LocalOptions(
                mode, batchSize, queueCapacity, chaining, checkpoints, checkpointInterval, keptResults, graphFactory);
    }

    /**
     * Takes a checkpoint in {@code directory} every {@code interval}: start nodes' positions, stores and end nodes'
     * positions together, so that a deployment killed at any moment and started again with the same directory gives
     * exactly the results of one that never stopped. See {@link Resumable} and {@link KeyValueStore}.
     */
    public LocalOptions withCheckpoints(Path directory, Duration interval) {
        return new LocalOptions(
                mode, batchSize, queueCapacity, chaining, Optional.of(directory), interval, keptResults, graphFactory);
    }

    /** Takes a checkpoint in {@code directory} every {@link #DEFAULT_CHECKPOINT_INTERVAL}. */
    public LocalOptions withCheckpoints(Path directory) {
        return withCheckpoints(directory, DEFAULT_CHECKPOINT_INTERVAL);
    }

    /**
     * Keeps only the latest {@code max} results of each end node in memory; {@link Deployment#results(String, long,
     * int)} still numbers results from the first one ever kept, and reads from the oldest one still held.
     */
    public LocalOptions withKeptResults(long max) {
        return new LocalOptions(
                mode, batchSize, queueCapacity, chaining, checkpoints, checkpointInterval, max, graphFactory);
    }

    /**
     * Runs each node in a process of its own ({@link Mode#MULTI_PROCESS}), built from {@code factory}, which must
     * build the graph being deployed.
     *
     * <pre>{@code
     * graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withProcesses(RevenueGraph.class));
     * }</pre>
     */
    public LocalOptions withProcesses(Class<? extends GraphFactory> factory) {
        return withProcesses(factory.getName());
    }

    /** As {@link #withProcesses(Class)}, by a factory's class name or a pipeline file's path. */
    public LocalOptions withProcesses(String factory) {
        return new LocalOptions(
                Mode.MULTI_PROCESS,
                batchSize,
                queueCapacity,
                chaining,
                checkpoints,
                checkpointInterval,
                keptResults,
                Optional.of(factory));
    }
}
