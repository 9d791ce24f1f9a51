package io.sluice.kafka;

import io.sluice.EndNode;
import io.sluice.kafka.internal.TopicSink;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * End nodes that write to a named Kafka topic, for graphs on any runtime. A {@link String} item is written as UTF-8, a
 * {@code byte[]} as it is, anything else as JSON (with Sluice's type header, which other readers may ignore); the topic
 * is created with one partition if it is missing.
 *
 * <p>On the KAFKA runtime the records go into the worker's own transaction with its input offsets: under exactly-once
 * every item is in the topic exactly once, visible to {@code read_committed} consumers when the transaction commits.
 * On LOCAL the sink has a producer of its own, flushed at every checkpoint: after a crash the items after the last
 * checkpoint are written again (at-least-once).
 *
 * <pre>{@code
 * flow.read("orders", KafkaSources.topic(options, "orders").asStrings())
 *     .map("upper", String::toUpperCase)
 *     .to("out", KafkaSinks.topic(options, "orders-upper"));
 * }</pre>
 */
public final class KafkaSinks {

    private KafkaSinks() {}

    /** Every item to {@code topic}, without a key (Kafka spreads the records over the partitions). */
    public static Topic topic(KafkaOptions options, String topic) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(topic, "topic");
        return new Topic(options, topic, null);
    }

    /** The end nodes of one topic; {@link #keyedBy} gives a keyed variant. */
    public static final class Topic implements Supplier<EndNode<Object>> {
        private final KafkaOptions options;
        private final String topic;
        private final Function<Object, ?> key;

        private Topic(KafkaOptions options, String topic, Function<Object, ?> key) {
            this.options = options;
            this.topic = topic;
            this.key = key;
        }

        /** Records keyed by {@code key}'s text (UTF-8), so that the items of one key keep their order. */
        @SuppressWarnings("unchecked")
        public Topic keyedBy(Function<?, ?> key) {
            return new Topic(options, topic, (Function<Object, ?>) Objects.requireNonNull(key, "key"));
        }

        @Override
        public EndNode<Object> get() {
            return new TopicSink(options, topic, key);
        }
    }
}
