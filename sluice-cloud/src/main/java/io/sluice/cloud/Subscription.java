package io.sluice.cloud;

import java.util.concurrent.CompletableFuture;

/** A running subscription of a {@link CloudClient}: close it to stop receiving; unacknowledged objects go back. */
public interface Subscription extends AutoCloseable {

    /** The type subscribed to. */
    String type();

    /** The group it competes in. */
    String group();

    /**
     * Completes when the subscription ends: normally after {@link #close}, exceptionally with a {@link
     * CloudException} when the node goes away or refuses it.
     */
    CompletableFuture<Void> ended();

    /** Ends the subscription; objects not acknowledged yet are delivered to another subscriber of the group. */
    @Override
    void close();
}
