package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.NotDefinedException;
import io.sluice.Partitioning;
import io.sluice.Sinks;
import io.sluice.SluiceException;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.testkit.KafkaBroker;
import io.sluice.testkit.RunningCounts;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What {@link Deployment#scale} refuses on KAFKA, word for word, before it stops anything. */
class RescaleRefusalsTest {

    static Deployment deployment;

    @BeforeAll
    static void deploy() {
        ComputationalGraph graph = ComputationalGraph.builder("rescale-refusals")
                .start("numbers", Sources.collection(List.of(1L, 2L, 3L)))
                .node("count", () -> new RunningCounts(4))
                .stores(RunningCounts.STORE)
                .parallelism(2)
                .maxParallelism(4)
                .end("out", Sinks.collect())
                .end("everything", Sinks.discard())
                .parallelism(2)
                .edge("numbers -> count", Partitioning.keyed((Long x) -> x % 4))
                .edge("count -> out", Partitioning.global())
                .edge("numbers -> everything", Partitioning.broadcast())
                .build();
        deployment = graph.deploy(
                SystemType.KAFKA,
                KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                        .withOnExisting(OnExisting.FRESH)
                        .withDeleteTopicsOnClose(true));
    }

    @AfterAll
    static void close() {
        deployment.close();
    }

    @Test
    void anUnknownNodeIsRefusedWithADidYouMean() {
        assertThatThrownBy(() -> deployment.scale("cuont", 3))
                .isInstanceOf(NotDefinedException.class)
                .hasMessage("Node 'cuont' is not defined in graph 'rescale-refusals'; defined nodes: [numbers, count,"
                        + " out, everything]; did you mean 'count'?");
    }

    @Test
    void aStartNodeIsRefused() {
        assertThatThrownBy(() -> deployment.scale("numbers", 3))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Node 'numbers' is a start node, which cannot be rescaled: its input is split per instance"
                        + " (each pulls its own share from outside); rescale the nodes after it");
    }

    @Test
    void aParallelismBelowOneIsRefused() {
        assertThatThrownBy(() -> deployment.scale("count", 0))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Node 'count': parallelism must be ≥ 1, found 0");
    }

    @Test
    void aParallelismAboveTheMaximumIsRefusedSayingHowToRaiseIt() {
        assertThatThrownBy(() -> deployment.scale("count", 5))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Node 'count': parallelism 5 is above its maxParallelism 4, the partitions its topics were"
                        + " made with; to go higher, deploy the graph anew (OnExisting.FRESH) with a larger"
                        + " maxParallelism on the node (Builder.maxParallelism)");
    }

    @Test
    void aNodeReadingAGlobalEdgeIsRefused() {
        assertThatThrownBy(() -> deployment.scale("out", 1))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Node 'out' reads edge 'count' -> 'out', partitioned global: only instance 0 reads it, so"
                        + " more instances would idle and fewer change nothing; it cannot be rescaled");
    }

    @Test
    void aNodeReadingABroadcastEdgeIsRefused() {
        assertThatThrownBy(() -> deployment.scale("everything", 1))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Node 'everything' reads edge 'numbers' -> 'everything', partitioned broadcast: each"
                        + " instance reads every item under a consumer group of its own, so a new instance would read"
                        + " the edge from its beginning; it cannot be rescaled");
    }

    @Test
    void workersOnThreadsAreRefusedSayingWhatToDeployWith() {
        assertThatThrownBy(() -> deployment.scale("count", 3))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Node 'count': deployment '" + deployment.id() + "' runs its workers as threads of this"
                        + " JVM, which cannot be rescaled yet; deploy with worker processes (Workers.processes) to"
                        + " rescale a running node");
    }

    /** Counts every item under one key: its store is not keyed by its input key. */
    public static final class Total implements io.sluice.Node<Long, Long> {
        private io.sluice.KeyValueStore<String, Long> total;

        @Override
        public void open(io.sluice.NodeContext context) {
            total = context.store("total");
        }

        @Override
        public void process(Long item, io.sluice.Emitter<Long> out) {
            total.put("all", total.getOrDefault("all", 0L) + 1);
        }
    }

    @Test
    void aNodeWithHeadroomWhoseStoreIsNotKeyedByItsInputKeyFailsNamingTheKey() throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("rescale-misplaced")
                .start("numbers", Sources.generator(1_000, i -> i))
                .node("total", Total::new)
                .stores("total")
                .parallelism(2)
                .maxParallelism(4)
                .end("out", Sinks.discard())
                .edge("numbers -> total", Partitioning.keyed((Long x) -> x % 8))
                .edge("total -> out")
                .build();
        try (Deployment misplaced = graph.deploy(
                SystemType.KAFKA,
                KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                        .withGuarantee(Guarantee.EXACTLY_ONCE)
                        .withOnExisting(OnExisting.FRESH)
                        .withDeleteTopicsOnClose(true))) {
            assertThatThrownBy(() -> misplaced.awaitCompletion(java.time.Duration.ofMinutes(1)))
                    .isInstanceOf(io.sluice.NodeFailedException.class)
                    .hasMessageMatching("Node 'total' \\(instance \\d of 2\\) wrote key 'all' to its store 'total',"
                            + " but that key's input partition \\(\\d of 4\\) belongs to instance \\d; a node with"
                            + " maxParallelism 4 keeps each store key where its input key goes, so that a rescale needs"
                            + " no moving: key its stores by the key of its keyed input edge, or deploy it without"
                            + " maxParallelism");
        }
    }
}
