package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.InvalidGraphException;
import io.sluice.NodeFailedException;
import io.sluice.Partitioning;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class KafkaRuntimeTest {

    private static final AtomicInteger RUN = new AtomicInteger();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static String name(String base) {
        return base + "-" + RUN.incrementAndGet();
    }

    private static KafkaOptions options() {
        return KafkaOptions.of(KafkaBroker.shared().bootstrapServers());
    }

    private static ComputationalGraph passThrough(String graph, List<?> items) {
        return ComputationalGraph.builder(graph)
                .start("in", Sources.collection(items))
                .end("out", Sinks.collect())
                .edge("in -> out")
                .build();
    }

    @Test
    void topicPlanNamesTopicsFromGraphAndNodeIds() {
        ComputationalGraph graph = ComputationalGraph.builder("orders")
                .start("read", Sources.collection(List.of("a")))
                .map("parse", (String s) -> s)
                .ports("invalid")
                .parallelism(2)
                .stores("seen")
                .end("store", Sinks.collect())
                .parallelism(4)
                .end("rejects", Sinks.collect())
                .edge("read -> parse", Partitioning.roundRobin())
                .edge("parse -> store", Partitioning.keyed((String s) -> s))
                .edge("parse.invalid -> rejects")
                .build();

        TopicPlan plan = TopicPlan.of(graph, options());

        assertThat(plan.topics())
                .extracting(TopicPlan.Topic::name, TopicPlan.Topic::partitions)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("orders.read", 2),
                        org.assertj.core.groups.Tuple.tuple("orders.parse", 4),
                        org.assertj.core.groups.Tuple.tuple("orders.parse.invalid", 1),
                        org.assertj.core.groups.Tuple.tuple("orders.__store.parse.seen", 2),
                        org.assertj.core.groups.Tuple.tuple("orders.__results.store", 1),
                        org.assertj.core.groups.Tuple.tuple("orders.__results.rejects", 1),
                        org.assertj.core.groups.Tuple.tuple("orders.__positions", 1),
                        org.assertj.core.groups.Tuple.tuple("orders.__status", 1));
        assertThat(plan.topic("orders.__store.parse.seen").compacted()).isTrue();
        assertThat(plan.describe())
                .contains(
                        "orders.parse.invalid       partitions=1   replication=1  output of node 'parse', port 'invalid'",
                        "orders.__store.parse.seen  partitions=2   replication=1  changelog of store 'seen' of node"
                                + " 'parse'");
    }

    @Test
    void portWithTwoKeyedEdgesIsRefusedOnKafka() {
        ComputationalGraph graph = ComputationalGraph.builder("twokeys")
                .start("read", Sources.collection(List.of("a")))
                .end("a", Sinks.collect())
                .end("b", Sinks.collect())
                .edge("read -> a", Partitioning.keyed((String s) -> s))
                .edge("read -> b", Partitioning.keyed((String s) -> s.length()))
                .build();

        assertThatThrownBy(() -> TopicPlan.of(graph, options()))
                .isInstanceOf(InvalidGraphException.class)
                .hasMessage("Invalid graph 'twokeys': Edges ['read' -> 'a', 'read' -> 'b']: on KAFKA one port writes"
                        + " one topic, partitioned by one key, but these 2 edges are each keyed; keep one keyed edge"
                        + " per port, or emit on a second port for the second key");
    }

    @Test
    void unreachableBootstrapServersFailWithinTheTimeout() {
        ComputationalGraph graph = passThrough(name("nowhere"), List.of(1));
        KafkaOptions options = KafkaOptions.of("127.0.0.1:1").withTimeout(Duration.ofSeconds(2));

        Instant started = Instant.now();
        assertThatThrownBy(() -> graph.deploy(SystemType.KAFKA, options))
                .hasMessageStartingWith("Cannot reach Kafka at '127.0.0.1:1' within 2000 ms (")
                .hasMessageEndingWith("); check KafkaOptions.bootstrapServers and that a broker is running");
        assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void existingTopicWithTooFewPartitionsIsNamed() {
        String graphName = name("narrow");
        KafkaBroker.shared().createTopics(1, graphName + ".in");
        ComputationalGraph graph = ComputationalGraph.builder(graphName)
                .start("in", Sources.collection(List.of(1, 2)))
                .end("out", Sinks.collect())
                .parallelism(3)
                .edge("in -> out", Partitioning.roundRobin())
                .build();

        // Continue: the topic is taken as it is found, and checked.
        assertThatThrownBy(() -> graph.deploy(SystemType.KAFKA, options().withOnExisting(OnExisting.CONTINUE)))
                .hasMessage("Topic '" + graphName + ".in' exists with 1 partitions but needs 3 (output of node 'in',"
                        + " read by a node of that parallelism); add partitions to it or delete it");
    }

    @Test
    void poisonRecordFailsTheNodeNamingTopicPartitionAndOffset() throws Exception {
        String graphName = name("poison");
        String topic = graphName + ".in";
        KafkaBroker.shared().createTopics(1, topic);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("sluice.format", "json".getBytes(StandardCharsets.UTF_8));
            headers.add(
                    "sluice.type", "java.util.Map<java.lang.String,java.lang.Long>".getBytes(StandardCharsets.UTF_8));
            producer.send(new ProducerRecord<>(
                            topic, 0, (byte[]) null, "{not json".getBytes(StandardCharsets.UTF_8), headers))
                    .get();
        }

        try (Deployment deployment = passThrough(graphName, List.of())
                .deploy(SystemType.KAFKA, options().withOnExisting(OnExisting.CONTINUE))) {
            assertThatThrownBy(() -> deployment.awaitCompletion(TIMEOUT))
                    .isInstanceOf(NodeFailedException.class)
                    .hasMessageStartingWith("Node 'out' cannot read the record at topic '" + topic + "' partition 0"
                            + " offset 0: not the plain JSON of java.util.Map<java.lang.String,java.lang.Long>: ")
                    .hasMessageEndingWith("; the record was not processed");
            assertThat(deployment.status().state()).isEqualTo(DeploymentState.FAILED);
        }
    }

    @Test
    void userExceptionOnKafkaNamesNodeAndItem() throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder(name("failing"))
                .start("in", Sources.collection(List.of(1, 2, 3)))
                .map("picky", (Integer i) -> {
                    if (i == 2) {
                        throw new IllegalStateException("two is not allowed");
                    }
                    return i;
                })
                .end("out", Sinks.collect())
                .edge("in -> picky -> out")
                .build();

        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options().withDeleteTopicsOnClose(true))) {
            assertThatThrownBy(() -> deployment.awaitCompletion(TIMEOUT))
                    .hasMessage("Node 'picky' failed on item 2: IllegalStateException: two is not allowed");
        }
    }

    @Test
    void assertionErrorInANodeFailsTheDeploymentWithItsMessage() throws Exception {
        // The error is thrown downstream of a start node, so a hang would show as 'out' waiting for end markers.
        ComputationalGraph graph = ComputationalGraph.builder(name("asserting"))
                .start("in", Sources.collection(List.of(1, 2, 3)))
                .map("strict", (Integer i) -> {
                    if (i == 2) {
                        throw new AssertionError("two is not allowed");
                    }
                    return i;
                })
                .end("out", Sinks.collect())
                .edge("in -> strict -> out")
                .build();

        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options().withDeleteTopicsOnClose(true))) {
            assertThatThrownBy(() -> deployment.awaitCompletion(TIMEOUT))
                    .isInstanceOf(NodeFailedException.class)
                    .hasMessage("Node 'strict' failed on item 2: AssertionError: two is not allowed")
                    .hasRootCauseInstanceOf(AssertionError.class);
            assertThat(deployment.status().state()).isEqualTo(DeploymentState.FAILED);
            assertThat(deployment.status().failure())
                    .contains("Node 'strict' failed on item 2: AssertionError: two is not allowed");
        }
    }

    @Test
    void statusCountsItemsOfEveryNode() throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder(name("counted"))
                .start("in", Sources.collection(List.of(1, 2, 3, 4)))
                .filter("even", (Integer i) -> i % 2 == 0)
                .end("out", Sinks.collect())
                .edge("in -> even -> out")
                .build();

        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options().withDeleteTopicsOnClose(true))) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
            assertThat(deployment.status().node("in").itemsOut()).isEqualTo(4);
            assertThat(deployment.status().node("even").itemsIn()).isEqualTo(4);
            assertThat(deployment.status().node("even").itemsOut()).isEqualTo(2);
            assertThat(deployment.status().node("out").itemsIn()).isEqualTo(2);
            assertThat(deployment.<Integer>results("out")).containsExactlyInAnyOrder(2, 4);
            assertThat(deployment.id()).startsWith(graph.name() + "-kafka-");
        }
    }

    @Test
    void anotherProcessCanAttachAndReadStatusAndResults() throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder(name("attached"))
                .start("in", Sources.collection(List.of(1, 2, 3)))
                .map("plusOne", (Integer i) -> i + 1)
                .end("out", Sinks.collect())
                .edge("in -> plusOne -> out")
                .build();

        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options())) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
        }
        // A handle built from the graph and the address alone, as another process would.
        try (Deployment attached = KafkaDeployments.attach(graph, options())) {
            assertThat(attached.awaitCompletion(TIMEOUT)).isTrue();
            assertThat(attached.status().state()).isEqualTo(DeploymentState.COMPLETED);
            assertThat(attached.status().node("plusOne").itemsIn()).isEqualTo(3);
            assertThat(attached.status().node("out").itemsIn()).isEqualTo(3);
            assertThat(attached.<Integer>results("out")).containsExactlyInAnyOrder(2, 3, 4);
        }
    }

    @Test
    void kafkaOptionsRefuseNonsense() {
        assertThatThrownBy(() -> KafkaOptions.of(" "))
                .hasMessage("KafkaOptions.bootstrapServers: expected host:port[,host:port…] but found ' '");
        assertThat(Guarantee.of(Guarantee.EXACTLY_ONCE.label())).isEqualTo(Guarantee.EXACTLY_ONCE);
        assertThat(Guarantee.AT_LEAST_ONCE.label()).isEqualTo("at-least-once");
        assertThatThrownBy(() -> Guarantee.of("sometimes"))
                .hasMessage("expected at-least-once or exactly-once but found 'sometimes'");
        assertThatThrownBy(() -> options().withReplicationFactor(0))
                .hasMessage("KafkaOptions.replicationFactor: must be ≥ 1, found 0");
        assertThat(options().onExisting()).isEqualTo(OnExisting.REFUSE);
        assertThat(OnExisting.of(OnExisting.FRESH.label())).isEqualTo(OnExisting.FRESH);
        assertThatThrownBy(() -> OnExisting.of("overwrite"))
                .hasMessage("expected refuse, fresh or continue but found 'overwrite'");
    }
}
