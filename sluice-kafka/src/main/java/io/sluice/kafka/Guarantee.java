package io.sluice.kafka;

/** What a KAFKA deployment promises about each item when workers fail and restart. */
public enum Guarantee {
    /**
     * Every item is processed at least once: a worker commits its input offsets only after the records it produced
     * from them are acknowledged. After a crash, the items since the last commit are processed again.
     */
    AT_LEAST_ONCE,
    /**
     * Every item's effects appear exactly once downstream: output records and input offsets are committed in one
     * Kafka transaction, and consumers read committed records only.
     */
    EXACTLY_ONCE;

    /** The name in YAML and on the command line: {@code at-least-once} or {@code exactly-once}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * The guarantee a {@link #label()} names.
     *
     * @throws IllegalArgumentException naming the labels there are
     */
    public static Guarantee of(String label) {
        for (Guarantee guarantee : values()) {
            if (guarantee.label().equals(label)) {
                return guarantee;
            }
        }
        throw new IllegalArgumentException("expected at-least-once or exactly-once but found '" + label + "'");
    }
}
