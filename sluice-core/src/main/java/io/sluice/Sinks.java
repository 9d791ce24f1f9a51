package io.sluice;

import io.sluice.internal.nodes.LineSinks;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Ready-made end nodes. Each method returns a factory to pass to {@link ComputationalGraph.Builder#end}. */
public final class Sinks {

    private Sinks() {}

    /**
     * Keeps every item among the node's results, read with {@link Deployment#results(String)}. Every item is kept in
     * memory for the life of the deployment.
     */
    public static <T> Supplier<EndNode<T>> collect() {
        return () -> new EndNode<>() {
            private NodeContext context;

            @Override
            public void open(NodeContext context) {
                this.context = context;
            }

            @Override
            public void process(T item) {
                context.keepResult(item);
            }
        };
    }

    /** Passes each item to {@code callback}, which must be thread-safe when the node runs more than one instance. */
    public static <T> Supplier<EndNode<T>> callback(Consumer<? super T> callback) {
        Objects.requireNonNull(callback, "callback");
        return () -> callback::accept;
    }

    /** Prints each item on standard output, a line each. */
    public static Supplier<EndNode<Object>> stdout() {
        return () -> LineSinks.print(System.out);
    }

    /** Writes each item as a line of a UTF-8 file, replacing the file. Runs with parallelism 1. */
    public static Supplier<EndNode<Object>> lines(Path path) {
        Objects.requireNonNull(path, "path");
        return () -> LineSinks.file(path, false);
    }

    /**
     * Appends each item as a line of a UTF-8 file, creating it if needed: the sink for a graph that resumes from a
     * checkpoint ({@link LocalOptions#withCheckpoints}), where a restart must keep what the last run wrote. It is
     * {@link Resumable}: each checkpoint records the file's length, forced to disk, and a restart cuts the file back to
     * it, so that the items written again after a crash are there once. Without a checkpoint, a line left unfinished
     * by a crash is cut before appending. Runs with parallelism 1.
     */
    public static Supplier<EndNode<Object>> appendLines(Path path) {
        Objects.requireNonNull(path, "path");
        return () -> LineSinks.file(path, true);
    }

    /** Drops every item: for graphs run for their side effects, and for benchmarks. */
    public static <T> Supplier<EndNode<T>> discard() {
        return () -> item -> {};
    }
}
