package io.sluice.cloud;

import io.sluice.SluiceException;

/**
 * What the cloud throws: a node or a client that cannot do what was asked, saying which node, type or field and why —
 * {@code type 'Order': unknown at node 'A'; known types: [Invoice]; define it first}.
 */
public class CloudException extends SluiceException {

    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}, which names the offender. */
    public CloudException(String message) {
        super(message);
    }

    /** An exception with {@code message} and the failure beneath it. */
    public CloudException(String message, Throwable cause) {
        super(message, cause);
    }
}
