package io.sluice.kafka.internal;

/**
 * Faults a worker injects when its JVM is started with {@value #PROPERTY} (comma-separated), for the crash tests
 * only, so that they can show they would catch a broken recovery:
 *
 * <ul>
 *   <li>{@code commit-external-eagerly}: a consuming worker commits its external stores to their server as soon as it
 *       processed a batch, and the transaction that holds the batch only once the next batch arrived, so that the
 *       server holds writes of a transaction that may yet abort nearly all the time — which a restart must undo;
 *   <li>{@code skip-store-restore}: an external store keeps what its server holds on a restart instead of being put
 *       back to its changelog, the judge of what was committed.
 * </ul>
 */
final class CrashFaults {

    static final String PROPERTY = "sluice.kafka.fault";

    static final boolean COMMIT_EXTERNAL_EAGERLY = has("commit-external-eagerly");
    static final boolean SKIP_STORE_RESTORE = has("skip-store-restore");

    private CrashFaults() {}

    static {
        if (COMMIT_EXTERNAL_EAGERLY || SKIP_STORE_RESTORE) {
            org.slf4j.LoggerFactory.getLogger(CrashFaults.class)
                    .warn(
                            "Injecting faults for a crash test ({}={}): this worker's recovery is broken on purpose",
                            PROPERTY,
                            System.getProperty(PROPERTY));
        }
    }

    private static boolean has(String fault) {
        return System.getProperty(PROPERTY, "").contains(fault);
    }
}
