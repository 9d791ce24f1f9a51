package io.sluice;

import java.util.Optional;

/**
 * A request could not be evaluated: a required node failed (its exception is the cause) or the request ran out of
 * time. The message names the node and says what happened; the nodes still running were cancelled.
 */
public class RequestFailedException extends SluiceException {

    private static final long serialVersionUID = 1L;

    private final String nodeId;

    public RequestFailedException(String nodeId, String message, Throwable cause) {
        super(message, cause);
        this.nodeId = nodeId;
    }

    /** The node that failed or timed out; empty when the whole request timed out. */
    public Optional<String> nodeId() {
        return Optional.ofNullable(nodeId);
    }
}
