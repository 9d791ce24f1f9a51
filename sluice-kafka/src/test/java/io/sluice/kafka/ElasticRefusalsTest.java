package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.ComputationalGraph;
import io.sluice.Emitter;
import io.sluice.Node;
import io.sluice.Partitioning;
import io.sluice.Sinks;
import io.sluice.SluiceException;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.kafka.internal.NodeProcess;
import io.sluice.testkit.KafkaBroker;
import io.sluice.testkit.RunningCounts;
import org.junit.jupiter.api.Test;

/**
 * What cannot be elastic is refused at deploy, before any topic is made, naming the node, the edge and the reason —
 * and a worker cannot join a static node as an extra instance.
 */
class ElasticRefusalsTest {

    /** Holds items and emits them at the end: what an extra member, which never completes, would lose. */
    public static final class Holding implements Node<Long, Long> {
        @Override
        public void process(Long item, Emitter<Long> out) {}

        @Override
        public void onComplete(Emitter<Long> out) {}
    }

    static ComputationalGraph graph(Partitioning toMap) {
        return ComputationalGraph.builder("elastic-refusals")
                .start("numbers", Sources.generator(10, i -> i))
                .node("map", () -> (Node<Long, Long>) (item, out) -> out.emit(item))
                .node("hold", Holding::new)
                .node("count", () -> new RunningCounts(4))
                .stores(RunningCounts.STORE)
                .end("out", Sinks.collect())
                .edge("numbers -> map", toMap)
                .edge("map -> hold -> count -> out")
                .build();
    }

    static KafkaOptions options(String... elastic) {
        return KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withOnExisting(OnExisting.FRESH)
                .withElasticNodes(elastic);
    }

    static void deploy(ComputationalGraph graph, KafkaOptions options) {
        graph.deploy(SystemType.KAFKA, options).close();
    }

    @Test
    void aStartNodeIsRefused() {
        assertThatThrownBy(() -> deploy(graph(Partitioning.roundRobin()), options("numbers")))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Node 'numbers' cannot be elastic: it is a start node, which pulls its input from outside"
                        + " rather than from partitions a consumer group can share; make the nodes after it elastic");
    }

    @Test
    void aNodeWithStoresIsRefused() {
        assertThatThrownBy(() -> deploy(graph(Partitioning.roundRobin()), options("count")))
                .hasMessage("Node 'count' cannot be elastic: it keeps stores [counts], whose state stays with an"
                        + " instance while its partitions move to another; leave it static and rescale it with its"
                        + " state (Deployment.scale)");
    }

    @Test
    void aNodeReadingABroadcastOrGlobalEdgeIsRefusedNamingTheEdge() {
        assertThatThrownBy(() -> deploy(graph(Partitioning.broadcast()), options("map")))
                .hasMessage("Node 'map' cannot be elastic: it reads edge 'numbers' -> 'map', partitioned broadcast:"
                        + " each instance reads every item under a consumer group of its own, so there is nothing to"
                        + " share; leave it static");
        assertThatThrownBy(() -> deploy(graph(Partitioning.global()), options("map")))
                .hasMessage("Node 'map' cannot be elastic: it reads edge 'numbers' -> 'map', partitioned global: every"
                        + " item must meet one instance (instance 0), which a shared group cannot promise; leave it"
                        + " static");
    }

    @Test
    void aNodeThatEmitsOnCompletionIsRefused() {
        assertThatThrownBy(() -> deploy(graph(Partitioning.roundRobin()), options("hold")))
                .hasMessage("Node 'hold' cannot be elastic: its class " + Holding.class.getName() + " overrides"
                        + " onComplete, which only the instances 0 to 0 run: an extra member never completes, so what"
                        + " it held for onComplete would be lost, and items held for a partition that moved would be"
                        + " emitted by an instance that no longer reads it; leave it static");
    }

    @Test
    void aResumableEndNodeIsRefused() {
        KafkaOptions options = options("out");
        ComputationalGraph graph = ComputationalGraph.builder("elastic-refusals-sink")
                .start("numbers", Sources.generator(10, i -> i))
                .end("out", KafkaSinks.topic(options, "elastic-refusals-out"))
                .edge("numbers -> out")
                .build();
        assertThatThrownBy(() -> deploy(graph, options))
                .hasMessageStartingWith("Node 'out' cannot be elastic: it is a resumable end node (")
                .hasMessageEndingWith("), which keeps its output position per instance, so a partition moved to"
                        + " another instance would leave its output behind; leave it static");
    }

    @Test
    void anUnknownNodeIsRefusedListingTheNodes() {
        assertThatThrownBy(() -> deploy(graph(Partitioning.roundRobin()), options("mpa")))
                .hasMessage("KafkaOptions.elasticNodes: node 'mpa' is not defined in graph 'elastic-refusals';"
                        + " defined nodes: [numbers, map, hold, count, out]");
    }

    @Test
    void aWorkerCannotJoinAStaticNodeAsAnExtraInstanceButCanJoinAnElasticOne() {
        ComputationalGraph graph = graph(Partitioning.roundRobin());
        assertThatThrownBy(() -> new NodeProcess(graph, "map", 1, options()))
                .hasMessage("Node 'map' has parallelism 1, so instances 0 to 0; there is no instance 1; run at most 1"
                        + " replicas of it, raise its parallelism (in the graph, or on a running deployment: sluice"
                        + " scale map 2), or make it elastic (KafkaOptions.withElasticNodes, worker flag --elastic"
                        + " map) so that extra members can join it");
        new NodeProcess(graph, "map", 1, options("map")); // an extra member: nothing runs until run()
    }
}
