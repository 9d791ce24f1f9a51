package io.sluice.kafka.internal;

import io.sluice.ComputationalGraph;
import io.sluice.Edge;
import io.sluice.InvalidGraphException;
import io.sluice.NodeKind;
import io.sluice.NodeSpec;
import io.sluice.Partitioning;
import io.sluice.SluiceException;
import io.sluice.StoreSpec;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.TopicPlan;
import io.sluice.spi.GraphLinks;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Rescaling a node of a running graph on Kafka ({@code Deployment.scale}). Nothing moves: a node with room to grow
 * has as many input and changelog partitions as its maximum parallelism, and keeps each store key in the changelog
 * partition of its input key ({@link Changelog}), so a rescale is a new static assignment — instance <i>i</i> of
 * <i>n</i> owns partitions <i>k</i> with <i>k mod n = i</i> — once the old instances are gone and fenced. What that
 * cannot serve is refused here, before anything stops, saying why.
 *
 * <p>The parallelism a deployment rescaled a node to is kept in the graph's positions topic under {@code
 * parallelism/<node>}, so that a deployment continued after its deploying process died runs the node as rescaled.
 */
final class Rescale {

    /** Store backends whose content the runtime keeps (and restores from the changelog) itself. */
    private static final Set<String> RUNTIME_BACKENDS = Set.of(StoreSpec.MEMORY, "rocksdb");

    private static final String KEY_PREFIX = "parallelism/";

    private Rescale() {}

    /**
     * The graph with {@code nodeId} at {@code parallelism}, if the deployment can move it there.
     *
     * @throws io.sluice.NotDefinedException if there is no such node, with a did-you-mean
     * @throws SluiceException naming the node, the rule and the way out, if it cannot
     */
    static ComputationalGraph check(ComputationalGraph graph, TopicPlan plan, String nodeId, int parallelism) {
        NodeSpec node = graph.node(nodeId);
        String what = "Node '" + nodeId + "'";
        if (node.kind() == NodeKind.START) {
            throw new SluiceException(what + " is a start node, which cannot be rescaled: its input is split per"
                    + " instance (each pulls its own share from outside); rescale the nodes after it");
        }
        if (parallelism < 1) {
            throw new SluiceException(what + ": parallelism must be ≥ 1, found " + parallelism);
        }
        if (parallelism > node.maxParallelism()) {
            throw new SluiceException(
                    what + ": parallelism " + parallelism + " is above its maxParallelism "
                            + node.maxParallelism()
                            + ", the partitions its topics were made with; to go higher, deploy the"
                            + " graph anew (OnExisting.FRESH) with a larger maxParallelism on the node (Builder.maxParallelism)");
        }
        if (GraphLinks.outputOf(graph.name(), node).isPresent()
                || GraphLinks.inputOf(node).isPresent()) {
            throw new SluiceException(what + " links this graph to another (a graph output or input), whose readers"
                    + " or writers count its instances; it cannot be rescaled");
        }
        if (graph.robustness().deadLetter().filter(nodeId::equals).isPresent()) {
            throw new SluiceException(
                    what + " takes the dead letters, which only instance 0 reads; it cannot be" + " rescaled");
        }
        for (Edge edge : graph.inbound(nodeId)) {
            switch (edge.partitioning()) {
                case Partitioning.Global g ->
                    throw new SluiceException(what + " reads edge " + edge.describe()
                            + ", partitioned global: only instance 0 reads it, so more instances would idle and fewer"
                            + " change nothing; it cannot be rescaled");
                case Partitioning.Broadcast b ->
                    throw new SluiceException(what + " reads edge " + edge.describe()
                            + ", partitioned broadcast: each instance reads every item under a consumer group of its own,"
                            + " so a new instance would read the edge from its beginning; it cannot be rescaled");
                default -> {}
            }
        }
        for (StoreSpec store : node.stores()) {
            if (!RUNTIME_BACKENDS.contains(store.backend())) {
                throw new SluiceException(what + " keeps its store '" + store.name() + "' in backend '"
                        + store.backend() + "', an external server whose content is kept per instance; rescaling is"
                        + " built for the stores the runtime restores from their changelog ("
                        + String.join(", ", RUNTIME_BACKENDS.stream().sorted().toList())
                        + "): to change its parallelism, deploy the graph anew");
            }
        }
        if (!node.stores().isEmpty()) {
            for (Edge edge : graph.inbound(nodeId)) {
                if (!(edge.partitioning() instanceof Partitioning.Keyed)) {
                    throw new SluiceException(what + " keeps stores but reads edge " + edge.describe()
                            + ", partitioned " + edge.partitioning().label() + ", so its store keys are not tied to"
                            + " its input partitions; only a stateful node fed by keyed edges can be rescaled with its"
                            + " state");
                }
                int input = plan.topic(TopicPlan.outputTopic(graph.name(), edge.from(), edge.port()))
                        .partitions();
                if (input != node.maxParallelism()) {
                    throw new SluiceException(what + " reads edge " + edge.describe() + " from a topic of " + input
                            + " partitions, as a wider node reads it too, but its stores' changelogs have "
                            + node.maxParallelism() + "; a store key follows its input key only when they match: give"
                            + " the nodes reading that topic the same maxParallelism");
                }
            }
        }
        try {
            return graph.withParallelism(nodeId, parallelism);
        } catch (InvalidGraphException e) {
            throw new SluiceException(what + " cannot run " + parallelism + " instances: " + e.getMessage(), e);
        }
    }

    /**
     * Opens a producer with each old instance's transactional id and closes it: {@code initTransactions} aborts what
     * the instance left open, so that readers waiting on it (read_committed) go on, and a zombie of it, if any, can
     * commit nothing more. Under at-least-once there is nothing to fence.
     */
    static void fence(ComputationalGraph graph, KafkaOptions options, String nodeId, int instances) {
        if (options.guarantee() != io.sluice.kafka.Guarantee.EXACTLY_ONCE) {
            return;
        }
        for (int i = 0; i < instances; i++) {
            String transactionalId = graph.name() + "." + nodeId + "." + i;
            try (KafkaProducer<byte[], byte[]> producer =
                    Clients.producer(options, "sluice-" + graph.name() + "-fence-" + nodeId, transactionalId)) {
                producer.initTransactions();
            }
        }
    }

    /** Tombstones the status of instances {@code from} to {@code to - 1}, which a rescale down removed. */
    static void forgetInstances(ComputationalGraph graph, KafkaOptions options, String nodeId, int from, int to) {
        if (from >= to) {
            return;
        }
        try (KafkaProducer<byte[], byte[]> producer =
                Clients.producer(options, "sluice-" + graph.name() + "-rescale", null)) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(
                        TopicPlan.statusTopic(graph.name()),
                        0,
                        (nodeId + "/" + i).getBytes(StandardCharsets.UTF_8),
                        null));
            }
            producer.flush();
        }
    }

    /** Keeps the parallelism a node was rescaled to, for a deployment continued later. */
    static void remember(ComputationalGraph graph, KafkaOptions options, String nodeId, int parallelism) {
        try (KafkaProducer<byte[], byte[]> producer =
                Clients.producer(options, "sluice-" + graph.name() + "-rescale", null)) {
            producer.send(new ProducerRecord<>(
                    TopicPlan.positionsTopic(graph.name()),
                    0,
                    (KEY_PREFIX + nodeId).getBytes(StandardCharsets.UTF_8),
                    Integer.toString(parallelism).getBytes(StandardCharsets.UTF_8)));
            producer.flush();
        }
    }

    /** The parallelism of each node an earlier run of the deployment rescaled, as {@link #remember} kept it. */
    static Map<String, Integer> remembered(ComputationalGraph graph, KafkaOptions options) {
        Map<String, Integer> rescaled = new LinkedHashMap<>();
        long deadline = System.nanoTime() + options.timeout().toNanos();
        try (KafkaConsumer<byte[], byte[]> reader = Clients.reader(options, graph.name() + "-rescale-reader")) {
            TopicReads.toEnd(
                    reader,
                    List.of(new TopicPartition(TopicPlan.positionsTopic(graph.name()), 0)),
                    ends -> {
                        if (System.nanoTime() - deadline > 0) {
                            throw new SluiceException("Graph '" + graph.name() + "': timed out after "
                                    + options.timeout().toMillis() + " ms reading the parallelism of its rescaled"
                                    + " nodes from topic '" + TopicPlan.positionsTopic(graph.name())
                                    + "'; raise KafkaOptions.timeout");
                        }
                        return true;
                    },
                    record -> {
                        String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
                        if (key.startsWith(KEY_PREFIX)) {
                            String node = key.substring(KEY_PREFIX.length());
                            if (record.value() == null) {
                                rescaled.remove(node);
                            } else {
                                rescaled.put(
                                        node, Integer.parseInt(new String(record.value(), StandardCharsets.UTF_8)));
                            }
                        }
                    });
        }
        rescaled.keySet().retainAll(graph.nodes().stream().map(NodeSpec::id).toList());
        return rescaled;
    }

    /** {@code count=5,enrich=3}: the worker flag that gives every worker process the rescaled nodes. */
    static String flag(Map<String, Integer> rescaled) {
        return String.join(
                ",",
                rescaled.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .toList());
    }
}
