package io.sluice.kafka;

import io.sluice.kafka.internal.JsonSerde;

/** Ready-made serdes. */
public final class Serdes {

    private Serdes() {}

    /**
     * JSON by Jackson, the default: strings, byte arrays, longs, ints and doubles travel as themselves (as Kafka's own
     * serializers write them); everything else — records, POJOs, maps, lists — as the item's plain JSON, readable by
     * any JSON tool, with its type in a {@code sluice.type} header, so that a worker reads back the same types (a
     * {@code Long} stays a {@code Long}, a record stays that record). Only types that are always allowed or that the
     * deployment allows ({@link KafkaOptions#withAllowedTypes(Class...)}) travel: a node emitting another fails at once, and a
     * record naming another is refused unread. The classes must be on every worker's class path, as the graph's own
     * classes are. The record format is in {@code docs/kafka-records.md}.
     */
    public static Serde json() {
        return JsonSerde.INSTANCE;
    }
}
