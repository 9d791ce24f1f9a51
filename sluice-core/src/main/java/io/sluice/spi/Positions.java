package io.sluice.spi;

/** Reading the positions built-in sources and inboxes store ({@link io.sluice.Resumable}): counts, as decimal text. */
public final class Positions {

    private Positions() {}

    /** The count {@code stored} says; fails, naming what it found, if it is not a whole number ≥ 0. */
    public static long parse(String stored) {
        try {
            long value = Long.parseLong(stored.strip());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("expected a stored position that is a count (a whole number ≥ 0) but"
                + " found '" + stored + "'; the checkpoint was written for another source");
    }
}
