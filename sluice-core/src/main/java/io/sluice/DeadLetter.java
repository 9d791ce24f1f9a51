package io.sluice;

import java.util.List;

/**
 * What the dead-letter end node receives for an item given up under {@link Robustness.Level#REPLAY}: the source item,
 * the start node that introduced it, and every failure of every attempt.
 *
 * @param source the start node the item came from
 * @param item the item as the start node emitted it
 * @param attempts how many times it was processed
 * @param failures every failure, oldest first; the last is why it was given up
 */
public record DeadLetter(String source, Object item, int attempts, List<ItemFailure> failures) {

    public DeadLetter {
        failures = List.copyOf(failures);
    }

    /** The failure that made the runtime give the item up. */
    public ItemFailure lastFailure() {
        return failures.get(failures.size() - 1);
    }
}
