package io.sluice.kafka;

import io.sluice.SluiceException;

/**
 * A KAFKA deployment's status could not be read to the end of its status topic ({@code <graph>.__status}) within
 * {@link KafkaOptions#timeout()}: what was read would be stale, so none is returned. The message names the topic, how
 * far the read got and the cluster; the next call tries again, from where this one stopped.
 */
public final class StaleStatusException extends SluiceException {

    private static final long serialVersionUID = 1L;

    public StaleStatusException(String message, Throwable cause) {
        super(message, cause);
    }
}
