package io.sluice.kafka.internal;

import io.sluice.EndNode;
import io.sluice.NodeContext;
import io.sluice.Resumable;
import io.sluice.SluiceException;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.Serde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * An end node writing every item to a named Kafka topic: a {@link String} as UTF-8, a {@code byte[]} as it is, anything
 * else through the deployment's serde (JSON), keyed by an optional key function. The topic is created (one partition)
 * when it is missing.
 *
 * <p>On the KAFKA runtime, when the topic is on the deployment's cluster, the worker gives it its own producer ({@link
 * #writeThrough}): the records go into the worker's transaction with the input offsets, so under exactly-once each
 * item is in the topic once, committed or not at all. Elsewhere (and for a topic on another cluster) it has a producer of its own, idempotent, flushed at every checkpoint ({@link #position}): after
 * a crash the items after the last checkpoint are written again (at-least-once).
 */
public final class TopicSink implements EndNode<Object>, Resumable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TopicSink.class);

    private final KafkaOptions options;
    private final String topic;
    private final Function<Object, ?> key;
    private final Serde serde;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private Consumer<ProducerRecord<byte[], byte[]>> writer; // the worker's transaction, on the KAFKA runtime
    private KafkaProducer<byte[], byte[]> producer; // its own, elsewhere
    private String node;
    private long written;

    public TopicSink(KafkaOptions options, String topic, Function<Object, ?> key) {
        this.options = options;
        this.topic = topic;
        this.key = key;
        this.serde = JsonSerde.of(options);
    }

    /** The cluster the topic is on. */
    String bootstrapServers() {
        return options.bootstrapServers();
    }

    /** On the KAFKA runtime, before {@link #open}: records go to {@code writer}, in the worker's transaction. */
    void writeThrough(Consumer<ProducerRecord<byte[], byte[]>> writer) {
        this.writer = writer;
    }

    @Override
    public void open(NodeContext context) {
        node = context.nodeId();
        ensureTopic();
        if (writer == null) {
            producer = Clients.producer(
                    options, "sluice-" + context.graph() + "-" + node + "-" + context.instance() + "-sink", null);
        }
    }

    private void ensureTopic() {
        try (Admin admin = Clients.admin(options)) {
            if (admin.listTopics()
                    .names()
                    .get(options.timeout().toMillis(), TimeUnit.MILLISECONDS)
                    .contains(topic)) {
                return;
            }
            admin.createTopics(List.of(new NewTopic(topic, 1, options.replicationFactor())))
                    .all()
                    .get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("End node '{}' created topic '{}' on {}", node, topic, options.bootstrapServers());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw unreachable(e.getCause());
            }
        } catch (TimeoutException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(e);
        }
    }

    private SluiceException unreachable(Throwable cause) {
        return new SluiceException(
                "End node '" + node + "': cannot reach topic '" + topic + "' on " + options.bootstrapServers()
                        + " within " + options.timeout().toMillis() + " ms: " + cause,
                cause);
    }

    @Override
    public void process(Object item) {
        RecordHeaders headers = new RecordHeaders();
        byte[] value =
                switch (item) {
                    case String text -> text.getBytes(StandardCharsets.UTF_8);
                    case byte[] bytes -> bytes;
                    default -> serde.serialize(item, headers);
                };
        Object keyed = key == null ? null : key.apply(item);
        byte[] keyBytes = keyed == null ? null : keyed.toString().getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, keyBytes, value, headers);
        if (writer != null) {
            writer.accept(record);
        } else {
            checkSends();
            producer.send(record, (metadata, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
            });
        }
        written++;
    }

    /** Waits until every record sent is acknowledged; fails naming the topic if one was not. */
    @Override
    public void flush() {
        if (producer != null) {
            producer.flush();
            checkSends();
        }
    }

    private void checkSends() {
        Exception e = failure.get();
        if (e != null) {
            throw new SluiceException(
                    "End node '" + node + "' could not write to topic '" + topic + "' on " + options.bootstrapServers()
                            + ": " + e,
                    e);
        }
    }

    /** How many records this instance wrote, all acknowledged: the records are in the topic up to here. */
    @Override
    public String position() {
        flush();
        return Long.toString(written);
    }

    /** Nothing to take back: what a Kafka topic holds stays (on LOCAL, the items after the checkpoint come again). */
    @Override
    public void resume(String position) {}

    @Override
    public void onComplete() {
        flush();
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
