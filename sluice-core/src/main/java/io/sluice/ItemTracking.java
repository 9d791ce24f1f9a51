package io.sluice;

import java.util.List;
import java.util.Locale;

/**
 * What a deployment knows about its items under {@link Robustness.Level#CONFIRM} or higher.
 *
 * @param level the graph-wide robustness level
 * @param introduced items the start nodes emitted (a replay does not count again)
 * @param completed items completely processed: every item derived from them reached an end node or was consumed
 * @param failed items given up: failed under CONFIRM or TRACK, or out of attempts under REPLAY
 * @param replays replays done under REPLAY
 * @param deadLettered items handed to the dead-letter output
 * @param recentFailures the most recent failures, oldest first (kept from TRACK up)
 */
public record ItemTracking(
        Robustness.Level level,
        long introduced,
        long completed,
        long failed,
        long replays,
        long deadLettered,
        List<ItemFailure> recentFailures) {

    public ItemTracking {
        recentFailures = List.copyOf(recentFailures);
    }

    /** Items introduced but neither completed nor given up yet. */
    public long pending() {
        return introduced - completed - failed;
    }

    /** One line for people: {@code CONFIRM: 15 introduced, 15 completely processed, 0 pending, … — all processed}. */
    public String summary() {
        return String.format(
                Locale.ROOT,
                "%s: %,d introduced, %,d completely processed, %,d pending, %,d failed, %,d replays, %,d"
                        + " dead-lettered — %s",
                level,
                introduced,
                completed,
                pending(),
                failed,
                replays,
                deadLettered,
                allProcessed() ? "all processed" : "not all processed");
    }

    /** Whether every item introduced so far was completely processed: none pending, none failed. */
    public boolean allProcessed() {
        return pending() == 0 && failed == 0;
    }
}
