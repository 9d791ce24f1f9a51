package io.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Sub-graphs as values: the composition examples of the consecution notes written with {@link SubGraph}, run on LOCAL in
 * both modes with their exact outputs, and the mistakes a composition can make, refused with their words.
 */
class SubGraphTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** {@code node1 | node2}: times ten, then tagged "a". */
    private static final SubGraph<Long, String> TENS =
            SubGraph.of("tens", in -> in.map("node1", (Long n) -> n * 10).map("node2", (Long n) -> "a" + n));

    /** {@code node3 | node4}: negated, then tagged "b". */
    private static final SubGraph<Long, String> NEGATIVES =
            SubGraph.of("negatives", in -> in.map("node3", (Long n) -> -n).map("node4", (Long n) -> "b" + n));

    /** Counts the items it has seen in a store and emits "item#count": so two copies show they count apart. */
    static final class Count implements Node<Long, String> {
        private ValueState<Long> seen;

        @Override
        public void open(NodeContext context) {
            seen = context.valueState("seen");
        }

        @Override
        public void process(Long item, Emitter<String> emitter) {
            long count = seen.getOrDefault(0L) + 1;
            seen.set(count);
            emitter.emit(item + "#" + count);
        }
    }

    private static final SubGraph<Long, String> COUNTED =
            SubGraph.of("counted", in -> in.then("count", Count::new).stores("seen"));

    private static List<Long> numbers(int n) {
        return LongStream.rangeClosed(1, n).boxed().toList();
    }

    private static <T> List<T> run(ComputationalGraph graph, LocalOptions.Mode mode, End<T> out) throws Exception {
        try (Deployment deployment =
                graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withMode(mode))) {
            assertThat(deployment.awaitTermination(TIMEOUT)).isEqualTo(DeploymentState.COMPLETED);
            return deployment.results(out);
        }
    }

    private static List<String> tagged(List<String> results, String tag) {
        return results.stream().filter(s -> s.startsWith(tag)).toList();
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void broadcastSendsEveryItemToEachBranchAndMergeJoinsThem(LocalOptions.Mode mode) throws Exception {
        // producer | broadcast(branch1, branch2); merge(branch1, branch2) | node5
        Flow flow = Flow.named("broadcast");
        End<String> out = flow.read("producer", Sources.collection(numbers(500)))
                .broadcast(TENS.as("b1"), NEGATIVES.as("b2"))
                .merge("merge")
                .map("node5", (String s) -> s + "!")
                .to("out", Sinks.collect());
        ComputationalGraph graph = flow.build();

        assertThat(graph.nodes())
                .extracting(NodeSpec::id)
                .containsExactly("producer", "b1-node1", "b1-node2", "b2-node3", "b2-node4", "merge", "node5", "out");
        assertThat(graph.edges())
                .extracting(Edge::toString)
                .containsExactly(
                        "producer -> b1-node1",
                        "b1-node1 -> b1-node2",
                        "producer -> b2-node3",
                        "b2-node3 -> b2-node4",
                        "b1-node2 -> merge",
                        "b2-node4 -> merge",
                        "merge -> node5",
                        "node5 -> out");
        List<String> results = run(graph, mode, out);
        assertThat(results).hasSize(1_000);
        // Each branch keeps the producer's order; how the two interleave is the runtime's business.
        assertThat(tagged(results, "a"))
                .containsExactlyElementsOf(
                        numbers(500).stream().map(n -> "a" + n * 10 + "!").toList());
        assertThat(tagged(results, "b"))
                .containsExactlyElementsOf(
                        numbers(500).stream().map(n -> "b" + -n + "!").toList());
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void routeSendsEachItemToExactlyOneBranch(LocalOptions.Mode mode) throws Exception {
        // producer | route(func, branch1, branch2); merge(branch1, branch2) | node5
        Flow flow = Flow.named("route");
        End<String> out = flow.read("producer", Sources.collection(numbers(300)))
                .route("split", (Long n) -> n % 3 == 0 ? "threes" : "others", TENS.as("threes"), NEGATIVES.as("others"))
                .merge("merge")
                .to("out", Sinks.collect());
        ComputationalGraph graph = flow.build();

        assertThat(graph.node("split").ports()).containsExactly("threes", "others");
        assertThat(graph.edges())
                .extracting(Edge::toString)
                .contains("split.threes -> threes-node1", "split.others -> others-node3");
        List<String> results = run(graph, mode, out);
        assertThat(tagged(results, "a"))
                .containsExactlyElementsOf(numbers(300).stream()
                        .filter(n -> n % 3 == 0)
                        .map(n -> "a" + n * 10)
                        .toList());
        assertThat(tagged(results, "b"))
                .containsExactlyElementsOf(numbers(300).stream()
                        .filter(n -> n % 3 != 0)
                        .map(n -> "b" + -n)
                        .toList());
        assertThat(results).hasSize(300);
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void branchesFeedOneNodeInOneExpression(LocalOptions.Mode mode) throws Exception {
        // producer < [node1 | node2, node3 | node4] > node5
        Flow flow = Flow.named("fan");
        End<String> out = flow.read("producer", Sources.collection(numbers(100)))
                .broadcast(TENS.as("b1"), NEGATIVES.as("b2"))
                .then("node5", (String s, Emitter<String> emitter) -> emitter.emit(s.toUpperCase()))
                .to("out", Sinks.collect());
        // and routed: producer < [route_func, node1 | node2, node3 | node4] > node5
        End<String> routed = flow.read("numbers", Sources.collection(numbers(100)))
                .route("parity", (Long n) -> n % 2 == 0 ? "even" : "odd", TENS.as("even"), NEGATIVES.as("odd"))
                .to("evens-and-odds", Sinks.collect());
        ComputationalGraph graph = flow.build();

        assertThat(graph.inbound("node5"))
                .extracting(Edge::toString)
                .containsExactly("b1-node2 -> node5", "b2-node4 -> node5");
        assertThat(graph.hasNode("merge")).isFalse();
        try (Deployment deployment =
                graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withMode(mode))) {
            assertThat(deployment.awaitTermination(TIMEOUT)).isEqualTo(DeploymentState.COMPLETED);
            assertThat(tagged(deployment.results(out), "A"))
                    .containsExactlyElementsOf(
                            numbers(100).stream().map(n -> "A" + n * 10).toList());
            assertThat(tagged(deployment.results(out), "B"))
                    .containsExactlyElementsOf(
                            numbers(100).stream().map(n -> "B" + -n).toList());
            assertThat(deployment.results(routed))
                    .hasSize(100)
                    .containsAll(numbers(100).stream()
                            .map(n -> n % 2 == 0 ? "a" + n * 10 : "b" + -n)
                            .toList());
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void aProducerWiredToASubGraphRunsItsNodesUnderItsPrefix(LocalOptions.Mode mode) throws Exception {
        SubGraph<String, String> clean =
                SubGraph.of("clean", in -> in.map("trim", String::trim).filter("nonEmpty", s -> !s.isEmpty()));
        SubGraph<String, Map.Entry<String, Long>> wordCount =
                SubGraph.of("wordcount", in -> in.flatMap("split", (String line) -> List.of(line.split(" ")))
                        .then(clean)
                        .keyBy(word -> word)
                        .then("count", () -> new Node<String, Map.Entry<String, Long>>() {
                            private KeyValueStore<String, Long> counts;

                            @Override
                            public void open(NodeContext context) {
                                counts = context.store("counts");
                            }

                            @Override
                            public void process(String word, Emitter<Map.Entry<String, Long>> emitter) {
                                long count = counts.getOrDefault(word, 0L) + 1;
                                counts.put(word, count);
                                emitter.emit(Map.entry(word, count));
                            }
                        })
                        .parallelism(2)
                        .stores("counts"));
        Flow flow = Flow.named("words");
        End<Map.Entry<String, Long>> out = flow.read("producer", Sources.collection(List.of("a b  a", " c a ", "b")))
                .then(wordCount.as("wc"))
                .to("out", Sinks.collect());
        ComputationalGraph graph = flow.build();

        assertThat(graph.nodes())
                .extracting(NodeSpec::id)
                .containsExactly("producer", "wc-split", "wc-clean-trim", "wc-clean-nonEmpty", "wc-count", "out");
        assertThat(graph.node("wc-count").parallelism()).isEqualTo(2);
        assertThat(graph.node("wc-count").stores()).extracting(StoreSpec::name).containsExactly("counts");
        assertThat(run(graph, mode, out))
                .containsExactlyInAnyOrder(
                        Map.entry("a", 1L),
                        Map.entry("a", 2L),
                        Map.entry("a", 3L),
                        Map.entry("b", 1L),
                        Map.entry("b", 2L),
                        Map.entry("c", 1L));
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void aSubGraphAddedTwiceMakesTwoIndependentCopies(LocalOptions.Mode mode) throws Exception {
        Flow flow = Flow.named("copies");
        End<String> out = flow.read("producer", Sources.collection(numbers(10)))
                .route("parity", (Long n) -> n % 2 == 0 ? "even" : "odd", COUNTED.as("even"), COUNTED.as("odd"))
                .merge("merge")
                .to("out", Sinks.collect());
        ComputationalGraph graph = flow.build();

        assertThat(graph.hasNode("even-count")).isTrue();
        assertThat(graph.hasNode("odd-count")).isTrue();
        // Each copy has its own node, instances and store: both count their five items from one.
        assertThat(run(graph, mode, out))
                .containsExactlyInAnyOrder("2#1", "4#2", "6#3", "8#4", "10#5", "1#1", "3#2", "5#3", "7#4", "9#5");
    }

    // ---- mistakes ----

    @Test
    void aNodeIdThatClashesWithASubGraphsNodeNamesBothGraphs() {
        Flow flow = Flow.named("main");
        Stage<Long> producer = flow.read("producer", Sources.collection(numbers(3)));
        producer.map("b1-node2", (Long n) -> "" + n).to("sink", Sinks.collect());
        producer.then(TENS.as("b1")).to("out", Sinks.collect());

        assertThatThrownBy(flow::build)
                .isInstanceOf(InvalidGraphException.class)
                .hasMessage("Invalid graph 'main': Node 'b1-node2' is defined 2 times; node ids must be unique"
                        + " (defined by graph 'main' and by sub-graph 'tens' added as 'b1', its node 'node2')");
    }

    @Test
    void aPrefixUsedTwiceOrByANodeIsRefused() {
        Flow twice = Flow.named("twice");
        Stage<Long> producer = twice.read("producer", Sources.collection(numbers(3)));
        twice.merge("all", producer.then(TENS), producer.then(TENS)).to("out", Sinks.collect());

        assertThatThrownBy(twice::build)
                .hasMessageStartingWith("Invalid graph 'twice': ")
                .hasMessageContaining("\n  - Sub-graph 'tens' is added twice as 'tens'; each copy needs a prefix of"
                        + " its own: add it with as(\"…\")\n")
                .hasMessageContaining("\n  - Node 'tens-node1' is defined 2 times; node ids must be unique (each"
                        + " by sub-graph 'tens' added as 'tens', its node 'node1')");

        Flow named = Flow.named("named");
        named.read("b1", Sources.collection(numbers(3))).then(TENS.as("b1")).to("out", Sinks.collect());
        assertThatThrownBy(named::build)
                .hasMessage("Invalid graph 'named': Sub-graph 'tens' added as 'b1': the prefix 'b1' is also the id of"
                        + " node 'b1' (graph 'named'); a prefix names the sub-graph's nodes, so it must differ from"
                        + " every node id; rename the node or add the sub-graph with another prefix");

        Stage<Long> numbers = Flow.named("branches").read("numbers", Sources.collection(numbers(3)));
        assertThatThrownBy(() -> numbers.broadcast(TENS, TENS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("broadcast: two branches are added as 'tens'; give each its own prefix with as(\"…\")");
        assertThatThrownBy(() -> TENS.as("b.1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sub-graph 'tens': the prefix may hold only letters, digits, '_' and '-'; found '.' at"
                        + " index 1 (it prefixes node ids)");
    }

    @Test
    void anOutputNobodyReadsIsRefusedNamingTheSubGraph() {
        Flow flow = Flow.named("unread");
        Stage<Long> producer = flow.read("producer", Sources.collection(numbers(3)));
        producer.then(TENS.as("b1"));
        producer.to("out", Sinks.collect());

        assertThatThrownBy(flow::build)
                .hasMessage("Invalid graph 'unread': Node 'b1-node2' has no outbound edge, so its output goes nowhere;"
                        + " add an edge from 'b1-node2' to another node, or make it an end node ('b1-node2' is the"
                        + " output of sub-graph 'tens' added as 'b1')");

        // An output that only the sub-graph's own nodes read is still unread by the graph that added it.
        SubGraph<Long, Long> audited = SubGraph.of("audited", in -> {
            Stage<Long> checked = in.filter("positive", n -> n > 0);
            checked.to("audit", Sinks.collect());
            return checked;
        });
        Flow inside = Flow.named("inside");
        inside.read("producer", Sources.collection(numbers(3))).then(audited);
        assertThatThrownBy(inside::build)
                .hasMessage("Invalid graph 'inside': Sub-graph 'audited' added as 'audited': its output"
                        + " 'audited-positive' is read by no node outside it; attach the next node to the stage it"
                        + " returned");
    }

    @Test
    void aSubGraphMustReadItsInputAndReturnAStageOfItsOwn() {
        Stage<Long> elsewhere = Flow.named("other").read("n", Sources.collection(numbers(1)));
        Flow flow = Flow.named("inputs");
        Stage<Long> producer = flow.read("producer", Sources.collection(numbers(3)));
        Stage<Long> second = flow.read("second", Sources.collection(numbers(3)));

        SubGraph<Long, Long> ignoring = SubGraph.of("ignoring", in -> second.map("copy", n -> n));
        producer.to("out", Sinks.collect());
        producer.then(ignoring).to("copies", Sinks.collect());
        assertThatThrownBy(flow::build)
                .hasMessage("Invalid graph 'inputs': Sub-graph 'ignoring' added as 'ignoring' does not read its input:"
                        + " its function attached no node to the stage it was given ('producer'); attach its first"
                        + " node to that stage");

        assertThatThrownBy(() -> producer.then(SubGraph.of("empty", (Stage<Long> in) -> in)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Sub-graph 'empty' added as 'empty' adds no node; its function must attach at least one"
                        + " node to the stage it is given and return the stage of its last node");
        assertThatThrownBy(() -> producer.then(SubGraph.of("foreign", (Stage<Long> in) -> {
                    in.to("sink", Sinks.collect());
                    return second;
                })))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Sub-graph 'foreign' added as 'foreign': its function returned stage 'second', which is"
                        + " not one of the sub-graph's nodes; return the stage of its last node");
        assertThatThrownBy(() -> producer.then(SubGraph.of("stranger", (Stage<Long> in) -> {
                    in.to("sink2", Sinks.collect());
                    return elsewhere;
                })))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stage 'n' belongs to graph 'other', not to 'inputs'");
    }
}
