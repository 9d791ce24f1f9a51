package io.sluice.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.ComputationalGraph;
import io.sluice.Partitioning;
import io.sluice.Sinks;
import io.sluice.SluiceException;
import io.sluice.Sources;
import io.sluice.StoreSpec;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.TopicPlan;
import io.sluice.testkit.RunningCounts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rescales {@link Rescale#check} refuses that need a graph of their own, word for word; and the topic plan. */
class RescaleTest {

    private static ComputationalGraph.Builder counting(String name) {
        return ComputationalGraph.builder(name)
                .start("numbers", Sources.collection(List.of(1L, 2L, 3L)))
                .node("count", () -> new RunningCounts(4));
    }

    private static TopicPlan plan(ComputationalGraph graph) {
        return TopicPlan.of(graph, KafkaOptions.of("localhost:9092"));
    }

    @Test
    void aNodeWithHeadroomGetsThatManyInputAndChangelogPartitionsAndOthersKeepTheirLayout() {
        ComputationalGraph graph = counting("g")
                .stores(RunningCounts.STORE)
                .parallelism(2)
                .maxParallelism(6)
                .end("out", Sinks.collect())
                .stores("seen")
                .parallelism(2)
                .edge("numbers -> count", Partitioning.keyed((Long x) -> x))
                .edge("count -> out", Partitioning.keyed((String x) -> x))
                .build();

        TopicPlan plan = plan(graph);

        assertThat(plan.topic("g.numbers").partitions()).isEqualTo(6);
        assertThat(plan.topic(TopicPlan.storeTopic("g", "count", RunningCounts.STORE))
                        .partitions())
                .isEqualTo(6);
        assertThat(plan.topic("g.count").partitions()).isEqualTo(2);
        assertThat(plan.topic(TopicPlan.storeTopic("g", "out", "seen")).partitions())
                .isEqualTo(2);
        assertThat(plan(graph.withParallelism("count", 5))).isEqualTo(plan);
    }

    @Test
    void aNodeKeepingItsStoreInAnExternalServerIsRefused() {
        ComputationalGraph graph = counting("g")
                .add(io.sluice.NodeSpec.node("remote", (io.sluice.Node<Object, Object>) (item, out) -> {})
                        .withStores(StoreSpec.of("totals", "postgres", Map.of()))
                        .withMaxParallelism(4))
                .end("out", Sinks.collect())
                .edge("numbers -> count -> out")
                .edge("numbers -> remote", Partitioning.keyed((Long x) -> x))
                .edge("remote -> out")
                .build();

        assertThatThrownBy(() -> Rescale.check(graph, plan(graph), "remote", 2))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Node 'remote' keeps its store 'totals' in backend 'postgres', an external server whose"
                        + " content is kept per instance; rescaling is built for the stores the runtime restores from"
                        + " their changelog (memory, rocksdb): to change its parallelism, deploy the graph anew");
    }

    @Test
    void aStatefulNodeFedByAnEdgeThatIsNotKeyedIsRefused() {
        ComputationalGraph graph = counting("g")
                .stores(RunningCounts.STORE)
                .maxParallelism(4)
                .end("out", Sinks.collect())
                .edge("numbers -> count -> out")
                .build();

        assertThatThrownBy(() -> Rescale.check(graph, plan(graph), "count", 2))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Node 'count' keeps stores but reads edge 'numbers' -> 'count', partitioned forward, so"
                        + " its store keys are not tied to its input partitions; only a stateful node fed by keyed"
                        + " edges can be rescaled with its state");
    }

    @Test
    void aStatefulNodeReadingATopicWiderThanItsChangelogIsRefused() {
        ComputationalGraph keyed = ComputationalGraph.builder("g")
                .start("numbers", Sources.collection(List.of(1L, 2L, 3L)))
                .node("count", () -> new RunningCounts(4))
                .stores(RunningCounts.STORE)
                .maxParallelism(4)
                .end("out", Sinks.collect())
                .node("wide", (io.sluice.Node<Long, Long>) (item, out) -> out.emit(item))
                .parallelism(8)
                .end("wide-out", Sinks.collect())
                .edge("numbers -> count", Partitioning.keyed((Long x) -> x))
                .edge("numbers -> wide", Partitioning.roundRobin())
                .edge("count -> out")
                .edge("wide -> wide-out")
                .build();

        assertThatThrownBy(() -> Rescale.check(keyed, plan(keyed), "count", 2))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Node 'count' reads edge 'numbers' -> 'count' from a topic of 8 partitions, as a wider node"
                        + " reads it too, but its stores' changelogs have 4; a store key follows its input key only"
                        + " when they match: give the nodes reading that topic the same maxParallelism");
    }
}
