package io.sluice;

/**
 * A node's own code threw: the message names the node, the instance and — when the failure was on an item — the item,
 * and the user's exception is the cause.
 *
 * <p>Example: {@code Node 'tag' (instance 0 of 2) failed on item Payment[cents=-5]: IllegalArgumentException: negative
 * amount}.
 */
public class NodeFailedException extends SluiceException {

    private static final long serialVersionUID = 1L;

    private final String nodeId;

    public NodeFailedException(String nodeId, String message, Throwable cause) {
        super(message, cause);
        this.nodeId = nodeId;
    }

    /** The id of the node that failed. */
    public String nodeId() {
        return nodeId;
    }
}
