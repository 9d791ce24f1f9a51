package io.sluice.kafka;

import io.sluice.StartNode;
import io.sluice.kafka.internal.JsonSerde;
import io.sluice.kafka.internal.TopicSource;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Start nodes that read a Kafka topic, for graphs on any runtime — on LOCAL, the way to consume Kafka; resumable, so
 * that with checkpoints a restarted process goes on from the offsets its last checkpoint covers.
 *
 * <pre>{@code
 * builder.start("orders", KafkaSources.topic(KafkaOptions.of("localhost:9092"), "orders").asStrings())
 * }</pre>
 */
public final class KafkaSources {

    private KafkaSources() {}

    /**
     * Every record of {@code topic}, its value read with {@code options.serde()} (the JSON serde allowing {@code
     * options.allowedTypes()}; a value without Sluice's headers is read as plain JSON); runs until stopped.
     */
    public static Topic<Object> topic(KafkaOptions options, String topic) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(topic, "topic");
        Serde serde = JsonSerde.of(options);
        return new Topic<>(options, topic, false, record -> serde.deserialize(record.value(), record.headers()));
    }

    /** The start nodes of one topic; {@link #asStrings()} and {@link #untilEnd()} give variants. */
    public static final class Topic<T> implements Supplier<StartNode<T>> {
        private final KafkaOptions options;
        private final String topic;
        private final boolean untilEnd;
        private final Function<ConsumerRecord<byte[], byte[]>, T> read;

        private Topic(
                KafkaOptions options,
                String topic,
                boolean untilEnd,
                Function<ConsumerRecord<byte[], byte[]>, T> read) {
            this.options = options;
            this.topic = topic;
            this.untilEnd = untilEnd;
            this.read = read;
        }

        /** Values as UTF-8 text, whatever wrote them. */
        public Topic<String> asStrings() {
            return new Topic<>(
                    options,
                    topic,
                    untilEnd,
                    record -> record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8));
        }

        /** Bounded: ends at the offsets the topic had when the node opened. */
        public Topic<T> untilEnd() {
            return new Topic<>(options, topic, true, read);
        }

        @Override
        public StartNode<T> get() {
            return new TopicSource<>(options, topic, untilEnd, read);
        }
    }
}
