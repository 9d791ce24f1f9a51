package io.sluice.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.NotDefinedException;
import io.sluice.Partitioning;
import io.sluice.Sinks;
import io.sluice.SluiceException;
import io.sluice.Sources;
import io.sluice.StoreView;
import io.sluice.SystemType;
import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaDeployments;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.TopicPlan;
import io.sluice.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Reading a store on KAFKA from its changelog, after a run on thread workers: in the deploying process and attached
 * from nothing but the graph and the bootstrap address. The changelog is written here as instance <i>i</i> writes
 * partition <i>i</i> (through {@link Changelog}, in transactions), so the reading is tested whatever the workers do.
 */
class ChangelogStoresTest {

    private static final AtomicInteger RUN = new AtomicInteger();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static KafkaOptions options() {
        return KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withGuarantee(Guarantee.EXACTLY_ONCE)
                .withDeleteTopicsOnClose(true);
    }

    /** Words into a keyed node of two instances that declares the store 'counts' (and leaves it to the test). */
    private static ComputationalGraph graph(String name) {
        return ComputationalGraph.builder(name + "-" + RUN.incrementAndGet())
                .start("words", Sources.collection(List.of("a", "b", "c")))
                .map("count", (String w) -> w)
                .stores("counts")
                .parallelism(2)
                .end("out", Sinks.collect())
                .edge("words -> count", Partitioning.keyed((String w) -> w))
                .edge("count -> out")
                .build();
    }

    /** Writes changelog records in one transaction: {partition, key, value (null: deleted)} each. */
    private static void write(KafkaOptions options, String topic, boolean commit, Object[]... changes) {
        try (KafkaProducer<byte[], byte[]> producer =
                Clients.producer(options, "test-changelog", topic + "-test-" + commit)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (Object[] change : changes) {
                producer.send(Changelog.record(topic, (Integer) change[0], options.serde(), change[1], change[2]));
            }
            if (commit) {
                producer.commitTransaction();
            } else {
                producer.flush();
                producer.abortTransaction();
            }
        }
    }

    @Test
    void aStoreIsReadFromItsChangelogLatestCommittedRecordPerKey() throws Exception {
        ComputationalGraph graph = graph("changelog");
        KafkaOptions options = options();
        String topic = TopicPlan.storeTopic(graph.name(), "count", "counts");

        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options)) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
            write(
                    options,
                    topic,
                    true,
                    new Object[] {0, "a", 1L},
                    new Object[] {0, "a", 2L},
                    new Object[] {0, "b", 1L},
                    new Object[] {0, "b", null},
                    new Object[] {0, 42L, "the long 42"},
                    new Object[] {1, "c", 3L});
            write(options, topic, false, new Object[] {1, "c", 99L}, new Object[] {1, "d", 1L});

            for (Deployment reader : List.of(deployment, KafkaDeployments.attach(graph, options))) {
                StoreView counts = reader.store("count", "counts");

                assertThat(counts.<Long>get("a")).contains(2L);
                assertThat(counts.get("b")).as("deleted").isEmpty();
                assertThat(counts.get("d")).as("aborted").isEmpty();
                assertThat(counts.find("c")).contains(new StoreView.Entry("c", 3L, 1));
                assertThat(counts.find("42")).contains(new StoreView.Entry(42L, "the long 42", 0));
                StoreView.Entries all = counts.entries(10);
                assertThat(all.total()).isEqualTo(3);
                Map<Object, Object> byKey = new HashMap<>();
                all.entries().forEach(e -> byKey.put(e.key(), e.value()));
                assertThat(byKey).containsOnly(Map.entry("a", 2L), Map.entry(42L, "the long 42"), Map.entry("c", 3L));
                StoreView.Entries one = counts.entries(1);
                assertThat(one.entries()).hasSize(1);
                assertThat(one.total()).isEqualTo(3);
            }
        }
    }

    @Test
    void anUnreadableRecordIsNamedWithItsTopicPartitionAndOffset() throws Exception {
        ComputationalGraph graph = graph("unreadable");
        KafkaOptions options = options();
        String topic = TopicPlan.storeTopic(graph.name(), "count", "counts");

        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options)) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(options, "test-garbage", null)) {
                producer.send(new ProducerRecord<>(
                                topic,
                                1,
                                "{not json".getBytes(StandardCharsets.UTF_8),
                                "1".getBytes(StandardCharsets.UTF_8)))
                        .get();
            }

            assertThatThrownBy(() -> deployment.store("count", "counts").get("a"))
                    .isInstanceOf(SluiceException.class)
                    .hasMessageStartingWith(
                            "Store 'counts' of node 'count': cannot read the changelog record at topic '" + topic
                                    + "' partition 1 offset 0: it has no sluice.format header and is not JSON");
        }
    }

    @Test
    void aStoreOfAGraphNeverDeployedIsRefusedNamingItsTopic() {
        ComputationalGraph graph = graph("undeployed");
        Deployment attached = KafkaDeployments.attach(graph, options());

        assertThatThrownBy(() -> attached.store("count", "counts").entries(10))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Store 'counts' of node 'count': its changelog topic '" + graph.name()
                        + ".__store.count.counts' does not exist at "
                        + KafkaBroker.shared().bootstrapServers()
                        + "; deploy the graph first (deploying makes its topics)");
    }

    @Test
    void unknownNodesAndStoresAreRefusedBeforeAskingKafka() {
        Deployment attached = KafkaDeployments.attach(graph("names"), KafkaOptions.of("127.0.0.1:1"));

        assertThatThrownBy(() -> attached.store("count", "cuonts"))
                .isInstanceOf(NotDefinedException.class)
                .hasMessage("Node 'count' has no store 'cuonts'; its stores: [counts]; did you mean 'counts'?");
        assertThatThrownBy(() -> attached.store("words", "counts"))
                .isInstanceOf(NotDefinedException.class)
                .hasMessage("Node 'words' has no store 'counts': it declares none; nodes with stores: [count]");
    }
}
