package io.sluice.kafka;

import io.sluice.GraphFactory;
import java.nio.file.Path;
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
 * @param mode threads or processes
 * @param factory for processes, what rebuilds the graph: a {@link GraphFactory}'s class name, or a pipeline file that
 *     a {@link io.sluice.spi.GraphLoader} reads; {@code null} for threads
 * @param logDirectory for processes, where each node's worker writes {@code <node>.log}
 */
public record Workers(Mode mode, String factory, Path logDirectory) {

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
}
