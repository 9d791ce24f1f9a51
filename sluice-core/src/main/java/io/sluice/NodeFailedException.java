package io.sluice;

import java.util.Optional;

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
    private final String item;

    public NodeFailedException(String nodeId, String message, Throwable cause) {
        this(nodeId, null, message, cause);
    }

    /** A failure on {@code item}, the item's text as the message shows it. */
    public NodeFailedException(String nodeId, String item, String message, Throwable cause) {
        super(message, cause);
        this.nodeId = nodeId;
        this.item = item;
    }

    /** The item the node failed on, as text, when it failed on one. */
    public Optional<String> item() {
        return Optional.ofNullable(item);
    }

    /** The id of the node that failed. */
    public String nodeId() {
        return nodeId;
    }
}
