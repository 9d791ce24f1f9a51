package io.sluice;

/**
 * The root of every exception Sluice throws. Unchecked: a user's mistake is reported with what was wrong, where, and
 * how to fix it, not with a type to catch.
 */
public class SluiceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SluiceException(String message) {
        super(message);
    }

    public SluiceException(String message, Throwable cause) {
        super(message, cause);
    }
}
