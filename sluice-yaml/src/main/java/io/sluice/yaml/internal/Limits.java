package io.sluice.yaml.internal;

/**
 * The bounds a pipeline file must keep, so that no file — however large, deep or hostile — costs more than a bounded
 * amount of time, memory and output to read or to refuse. Documented in {@code docs/pipelines.md}.
 */
final class Limits {

    /** The largest pipeline file read, in bytes. */
    static final int FILE_BYTES = 10 * 1024 * 1024;

    /**
     * The most values (scalars, lists, mappings and aliases) a file may hold: what bounds the memory of its tree, some
     * hundred bytes a value, whatever the file's size.
     */
    static final int VALUES = 100_000;

    /** How deep collections may nest, counting the top mapping as 1. */
    static final int NESTING_DEPTH = 50;

    /** How many aliases (*name) of a list or mapping a file may use. */
    static final int COLLECTION_ALIASES = 10;

    /** How many problems are listed; the others are counted. */
    static final int PROBLEMS_LISTED = 100;

    /** The longest problem message; longer ones (quoting long values) are cut. */
    static final int PROBLEM_LENGTH = 1_000;

    /**
     * The most nodes a pipeline may define. LOCAL chains consecutive nodes into one call stack, which a chain of some
     * thousand nodes overflows; a graph of this size runs.
     */
    static final int NODES = 500;

    /** The most instances one node may run: each is a thread and a queue on LOCAL, a partition on KAFKA. */
    static final int PARALLELISM = 1024;

    private Limits() {}
}
