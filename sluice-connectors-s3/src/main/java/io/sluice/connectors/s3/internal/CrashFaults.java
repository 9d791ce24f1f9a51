package io.sluice.connectors.s3.internal;

import org.slf4j.LoggerFactory;

/**
 * Faults the S3 sink injects when its JVM is started with {@value #PROPERTY}, for the crash tests only, so that they
 * can show they would catch a broken commit:
 *
 * <ul>
 *   <li>{@code complete-on-roll}: a rolled part file completes at once instead of when the position holding it is
 *       committed, so a file becomes visible that a restart from the last commit deletes again.
 * </ul>
 */
final class CrashFaults {

    static final String PROPERTY = "sluice.s3.fault";

    static final boolean COMPLETE_ON_ROLL = System.getProperty(PROPERTY, "").contains("complete-on-roll");

    private CrashFaults() {}

    static {
        if (COMPLETE_ON_ROLL) {
            LoggerFactory.getLogger(CrashFaults.class)
                    .warn(
                            "Injecting faults for a crash test ({}={}): this S3 sink's commit is broken on purpose",
                            PROPERTY,
                            System.getProperty(PROPERTY));
        }
    }
}
