package io.sluice.kafka.internal;

/**
 * Faults a worker injects when its JVM is started with {@value #PROPERTY} (comma-separated), for the crash tests
 * only, so that they can show they would catch a broken recovery:
 *
 * <ul>
 *   <li>{@code commit-late}: a consuming worker commits the transaction that holds a batch only once the next batch
 *       arrived, and its external stores to their server at once, so that nearly all the time the server holds writes
 *       of a transaction that may yet abort — which a restart must undo — and a kill finds output written but not
 *       committed. The protocol stays correct: only the window a kill can hit widens;
 *   <li>{@code halt-before-first-commit}: with {@code commit-late}, a consuming worker halts its JVM (exit code 137,
 *       as SIGKILL leaves it) right after its first records' writes reached its external stores' server, before any
 *       transaction holds them — once per node in a deployment: the first worker of the node to get there creates
 *       the file named after the node in the directory {@value #ONCE_PROPERTY} names, and a worker that finds it goes
 *       on;
 *   <li>{@code skip-store-restore}: a store is not put back to its changelog, the judge of what was committed, on a
 *       restart: an external store keeps what its server holds, and a store in memory starts empty.
 *   <li>{@code sink-own-producer}: a sink to a named topic, or a graph output, writes with a producer of its own
 *       instead of joining the worker's transaction, so that a restart writes again what the killed worker had
 *       written.
 *   <li>{@code halt-after-sink-write}: with {@code sink-own-producer}, the worker of a sink to a named topic, or of a
 *       graph output, halts its JVM (exit code 137, as SIGKILL leaves it) right after its own producer sent the
 *       records of its first input batch and the broker acknowledged them, before the transaction that holds the
 *       batch's input offsets commits, so that its restart reads the batch again and writes it twice — once per node
 *       in a deployment, as {@code halt-before-first-commit}. The power check then finds duplicates whether or not a
 *       random kill lands between a write and its commit.
 *   <li>{@code restore-by-instance}: an instance restores its stores from the changelog partition of its index alone,
 *       as before changelogs had room to grow, instead of from every partition it owns — so that a rescale test can
 *       show it catches an instance that did not take up the keys its new input brings.
 *   <li>{@code offsets-on-read}: a consuming worker commits its input offsets as soon as it has handed a poll's
 *       records to the node (at-most-once), outside its transaction and ahead of the output they produce, so that a
 *       kill loses the records it had read and not yet written.
 *   <li>{@code member-completes-alone}: an elastic node's member takes the node's input as ended once its own
 *       partitions have (at once, while it has none), without learning the others' from the group's committed
 *       offsets — so that the elastic test can show it catches end markers written ahead of other members' output.
 * </ul>
 */
final class CrashFaults {

    static final String PROPERTY = "sluice.kafka.fault";
    static final String ONCE_PROPERTY = "sluice.kafka.fault.once";

    static final boolean COMMIT_LATE = has("commit-late");
    static final boolean HALT_BEFORE_FIRST_COMMIT = has("halt-before-first-commit");
    static final boolean SKIP_STORE_RESTORE = has("skip-store-restore");
    static final boolean SINK_OWN_PRODUCER = has("sink-own-producer");
    static final boolean HALT_AFTER_SINK_WRITE = has("halt-after-sink-write");
    static final boolean RESTORE_BY_INSTANCE = has("restore-by-instance");
    static final boolean MEMBER_COMPLETES_ALONE = has("member-completes-alone");
    static final boolean OFFSETS_ON_READ = has("offsets-on-read");

    private CrashFaults() {}

    static {
        if (COMMIT_LATE
                || HALT_BEFORE_FIRST_COMMIT
                || SKIP_STORE_RESTORE
                || SINK_OWN_PRODUCER
                || HALT_AFTER_SINK_WRITE
                || RESTORE_BY_INSTANCE
                || MEMBER_COMPLETES_ALONE
                || OFFSETS_ON_READ) {
            org.slf4j.LoggerFactory.getLogger(CrashFaults.class)
                    .warn(
                            "Injecting faults for a crash test ({}={}): this worker's recovery is broken on purpose",
                            PROPERTY,
                            System.getProperty(PROPERTY));
        }
    }

    /** Halts this JVM as a SIGKILL would, unless a worker of {@code node} did so before in this deployment. */
    static void haltOnce(String node) {
        haltOnce(node, () -> {});
    }

    /** As {@link #haltOnce(String)}, running {@code last} first when it halts, and only then. */
    static void haltOnce(String node, Runnable last) {
        java.nio.file.Path marker = java.nio.file.Path.of(System.getProperty(ONCE_PROPERTY), node);
        try {
            java.nio.file.Files.createFile(marker);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        last.run();
        Runtime.getRuntime().halt(137);
    }

    private static boolean has(String fault) {
        return System.getProperty(PROPERTY, "").contains(fault);
    }
}
