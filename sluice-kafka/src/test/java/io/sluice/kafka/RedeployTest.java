package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.Emitter;
import io.sluice.Node;
import io.sluice.NodeFailedException;
import io.sluice.NodeSpec;
import io.sluice.Sinks;
import io.sluice.SluiceException;
import io.sluice.Sources;
import io.sluice.StartNode;
import io.sluice.SystemType;
import io.sluice.testkit.KafkaBroker;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * A graph deployed under a name an earlier deployment used on the same cluster: refused by default, started afresh,
 * or continued — never silently mixed.
 */
class RedeployTest {

    private static final AtomicInteger RUN = new AtomicInteger();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static String name(String base) {
        return base + "-" + RUN.incrementAndGet();
    }

    private static KafkaOptions options() {
        return KafkaOptions.of(KafkaBroker.shared().bootstrapServers());
    }

    /** Sums what it receives and emits the sum when its input ends. */
    static final class Sum implements Node<Integer, Integer> {
        private int sum;

        @Override
        public void process(Integer item, Emitter<Integer> emitter) {
            sum += item;
        }

        @Override
        public void onComplete(Emitter<Integer> emitter) {
            emitter.emit(sum);
        }
    }

    /** The sum of 1..10, on Kafka: numbers -> sum -> out. */
    private static ComputationalGraph sumOfOneToTen(String name) {
        return ComputationalGraph.builder(name)
                .start(
                        "numbers",
                        Sources.collection(IntStream.rangeClosed(1, 10).boxed().toList()))
                .node("sum", Sum::new)
                .end("out", Sinks.collect())
                .edge("numbers -> sum -> out")
                .build();
    }

    private static List<Integer> run(ComputationalGraph graph, KafkaOptions options, Map<String, Long> itemsIn)
            throws InterruptedException {
        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options)) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
            graph.nodes()
                    .forEach(n ->
                            itemsIn.put(n.id(), deployment.status().node(n.id()).itemsIn()));
            return deployment.results("out");
        }
    }

    @Test
    void redeployingUnderAUsedNameIsRefusedNamingTheTopicsAndBothWaysOut() throws Exception {
        String name = name("refused");
        ComputationalGraph graph = sumOfOneToTen(name);
        assertThat(run(graph, options(), new java.util.HashMap<>())).containsExactly(55);

        assertThatThrownBy(() -> graph.deploy(SystemType.KAFKA, options()))
                .isExactlyInstanceOf(SluiceException.class)
                .hasMessage("Graph '" + name + "': an earlier deployment left 5 of its 5 topics on Kafka at '"
                        + KafkaBroker.shared().bootstrapServers() + "' (" + name + ".numbers, " + name + ".sum, " + name
                        + ".__results.out and 2 more); expected none, as a new deployment would skip what their"
                        + " committed offsets cover and report the old results as its own. To continue that deployment"
                        + " (after a crash), use KafkaOptions.withOnExisting(OnExisting.CONTINUE) or sluice deploy"
                        + " --on-existing continue; to start afresh, deleting its topics and committed offsets, use"
                        + " KafkaOptions.withOnExisting(OnExisting.FRESH) or sluice deploy --on-existing fresh");

        // Refusing touched nothing: the earlier deployment's results are still there.
        try (Deployment attached = KafkaDeployments.attach(graph, options())) {
            assertThat(attached.<Integer>results("out")).containsExactly(55);
        }
    }

    @Test
    void aFreshStartComputesEverythingAgainFromNothing() throws Exception {
        ComputationalGraph graph = sumOfOneToTen(name("fresh"));
        assertThat(run(graph, options(), new java.util.HashMap<>())).containsExactly(55);

        Map<String, Long> itemsIn = new java.util.HashMap<>();
        List<Integer> again = run(graph, options().withOnExisting(OnExisting.FRESH), itemsIn);

        // Not [55, 0] (old offsets kept: nothing summed again), nor [55, 55] or 110 (old results kept).
        assertThat(again).containsExactly(55);
        assertThat(itemsIn).containsEntry("sum", 10L);
    }

    @Test
    void aFreshStartDeletesTheGraphsConsumerGroupsAndNoOtherGraphs() throws Exception {
        String name = name("groups");
        ComputationalGraph graph = ComputationalGraph.builder(name)
                .start("numbers", Sources.collection(List.of(1, 2, 3)))
                .end("out", Sinks.collect())
                .parallelism(2)
                .edge("numbers -> out", io.sluice.Partitioning.broadcast()) // one group per instance
                .build();
        // Offsets the graph's topics do not carry away when deleted: a stale instance's on a topic of its own, and
        // another graph's, whose name starts like this one's.
        String external = name + "-external";
        KafkaBroker.shared().createTopics(1, external);
        try (Admin admin = admin()) {
            for (String group : List.of(name + ".out.5", name + "-other.out")) {
                admin.alterConsumerGroupOffsets(
                                group,
                                Map.of(
                                        new org.apache.kafka.common.TopicPartition(external, 0),
                                        new org.apache.kafka.clients.consumer.OffsetAndMetadata(0)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
        }

        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options().withOnExisting(OnExisting.FRESH))) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
            assertThat(deployment.<Integer>results("out")).containsExactlyInAnyOrder(1, 2, 3, 1, 2, 3);
        }

        assertThat(groups(name))
                .as("the stale group is gone; the instances' groups are this deployment's")
                .containsExactlyInAnyOrder(name + ".out.0", name + ".out.1", name + "-other.out");
    }

    private static List<String> groups(String graph) throws Exception {
        try (Admin admin = admin()) {
            return admin.listGroups().all().get(30, TimeUnit.SECONDS).stream()
                    .map(org.apache.kafka.clients.admin.GroupListing::groupId)
                    .filter(id -> id.startsWith(graph))
                    .toList();
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers()));
    }

    /** Closed by the start node once its output and end markers are committed, and by 'double' likewise. */
    private static final CountDownLatch NUMBERS_DONE = new CountDownLatch(1);

    private static final CountDownLatch DOUBLE_DONE = new CountDownLatch(1);

    /** Whether 'out' fails on its first item: the first deployment's crash. */
    private static volatile boolean crashing = true;

    /**
     * numbers -> double -> out. In the first deployment 'out' fails on its first item, once 'numbers' and 'double'
     * have committed everything: a deployment that ended halfway, with its upstream work done and kept.
     */
    private static ComputationalGraph halfDone(String name) {
        return ComputationalGraph.builder(name)
                .add(NodeSpec.start("numbers", () -> new StartNode<Integer>() {
                    private final Iterator<Integer> next =
                            IntStream.rangeClosed(1, 10).boxed().iterator();

                    @Override
                    public boolean pull(Emitter<Integer> emitter) {
                        emitter.emit(next.next());
                        return next.hasNext();
                    }

                    @Override
                    public void close() {
                        NUMBERS_DONE.countDown(); // after the worker committed its last output
                    }
                }))
                .node("double", () -> new Node<Integer, Integer>() {
                    @Override
                    public void process(Integer item, Emitter<Integer> emitter) {
                        emitter.emit(item * 2);
                    }

                    @Override
                    public void close() {
                        DOUBLE_DONE.countDown();
                    }
                })
                .node("out", () -> new Node<Integer, Integer>() {
                    @Override
                    public void process(Integer item, Emitter<Integer> emitter) throws InterruptedException {
                        if (crashing) {
                            assertThat(NUMBERS_DONE.await(1, TimeUnit.MINUTES)).isTrue();
                            assertThat(DOUBLE_DONE.await(1, TimeUnit.MINUTES)).isTrue();
                            throw new IllegalStateException("crash");
                        }
                        emitter.emit(item);
                    }
                })
                .end("kept", Sinks.collect())
                .edge("numbers -> double -> out -> kept")
                .build();
    }

    @Test
    void continuingResumesAnEarlierDeploymentFromItsCommittedOffsets() throws Exception {
        ComputationalGraph graph = halfDone(name("continued"));
        try (Deployment first = graph.deploy(SystemType.KAFKA, options())) {
            assertThatThrownBy(() -> first.awaitCompletion(TIMEOUT))
                    .isInstanceOf(NodeFailedException.class)
                    .hasMessageEndingWith("IllegalStateException: crash");
        }
        crashing = false;

        try (Deployment second = graph.deploy(SystemType.KAFKA, options().withOnExisting(OnExisting.CONTINUE))) {
            assertThat(second.awaitCompletion(TIMEOUT)).isTrue();

            assertThat(second.status().node("double").itemsIn())
                    .as("'double' had committed all of its input: nothing to do again")
                    .isZero();
            assertThat(second.status().node("out").itemsIn())
                    .as("'out' had committed nothing: it takes up everything 'double' wrote")
                    .isEqualTo(10);
            assertThat(second.<Integer>results("kept")).containsExactlyInAnyOrder(2, 4, 6, 8, 10, 12, 14, 16, 18, 20);
        }
    }
}
