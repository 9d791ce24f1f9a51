package io.sluice.kafka.internal;

import io.sluice.SluiceException;

/**
 * The JSON serde refused an item: to write it, because KAFKA could not read it back as it is, or to read it, because
 * its record names a class that is not allowed. {@link #problem()} says what and why, in words that follow "Node 'x'
 * emitted …" or "… cannot read the record at …: ".
 */
final class ItemTypeException extends SluiceException {

    private static final long serialVersionUID = 1L;

    private final String problem;

    ItemTypeException(String message, String problem, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    /** A refusal to write: {@code problem} names the item's class and says why. */
    static ItemTypeException unwritable(String problem, Throwable cause) {
        return new ItemTypeException("Cannot write " + problem, problem, cause);
    }

    /** A refusal to read. */
    static ItemTypeException unreadable(String problem) {
        return new ItemTypeException(problem, problem, null);
    }

    String problem() {
        return problem;
    }
}
