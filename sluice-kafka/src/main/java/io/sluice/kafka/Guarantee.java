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
    EXACTLY_ONCE
}
