package io.sluice.cloud;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.cloud.internal.Wire;
import java.time.Instant;

/**
 * An object delivered to a subscriber. Call {@link #ack} once it is processed: until then the node keeps it, and if
 * the subscription ends first the object goes to another subscriber of the same group (or to this one again later).
 */
public final class CloudObject {

    private final String id;
    private final String type;
    private final JsonNode object;
    private final long publishedAt;
    private final Runnable ack;

    CloudObject(String id, String type, JsonNode object, long publishedAt, Runnable ack) {
        this.id = id;
        this.type = type;
        this.object = object;
        this.publishedAt = publishedAt;
        this.ack = ack;
    }

    /** The id the node gave it when it was published, unique in the cloud. */
    public String id() {
        return id;
    }

    /** Its type's name. */
    public String type() {
        return type;
    }

    /** The object as JSON. */
    public JsonNode object() {
        return object;
    }

    /**
     * The object read as {@code type}, a record for instance.
     *
     * @throws CloudException if it does not fit, naming the object and the class
     */
    public <T> T as(Class<T> type) {
        try {
            return Wire.JSON.treeToValue(object, type);
        } catch (JsonProcessingException e) {
            throw new CloudException("object '" + id + "' of type '" + this.type + "': cannot be read as "
                    + type.getSimpleName() + ": " + e.getOriginalMessage());
        }
    }

    /** When its publisher sent it, by the publisher's clock. */
    public Instant publishedAt() {
        return Instant.ofEpochMilli(publishedAt);
    }

    /** Tells the node the object is processed; it will not be delivered to this group again. Idempotent. */
    public void ack() {
        ack.run();
    }

    @Override
    public String toString() {
        return type + " " + id + " " + object;
    }
}
