package io.sluice.kafka;

import io.sluice.GraphFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where a KAFKA deployment runs its workers.
 *
 * <ul>
 *   <li>{@link #threads()}: every node instance on a thread of the deploying JVM — tests and small jobs;
 *   <li>{@link #processes}: one OS process per node on this machine, each running all instances of its node,
 *       launched and supervised by the deployment (a crashed worker is restarted and resumes from its committed
 *       offsets), with a log file per node. A process rebuilds the graph from a {@link GraphFactory}.
 * </ul>
 *
 * <pre>{@code
 * Workers.processes(RevenueGraph.class, Path.of("logs")).withRestartLimit(10, Duration.ofMinutes(5));
 * }</pre>
 *
 * @param mode threads or processes
 * @param factory for processes, what rebuilds the graph: a {@link GraphFactory}'s class name, or a pipeline file that
 *     a {@link io.sluice.spi.GraphLoader} reads; {@code null} for threads
 * @param logDirectory for processes, where each node's worker writes {@code <node>.log}
 * @param restartLimit for processes, how many times a node's worker that died (a crash, {@code kill -9}) is restarted
 *     within {@code restartWindow}; one more death within the window fails the deployment. 10 by default
 * @param restartWindow for processes, the window {@code restartLimit} counts in: restarts older than this are
 *     forgotten, so a deployment that runs for months is not failed by rare deaths. Five minutes by default
 */
public record Workers(Mode mode, String factory, Path logDirectory, int restartLimit, Duration restartWindow) {

    /** How many restarts within {@link #DEFAULT_RESTART_WINDOW} a node's worker gets unless set otherwise. */
    public static final int DEFAULT_RESTART_LIMIT = 10;

    /** The window {@link #DEFAULT_RESTART_LIMIT} counts in unless set otherwise. */
    public static final Duration DEFAULT_RESTART_WINDOW = Duration.ofMinutes(5);

    /** How workers run. */
    public enum Mode {
        THREADS,
        PROCESSES
    }

    public Workers {
        Objects.requireNonNull(mode, "mode");
        if (mode == Mode.PROCESSES && (factory == null || logDirectory == null)) {
            throw new IllegalArgumentException("Workers.processes needs the graph's factory class and a log directory");
        }
        if (restartLimit < 0) {
            throw new IllegalArgumentException("Workers.restartLimit: must be ≥ 0, found " + restartLimit);
        }
        if (restartWindow == null || restartWindow.isNegative() || restartWindow.isZero()) {
            throw new IllegalArgumentException("Workers.restartWindow: must be positive, found " + restartWindow);
        }
    }

    /** Workers of {@code mode} with the default restart limit. */
    public Workers(Mode mode, String factory, Path logDirectory) {
        this(mode, factory, logDirectory, DEFAULT_RESTART_LIMIT, DEFAULT_RESTART_WINDOW);
    }

    public static Workers threads() {
        return new Workers(Mode.THREADS, null, null);
    }

    /** One process per node, each rebuilding the graph from a reference (a pipeline file), logging into a directory. */
    public static Workers processes(String graphReference, Path logDirectory) {
        return new Workers(Mode.PROCESSES, graphReference, logDirectory);
    }

    /** One process per node, each rebuilding the graph with {@code factory}, logging into {@code logDirectory}. */
    public static Workers processes(Class<? extends GraphFactory> factory, Path logDirectory) {
        return new Workers(Mode.PROCESSES, factory.getName(), logDirectory);
    }

    /**
     * These workers with another restart limit: a node's worker that dies is restarted at most {@code restarts} times
     * within any {@code window}.
     */
    public Workers withRestartLimit(int restarts, Duration window) {
        return new Workers(mode, factory, logDirectory, restarts, window);
    }
}
