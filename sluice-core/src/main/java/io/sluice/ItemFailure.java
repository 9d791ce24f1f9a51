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

    /** The failure {@code failure} reports, now, in attempt {@code attempt}: its node, its item and its cause. */
    public static ItemFailure of(NodeFailedException failure, int attempt) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        return new ItemFailure(failure.nodeId(), failure.item().orElse(""), errorOf(cause), Instant.now(), attempt);
    }

    /** How failures name an exception: its simple class name and its message, {@code IllegalStateException: no}. */
    public static String errorOf(Throwable error) {
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** One line for people: {@code node 'parse', item 7, attempt 2: IllegalStateException: no}. */
    public String summary() {
        return "node '" + node + "', item " + item + ", attempt " + attempt + ": " + error;
    }
}
