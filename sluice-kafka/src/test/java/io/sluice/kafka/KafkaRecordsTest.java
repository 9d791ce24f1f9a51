package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.NodeFailedException;
import io.sluice.Partitioning;
import io.sluice.Robustness;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Records on a deployment's topics, as any Kafka tool sees them: the plain JSON of the item, its type in a header, the
 * key of a keyed edge as text; and the types that may travel, enforced where items are written and where they are read.
 */
class KafkaRecordsTest {

    private static final AtomicInteger RUN = new AtomicInteger();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    record Line(String sku, int quantity) {}

    record Order(long id, String customer, List<Line> lines) {}

    /** A type no test allows. */
    record Secret(int value) {}

    /** Counts what would be done to a gadget, apart from it, so that reading the counts never initialises it. */
    static final class GadgetEffects {
        static final AtomicInteger CONSTRUCTED = new AtomicInteger();
    }

    /** A class with a side effect in its constructor, as a deserialization gadget has. */
    public static final class Gadget {
        public Gadget() {
            GadgetEffects.CONSTRUCTED.incrementAndGet();
        }

        public void setCommand(String command) {
            GadgetEffects.CONSTRUCTED.incrementAndGet();
        }
    }

    private static String name(String base) {
        return base + "-" + RUN.incrementAndGet();
    }

    private static KafkaOptions options() {
        return KafkaOptions.of(KafkaBroker.shared().bootstrapServers()).withDeleteTopicsOnClose(true);
    }

    /** Every record of partition 0 of {@code topic}, read from the beginning by a plain consumer. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> text = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            text.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return text;
    }

    @Test
    void aTopicHoldsThePlainJsonOfEachItemWithItsTypeInAHeaderAndItsKeyAsText() throws Exception {
        Order order = new Order(7, "ada", List.of(new Line("tea", 2), new Line("cake", 1)));
        String graphName = name("orders");
        ComputationalGraph graph = ComputationalGraph.builder(graphName)
                .start("in", Sources.collection(List.of(order)))
                .end("out", Sinks.collect())
                .edge("in -> out", Partitioning.keyed((Order o) -> o.customer()))
                .build();

        try (Deployment deployment = graph.deploy(
                SystemType.KAFKA, options().withAllowedTypes(Order.class).withDeleteTopicsOnClose(false))) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
            assertThat(deployment.<Order>results("out")).containsExactly(order);
        }

        ConsumerRecord<byte[], byte[]> record = readAll(graphName + ".in", 1).get(0);
        assertThat(new ObjectMapper().readValue(record.value(), Object.class))
                .as("the value, read by a JSON parser that knows nothing of Sluice")
                .isEqualTo(Map.of(
                        "id",
                        7,
                        "customer",
                        "ada",
                        "lines",
                        List.of(Map.of("sku", "tea", "quantity", 2), Map.of("sku", "cake", "quantity", 1))));
        assertThat(headers(record))
                .containsExactly(
                        Map.entry("sluice.format", "json"),
                        Map.entry("sluice.type", "io.sluice.kafka.KafkaRecordsTest$Order"));
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("ada");
        ConsumerRecord<byte[], byte[]> result =
                readAll(graphName + ".__results.out", 1).get(0);
        assertThat(new ObjectMapper().readValue(result.value(), Object.class))
                .isEqualTo(new ObjectMapper().readValue(record.value(), Object.class));
    }

    @ParameterizedTest
    @EnumSource(
            value = Robustness.Level.class,
            names = {"NONE", "REPLAY"})
    void aNodeEmittingATypeNotAllowedFailsTheDeploymentNamingTheNodeAndTheClass(Robustness.Level level)
            throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder(name("secret"))
                .start("in", Sources.collection(List.of(1, 2, 3)))
                .map("wrap", (Integer i) -> new Secret(i))
                .end("out", Sinks.collect())
                .edge("in -> wrap -> out")
                .robustness(
                        level == Robustness.Level.NONE
                                ? Robustness.none()
                                : Robustness.replay(3).withBackoff(Duration.ofMillis(1)))
                .build();

        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options())) {
            assertThatThrownBy(() -> deployment.awaitCompletion(TIMEOUT))
                    .isInstanceOf(NodeFailedException.class)
                    .hasMessage("Node 'wrap' emitted io.sluice.kafka.KafkaRecordsTest$Secret, which KAFKA does not"
                            + " move unless allowed: KafkaOptions.withAllowedTypes(KafkaRecordsTest.Secret.class) or"
                            + " withAllowedPackages(\"io.sluice.kafka\"), or a line"
                            + " io.sluice.kafka.KafkaRecordsTest$Secret in a META-INF/sluice/kafka-types resource of its"
                            + " jar; see docs/kafka-records.md");
            assertThat(deployment.status().state()).isEqualTo(DeploymentState.FAILED);
        }
    }

    @Test
    void aRecordNamingAClassNotAllowedFailsItsReaderNamingWhereItIsAndNothingIsBuilt() throws Exception {
        String graphName = name("gadget");
        String topic = graphName + ".in";
        String gadget = Gadget.class.getName();
        KafkaBroker.shared().createTopics(1, topic);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("sluice.format", "json".getBytes(StandardCharsets.UTF_8));
            headers.add("sluice.type", gadget.getBytes(StandardCharsets.UTF_8));
            producer.send(new ProducerRecord<>(
                            topic, 0, (byte[]) null, "{\"command\":\"rm\"}".getBytes(StandardCharsets.UTF_8), headers))
                    .get();
        }
        ComputationalGraph graph = ComputationalGraph.builder(graphName)
                .start("in", Sources.collection(List.of()))
                .end("out", Sinks.collect())
                .edge("in -> out")
                .build();

        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options().withOnExisting(OnExisting.CONTINUE))) {
            assertThatThrownBy(() -> deployment.awaitCompletion(TIMEOUT))
                    .isInstanceOf(NodeFailedException.class)
                    .hasMessage("Node 'out' cannot read the record at topic '" + topic + "' partition 0 offset 0: its"
                            + " type header '" + gadget + "' names class " + gadget + ", which KAFKA does not move"
                            + " unless allowed (the class was not loaded); if the record is yours, allow it:"
                            + " KafkaOptions.withAllowedTypes(KafkaRecordsTest.Gadget.class) or"
                            + " withAllowedPackages(\"io.sluice.kafka\") on the reading side too, or a line " + gadget
                            + " in a META-INF/sluice/kafka-types resource of its jar; see docs/kafka-records.md; the"
                            + " record was not processed");
        }
        assertThat(GadgetEffects.CONSTRUCTED.get()).isZero();
    }
}
