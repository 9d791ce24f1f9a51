package io.sluice.kafka;

import io.sluice.GraphFactory;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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
 * <p>A worker process is {@code <java.home>/bin/java <jvmOptions> -cp <classPath> io.sluice.kafka.Worker …}, run
 * with the deploying JVM's own {@code java}; it receives every field of the deployment's {@link KafkaOptions} (the
 * serde by its class name, which therefore needs a public no-argument constructor). The options in the environment
 * variable {@value #JVM_OPTIONS_VARIABLE} of the deploying JVM, separated by white space, come before {@code
 * jvmOptions}, for every worker of every deployment: a setting for the machine rather than the graph
 * ({@code SLUICE_WORKER_JAVA_OPTS="-XX:+UseSerialGC"}). Where the two set the same option, the JVM takes {@code
 * jvmOptions}; options it refuses (two collectors, an unknown option) fail the deployment with its complaint.
 *
 * <pre>{@code
 * Workers.processes(RevenueGraph.class, Path.of("logs"))
 *     .withJvmOptions("-Xmx512m")
 *     .withRestartLimit(10, Duration.ofMinutes(5));
 * }</pre>
 *
 * @param mode threads or processes
 * @param factory for processes, what rebuilds the graph: a {@link GraphFactory}'s class name, or a pipeline file that
 *     a {@link io.sluice.spi.GraphLoader} reads; {@code null} for threads
 * @param logDirectory for processes, where each node's worker writes {@code <node>.log}
 * @param classPath for processes, the workers' class path, entries separated by {@link File#pathSeparator}: it must
 *     hold Sluice, Kafka's clients and the graph's classes. {@link #processes} sets this JVM's {@code
 *     java.class.path}, which is right when the program was started with {@code java -cp …}; a program that loads
 *     its classes otherwise (a class loader of its own, an application server, a build tool's runner) must set it.
 *     {@code null} for threads
 * @param jvmOptions for processes, options given to each worker's JVM before its main class ({@code -Xmx512m},
 *     {@code -Dkey=value}); none by default
 * @param restartLimit for processes, how many times a node's worker that died (a crash, {@code kill -9}) is restarted
 *     within {@code restartWindow}; one more death within the window fails the deployment. 10 by default
 * @param restartWindow for processes, the window {@code restartLimit} counts in: restarts older than this are
 *     forgotten, so a deployment that runs for months is not failed by rare deaths. Five minutes by default
 */
public record Workers(
        Mode mode,
        String factory,
        Path logDirectory,
        String classPath,
        List<String> jvmOptions,
        int restartLimit,
        Duration restartWindow) {

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
        if (mode == Mode.PROCESSES && (classPath == null || classPath.isBlank())) {
            throw new IllegalArgumentException("Workers.classPath: worker processes need a class path holding Sluice"
                    + " and the graph's classes; found " + (classPath == null ? "none" : "'" + classPath + "'"));
        }
        jvmOptions = List.copyOf(Objects.requireNonNull(jvmOptions, "jvmOptions"));
        if (restartLimit < 0) {
            throw new IllegalArgumentException("Workers.restartLimit: must be ≥ 0, found " + restartLimit);
        }
        if (restartWindow == null || restartWindow.isNegative() || restartWindow.isZero()) {
            throw new IllegalArgumentException("Workers.restartWindow: must be positive, found " + restartWindow);
        }
    }

    /**
     * Workers of {@code mode}, with this JVM's class path for processes, no JVM options and the default restart
     * limit.
     */
    public Workers(Mode mode, String factory, Path logDirectory) {
        this(
                mode,
                factory,
                logDirectory,
                mode == Mode.PROCESSES ? System.getProperty("java.class.path") : null,
                List.of(),
                DEFAULT_RESTART_LIMIT,
                DEFAULT_RESTART_WINDOW);
    }

    public static Workers threads() {
        return new Workers(Mode.THREADS, null, null);
    }

    /** The environment variable whose options every worker process gets before its deployment's own. */
    public static final String JVM_OPTIONS_VARIABLE = "SLUICE_WORKER_JAVA_OPTS";

    /** The options in {@value #JVM_OPTIONS_VARIABLE}, split at white space; none if it is unset or blank. */
    public static List<String> environmentJvmOptions() {
        String options = System.getenv(JVM_OPTIONS_VARIABLE);
        return options == null || options.isBlank()
                ? List.of()
                : List.of(options.strip().split("\\s+"));
    }

    /**
     * One process per node, each rebuilding the graph from a reference (a pipeline file), logging into a directory,
     * with this JVM's class path.
     */
    public static Workers processes(String graphReference, Path logDirectory) {
        return new Workers(Mode.PROCESSES, graphReference, logDirectory);
    }

    /**
     * One process per node, each rebuilding the graph with {@code factory}, logging into {@code logDirectory}, with
     * this JVM's class path.
     */
    public static Workers processes(Class<? extends GraphFactory> factory, Path logDirectory) {
        return new Workers(Mode.PROCESSES, factory.getName(), logDirectory);
    }

    /** These workers with another class path: entries separated by {@link File#pathSeparator}. */
    public Workers withClassPath(String classPath) {
        return new Workers(mode, factory, logDirectory, classPath, jvmOptions, restartLimit, restartWindow);
    }

    /** These workers with a class path of these entries (jars and directories). */
    public Workers withClassPath(List<Path> entries) {
        return withClassPath(String.join(
                File.pathSeparator, entries.stream().map(Path::toString).toList()));
    }

    /** These workers with these JVM options, given to each worker's {@code java} before its main class. */
    public Workers withJvmOptions(String... options) {
        return withJvmOptions(Arrays.asList(options));
    }

    /** These workers with these JVM options, given to each worker's {@code java} before its main class. */
    public Workers withJvmOptions(List<String> options) {
        return new Workers(mode, factory, logDirectory, classPath, options, restartLimit, restartWindow);
    }

    /**
     * These workers with another restart limit: a node's worker that dies is restarted at most {@code restarts} times
     * within any {@code window}.
     */
    public Workers withRestartLimit(int restarts, Duration window) {
        return new Workers(mode, factory, logDirectory, classPath, jvmOptions, restarts, window);
    }
}
