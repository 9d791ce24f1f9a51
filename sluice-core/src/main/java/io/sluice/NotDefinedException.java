package io.sluice;

/**
 * A name was asked for that the graph does not define: a node, an end node, a node's store. The message names what
 * was asked for and lists what is defined, with a did-you-mean when a defined name is close; the HTTP API answers it
 * with 404.
 *
 * <p>Example: {@code Node 'count' has no store 'cuonts'; its stores: [counts]; did you mean 'counts'?}
 */
public class NotDefinedException extends SluiceException {

    private static final long serialVersionUID = 1L;

    public NotDefinedException(String message) {
        super(message);
    }
}
