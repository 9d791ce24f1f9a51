package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.Emitter;
import io.sluice.End;
import io.sluice.Flow;
import io.sluice.KeyValueStore;
import io.sluice.Node;
import io.sluice.NodeContext;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SubGraph;
import io.sluice.SystemType;
import io.sluice.testkit.KafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The consecution notes' composition examples — broadcast to two branches then merge, route to two branches then
 * merge, a producer wired to a sub-graph that keeps state — on KAFKA under exactly-once, where every prefixed node is
 * a worker with its own topics: the same exact outputs as on LOCAL ({@code SubGraphTest}).
 */
class CompositionKafkaTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    /** {@code node1 | node2}: times ten, then tagged "a". */
    private static final SubGraph<Long, String> TENS =
            SubGraph.of("tens", in -> in.map("node1", (Long n) -> n * 10).map("node2", (Long n) -> "a" + n));

    /** {@code node3 | node4}: negated, then tagged "b". */
    private static final SubGraph<Long, String> NEGATIVES =
            SubGraph.of("negatives", in -> in.map("node3", (Long n) -> -n).map("node4", (Long n) -> "b" + n));

    /** Counts each word in a store and emits "word=count". */
    static final class Count implements Node<String, String> {
        private KeyValueStore<String, Long> counts;

        @Override
        public void open(NodeContext context) {
            counts = context.store("counts");
        }

        @Override
        public void process(String word, Emitter<String> out) {
            long n = counts.getOrDefault(word, 0L) + 1;
            counts.put(word, n);
            out.emit(word + "=" + n);
        }
    }

    private static final SubGraph<String, String> WORD_COUNT =
            SubGraph.of("wordcount", in -> in.flatMap("split", (String line) -> List.of(line.split(" ")))
                    .keyBy(word -> word)
                    .then("count", Count::new)
                    .stores("counts")
                    .parallelism(2));

    private static List<Long> numbers(int n) {
        return LongStream.rangeClosed(1, n).boxed().toList();
    }

    private static <T> List<T> run(ComputationalGraph graph, End<T> out) throws InterruptedException {
        KafkaOptions options = KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withGuarantee(Guarantee.EXACTLY_ONCE)
                .withOnExisting(OnExisting.FRESH)
                .withDeleteTopicsOnClose(true);
        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options)) {
            assertThat(deployment.awaitTermination(TIMEOUT)).isEqualTo(DeploymentState.COMPLETED);
            return deployment.results(out);
        }
    }

    @Test
    void broadcastToTwoBranchesThenMerge() throws Exception {
        Flow flow = Flow.named("composition-broadcast");
        End<String> out = flow.read("producer", Sources.collection(numbers(500)))
                .broadcast(TENS.as("b1"), NEGATIVES.as("b2"))
                .merge("merge")
                .map("node5", (String s) -> s + "!")
                .to("out", Sinks.collect());

        List<String> results = run(flow.build(), out);

        assertThat(results)
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 500)
                        .boxed()
                        .flatMap(n -> java.util.stream.Stream.of("a" + n * 10 + "!", "b" + -n + "!"))
                        .toList());
    }

    @Test
    void routeToTwoBranchesThenMerge() throws Exception {
        Flow flow = Flow.named("composition-route");
        End<String> out = flow.read("producer", Sources.collection(numbers(300)))
                .route("split", (Long n) -> n % 3 == 0 ? "threes" : "others", TENS.as("threes"), NEGATIVES.as("others"))
                .merge("merge")
                .to("out", Sinks.collect());

        List<String> results = run(flow.build(), out);

        assertThat(results)
                .containsExactlyInAnyOrderElementsOf(numbers(300).stream()
                        .map(n -> n % 3 == 0 ? "a" + n * 10 : "b" + -n)
                        .toList());
    }

    @Test
    void aProducerWiredToAStatefulSubGraph() throws Exception {
        Flow flow = Flow.named("composition-wired");
        End<String> out = flow.read("producer", Sources.collection(List.of("a b a", "c a", "b")))
                .then(WORD_COUNT.as("wc"))
                .to("out", Sinks.collect());
        ComputationalGraph graph = flow.build();
        assertThat(graph.hasNode("wc-count")).isTrue();

        assertThat(run(graph, out)).containsExactlyInAnyOrder("a=1", "a=2", "a=3", "b=1", "b=2", "c=1");
    }
}
