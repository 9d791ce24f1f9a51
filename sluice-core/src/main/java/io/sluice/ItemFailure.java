package io.sluice;

import java.time.Instant;

/**
 * One failure of one item, as status keeps it under {@link Robustness.Level#TRACK} and dead letters carry it.
 *
 * @param node the node that threw
 * @param item the item it threw on, as text (cut at 200 characters)
 * @param error the exception's class and message
 * @param time when it happened
 * @param attempt which attempt of the source item failed: 1 for the first
 */
public record ItemFailure(String node, String item, String error, Instant time, int attempt) {

    /** One line for people: {@code node 'parse', item 7, attempt 2: IllegalStateException: no}. */
    public String summary() {
        return "node '" + node + "', item " + item + ", attempt " + attempt + ": " + error;
    }
}
