package io.sluice.testkit;

/**
 * How much work a measuring test does: one that prints figures for the docs and asserts only that its work was done
 * and came out right. In the test suite it runs a small size, enough to check the measured path end to end without
 * spending the suite's time on figures nobody reads there; with {@code -Dsluice.measure=full} it runs the size the
 * docs' figures come from, as their reproduce commands say:
 *
 * <pre>{@code
 * ./mvnw -B -o test -pl sluice-state-redis -am -Dtest=WriteBehindThroughputTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dsluice.measure=full
 * }</pre>
 */
public final class Measurement {

    /** The system property that asks for the full size: {@code -Dsluice.measure=full}. */
    public static final String PROPERTY = "sluice.measure";

    private Measurement() {}

    /** Whether this run measures in full, for the docs' figures. */
    public static boolean full() {
        return "full".equals(System.getProperty(PROPERTY));
    }

    /** {@code full} when {@link #full() measuring in full}, {@code inSuite} otherwise. */
    public static int size(int full, int inSuite) {
        return full() ? full : inSuite;
    }

    /** How the figures printed were measured, for the report's heading: "in full" or "at test-suite size". */
    public static String describe() {
        return full() ? "in full" : "at test-suite size (" + PROPERTY + "=full for the docs' figures)";
    }
}
