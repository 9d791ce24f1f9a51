package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.Flow;
import io.sluice.LocalOptions;
import io.sluice.SystemType;
import io.sluice.spi.Connectors;
import io.sluice.testkit.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Graphs reading from and writing to named topics outside them — the Kafka→Kafka bolt of the geniusrise design — on
 * LOCAL and on KAFKA, read back by a plain {@code read_committed} consumer.
 */
public class ExternalTopicsTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final int ITEMS = 5_000;

    private static String bootstrap() {
        return KafkaBroker.shared().bootstrapServers();
    }

    /** Writes {@code item-0} … {@code item-<count-1>} to {@code topic}. */
    public static void produce(String topic, int count) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add("item-" + i);
        }
        KafkaBroker.shared().produce(topic, values);
    }

    public static List<String> committedValues(String topic) {
        return KafkaBroker.shared().readCommitted(topic);
    }

    static List<String> upperItems(int count) {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add("ITEM-" + i);
        }
        return expected;
    }

    /** Reads {@code in} to its end, upper-cases each value, writes it to {@code out}. */
    static ComputationalGraph bolt(String name, String in, String out) {
        KafkaOptions options = KafkaOptions.of(bootstrap()).withGuarantee(Guarantee.EXACTLY_ONCE);
        Flow flow = Flow.named(name);
        flow.read("in", KafkaSources.topic(options, in).asStrings().untilEnd())
                .map("upper", String::toUpperCase)
                .to("out", KafkaSinks.topic(options, out));
        return flow.build();
    }

    @ParameterizedTest
    @EnumSource(Guarantee.class)
    void onKafkaAGraphCopiesOneTopicIntoAnotherEachRecordOnce(Guarantee guarantee) throws Exception {
        String in = "bolt-in-" + System.nanoTime();
        String out = "bolt-out-" + System.nanoTime();
        KafkaBroker.shared().createTopics(3, in);
        produce(in, ITEMS);
        KafkaOptions options =
                KafkaOptions.of(bootstrap()).withGuarantee(guarantee).withDeleteTopicsOnClose(true);

        try (Deployment deployment =
                bolt("bolt-" + guarantee.name().toLowerCase(), in, out).deploy(SystemType.KAFKA, options)) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
        }

        assertThat(committedValues(out)).as("the output topic").containsExactlyInAnyOrderElementsOf(upperItems(ITEMS));
    }

    @Test
    void onLocalAGraphCopiesOneTopicIntoAnother() throws Exception {
        String in = "local-in-" + System.nanoTime();
        String out = "local-out-" + System.nanoTime();
        KafkaBroker.shared().createTopics(2, in);
        produce(in, ITEMS);

        try (Deployment deployment = bolt("local-bolt", in, out).deploy(SystemType.LOCAL, LocalOptions.defaults())) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
        }

        assertThat(committedValues(out)).containsExactlyInAnyOrderElementsOf(upperItems(ITEMS));
    }

    @Test
    void aPipelineLocationKafkaTopicIsASourceAndASink() throws Exception {
        String in = "connector-in-" + System.nanoTime();
        String out = "connector-out-" + System.nanoTime();
        KafkaBroker.shared().createTopics(1, in);
        produce(in, 100);
        Map<String, String> settings = Map.of("bootstrap", bootstrap());
        @SuppressWarnings("unchecked")
        var source = (java.util.function.Supplier<io.sluice.StartNode<String>>)
                Connectors.source("kafka://" + in, Map.of("bootstrap", bootstrap(), "until", "end"));
        @SuppressWarnings("unchecked")
        var sink = (java.util.function.Supplier<io.sluice.EndNode<Object>>) Connectors.sink("kafka://" + out, settings);
        Flow flow = Flow.named("connector");
        flow.read("in", source).to("out", sink);

        try (Deployment deployment = flow.build().deploy(SystemType.LOCAL, LocalOptions.defaults())) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
        }

        assertThat(committedValues(out)).hasSize(100).contains("item-0", "item-99");
    }

    @Test
    void badKafkaLocationsAndSettingsAreNamed() {
        assertThatThrownBy(() -> Connectors.source("kafka://", Map.of("bootstrap", "x:1")))
                .hasMessageContaining("'kafka://': expected kafka://TOPIC");
        assertThatThrownBy(() -> Connectors.source("kafka://a/b", Map.of())).hasMessageContaining("found 'a/b'");
        assertThatThrownBy(() -> Connectors.source("kafka://t", Map.of("format", "xml")))
                .hasMessageContaining("setting 'format' must be text or json, found 'xml'");
        assertThatThrownBy(() -> Connectors.source("kafka://t", Map.of("untill", "end")))
                .hasMessageContaining("no setting 'untill'; did you mean 'until'?");
        assertThatThrownBy(() -> Connectors.sink("kafka://t", Map.of("until", "end")))
                .hasMessageContaining("a Kafka sink takes only the setting 'bootstrap'");
    }

    @Test
    void aKafkaLocationWithoutAClusterSaysWhereToGiveOne() {
        var source = Connectors.source("kafka://t", Map.of());
        Flow flow = Flow.named("no-cluster");
        @SuppressWarnings("unchecked")
        var typed = (java.util.function.Supplier<io.sluice.StartNode<Object>>) source;
        flow.read("in", typed).to("out", io.sluice.Sinks.discard());
        assertThatThrownBy(() -> {
                    try (Deployment deployment = flow.build().deploy(SystemType.LOCAL, LocalOptions.defaults())) {
                        deployment.awaitCompletion(TIMEOUT);
                    }
                })
                .hasMessageContaining("'kafka://t': no Kafka cluster; set bootstrap: HOST:PORT")
                .hasMessageContaining("SLUICE_KAFKA_BOOTSTRAP");
    }
}
