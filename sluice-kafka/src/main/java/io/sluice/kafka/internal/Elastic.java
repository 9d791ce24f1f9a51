package io.sluice.kafka.internal;

import io.sluice.ComputationalGraph;
import io.sluice.Edge;
import io.sluice.EndNode;
import io.sluice.EndNodeSpec;
import io.sluice.Node;
import io.sluice.NodeKind;
import io.sluice.NodeSpec;
import io.sluice.Partitioning;
import io.sluice.ProcessingNodeSpec;
import io.sluice.Resumable;
import io.sluice.SluiceException;
import io.sluice.kafka.KafkaOptions;
import io.sluice.spi.GraphLinks;
import java.util.TreeSet;

/**
 * Which nodes may be elastic ({@link KafkaOptions#withElasticNodes}), checked before anything runs. An elastic node's
 * instances share its input partitions by consumer-group membership, so a partition — and the keys in it — moves
 * between instances while the node runs, and extra members that join never complete. That is sound only for a node
 * whose output depends on each record alone: what ties a key, a position or a completion to one instance is refused
 * here, naming the node, the rule and the way out.
 */
final class Elastic {

    private Elastic() {}

    /** Whether {@code nodeId} runs elastic in a deployment with {@code options}. */
    static boolean isElastic(KafkaOptions options, String nodeId) {
        return options.elasticNodes().contains(nodeId);
    }

    /**
     * Checks every elastic node of {@code options} against {@code graph}.
     *
     * @throws SluiceException for the first node that cannot be elastic, saying why
     */
    static void check(ComputationalGraph graph, KafkaOptions options) {
        for (String nodeId : new TreeSet<>(options.elasticNodes())) {
            check(graph, nodeId);
        }
    }

    private static void check(ComputationalGraph graph, String nodeId) {
        if (!graph.hasNode(nodeId)) {
            throw new SluiceException("KafkaOptions.elasticNodes: node '" + nodeId + "' is not defined in graph '"
                    + graph.name() + "'; defined nodes: "
                    + graph.nodes().stream().map(NodeSpec::id).toList());
        }
        NodeSpec node = graph.node(nodeId);
        String what = "Node '" + nodeId + "' cannot be elastic: ";
        if (node.kind() == NodeKind.START) {
            throw new SluiceException(what + "it is a start node, which pulls its input from outside rather than from"
                    + " partitions a consumer group can share; make the nodes after it elastic");
        }
        if (!node.stores().isEmpty()) {
            throw new SluiceException(what + "it keeps stores "
                    + node.stores().stream().map(s -> s.name()).toList()
                    + ", whose state stays with an instance while its partitions move to another; leave it static"
                    + " and rescale it with its state (Deployment.scale)");
        }
        if (GraphLinks.outputOf(graph.name(), node).isPresent()
                || GraphLinks.inputOf(node).isPresent()) {
            throw new SluiceException(what + "it links this graph to another (a graph output or input), whose readers"
                    + " or writers count its instances; leave it static");
        }
        if (graph.robustness().deadLetter().filter(nodeId::equals).isPresent()) {
            throw new SluiceException(what + "it takes the dead letters, which only instance 0 reads; leave it static");
        }
        for (Edge edge : graph.inbound(nodeId)) {
            switch (edge.partitioning()) {
                case Partitioning.Broadcast b ->
                    throw new SluiceException(what + "it reads edge " + edge.describe()
                            + ", partitioned broadcast: each instance reads every item under a consumer group of its"
                            + " own, so there is nothing to share; leave it static");
                case Partitioning.Global g ->
                    throw new SluiceException(what + "it reads edge " + edge.describe()
                            + ", partitioned global: every item must meet one instance (instance 0), which a shared"
                            + " group cannot promise; leave it static");
                default -> {}
            }
        }
        Object sample = sample(node);
        if (sample instanceof Resumable) {
            throw new SluiceException(
                    what + "it is a resumable end node (" + sample.getClass().getName()
                            + "), which keeps its output position per instance, so a partition moved to another instance"
                            + " would leave its output behind; leave it static");
        }
        if (overridesOnComplete(sample)) {
            throw new SluiceException(what + "its class " + sample.getClass().getName() + " overrides onComplete,"
                    + " which only the instances 0 to " + (node.parallelism() - 1) + " run: an extra member never"
                    + " completes, so what it held for onComplete would be lost, and items held for a partition that"
                    + " moved would be emitted by an instance that no longer reads it; leave it static");
        }
    }

    /** One node made by the spec's factory, to look at its class; {@code null} for other kinds. */
    private static Object sample(NodeSpec node) {
        try {
            return switch (node) {
                case ProcessingNodeSpec p -> p.factory().get();
                case EndNodeSpec e -> e.factory().get();
                default -> null;
            };
        } catch (RuntimeException e) {
            return null; // the deployment's workers report a factory that fails, with the node's id
        }
    }

    private static boolean overridesOnComplete(Object node) {
        try {
            if (node instanceof Node<?, ?>) {
                return node.getClass()
                                .getMethod("onComplete", io.sluice.Emitter.class)
                                .getDeclaringClass()
                        != Node.class;
            }
            if (node instanceof EndNode<?>) {
                return node.getClass().getMethod("onComplete").getDeclaringClass() != EndNode.class;
            }
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e); // every Node and EndNode has it
        }
        return false;
    }
}
