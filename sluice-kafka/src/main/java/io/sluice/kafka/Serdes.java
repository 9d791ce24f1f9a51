package io.sluice.kafka;

import io.sluice.kafka.internal.JsonSerde;

/** Ready-made serdes. */
public final class Serdes {

    private Serdes() {}

    /**
     * JSON by Jackson, the default: strings, byte arrays, longs, ints and doubles travel as themselves (as Kafka's own
     * serializers write them); everything else — records, POJOs, maps, lists — as JSON that names each object's class, so that a worker reads back the same types
     * (a {@code Long} stays a {@code Long}, a record stays that record). The classes must be on every worker's class
     * path, as the graph's own classes are.
     */
    public static Serde json() {
        return JsonSerde.INSTANCE;
    }
}
