package io.sluice.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.Edge;
import io.sluice.Emitter;
import io.sluice.LocalOptions;
import io.sluice.Node;
import io.sluice.NodeSpec;
import io.sluice.SystemType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A pipeline includes another pipeline file as a sub-graph under a prefix: the composition examples of the consecution
 * notes written as YAML, run on LOCAL in both modes with their exact outputs, and the mistakes of includes named with
 * both files and lines.
 */
class IncludeTest {

    @TempDir
    Path dir;

    /** Appends its {@code tag} to each item's text. */
    public static final class Tag implements Node<Object, String> {
        private final String tag;

        public Tag(Map<String, Object> config) {
            this.tag = String.valueOf(config.get("tag"));
        }

        @Override
        public void process(Object item, Emitter<String> out) {
            out.emit(item + tag);
        }
    }

    private static final String TAG = "io.sluice.yaml.IncludeTest$Tag";

    /** {@code node1 | node2}, tags 1 and 2. */
    private static final String FIRST = """
            graph: first
            inputs: [node1]
            outputs: [node2]
            nodes:
              - {id: node1, class: %s, config: {tag: "1"}}
              - {id: node2, class: %s, config: {tag: "2"}}
            edges:
              - node1 -> node2
            """.formatted(TAG, TAG);

    /** {@code node3 | node4}, tags 3 and 4. */
    private static final String SECOND = """
            graph: second
            inputs: [node3]
            outputs: [node4]
            nodes:
              - {id: node3, class: %s, config: {tag: "3"}}
              - {id: node4, class: %s, config: {tag: "4"}}
            edges:
              - node3 -> node4
            """.formatted(TAG, TAG);

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private static List<Object> run(ComputationalGraph graph, LocalOptions.Mode mode, String end) throws Exception {
        try (Deployment deployment =
                graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withMode(mode))) {
            assertThat(deployment.awaitTermination(Duration.ofSeconds(30))).isEqualTo(DeploymentState.COMPLETED);
            return deployment.results(end);
        }
    }

    private static List<Object> endingWith(List<Object> results, String tags) {
        return results.stream().filter(r -> r.toString().endsWith(tags)).toList();
    }

    private PipelineException refused(Path file) {
        return (PipelineException) org.assertj.core.api.Assertions.catchThrowable(() -> Pipeline.load(file));
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void broadcastToTwoIncludedBranchesThenMerge(LocalOptions.Mode mode) throws Exception {
        write("branches/first.yaml", FIRST);
        write("branches/second.yaml", SECOND);
        Path file = write("pipeline.yaml", """
                graph: broadcast
                nodes:
                  - {id: producer, source: collection, items: [a, b, c, d]}
                  - include: {file: branches/first.yaml, as: b1}
                  - include: {file: branches/second.yaml, as: b2}
                  - {id: merge, use: merge}
                  - {id: node5, class: %s, config: {tag: "5"}}
                  - {id: out, sink: collect}
                edges:
                  - producer -> b1 -> merge
                  - producer -> b2 -> merge
                  - merge -> node5 -> out
                """.formatted(TAG));

        ComputationalGraph graph = Pipeline.load(file).graph();

        assertThat(graph.nodes())
                .extracting(NodeSpec::id)
                .containsExactly("producer", "b1-node1", "b1-node2", "b2-node3", "b2-node4", "merge", "node5", "out");
        assertThat(graph.edges())
                .extracting(Edge::toString)
                .containsExactly(
                        "b1-node1 -> b1-node2",
                        "b2-node3 -> b2-node4",
                        "producer -> b1-node1",
                        "b1-node2 -> merge",
                        "producer -> b2-node3",
                        "b2-node4 -> merge",
                        "merge -> node5",
                        "node5 -> out");
        List<Object> results = run(graph, mode, "out");
        assertThat(results).hasSize(8);
        assertThat(endingWith(results, "125")).containsExactly("a125", "b125", "c125", "d125");
        assertThat(endingWith(results, "345")).containsExactly("a345", "b345", "c345", "d345");
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void routeToTwoIncludedBranchesThenMerge(LocalOptions.Mode mode) throws Exception {
        write("first.yaml", FIRST);
        write("second.yaml", SECOND);
        Path file = write("pipeline.yaml", """
                graph: routed
                nodes:
                  - {id: producer, source: collection, items: [a, b, c, d, e]}
                  - {id: split, use: route, branches: [left, right]}
                  - include: {file: first.yaml, as: left}
                  - include: {file: second.yaml, as: right}
                  - {id: node5, class: %s, config: {tag: "5"}}
                  - {id: out, sink: collect}
                edges:
                  - producer -> split
                  - split.left -> left -> node5
                  - split.right -> right -> node5
                  - node5 -> out
                """.formatted(TAG));

        ComputationalGraph graph = Pipeline.load(file).graph();

        assertThat(graph.inbound("node5")).extracting(Edge::from).containsExactly("left-node2", "right-node4");
        List<Object> results = run(graph, mode, "out");
        // A route without a field sends the items to its branches in turn.
        assertThat(endingWith(results, "125")).containsExactly("a125", "c125", "e125");
        assertThat(endingWith(results, "345")).containsExactly("b345", "d345");
        assertThat(results).hasSize(5);
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void aProducerWiredToASubGraphThatIncludesAnother(LocalOptions.Mode mode) throws Exception {
        write("first.yaml", FIRST);
        write("parts/both.yaml", """
                graph: both
                inputs: {in: fan}
                outputs: {out: join, firsts: inner.node2}
                nodes:
                  - {id: fan, use: broadcast}
                  - include: {file: ../first.yaml, as: inner}
                  - {id: last, class: %s, config: {tag: "L"}}
                  - {id: join, use: merge}
                edges:
                  - fan -> inner -> join
                  - fan -> last -> join
                """.formatted(TAG));
        Path file = write("pipeline.yaml", """
                graph: wired
                nodes:
                  - {id: producer, source: collection, items: [x, y]}
                  - include: {file: parts/both.yaml, as: b}
                  - {id: out, sink: collect}
                  - {id: firsts, sink: collect}
                edges:
                  - producer -> b
                  - b.out -> out
                  - b.firsts -> firsts
                """);

        ComputationalGraph graph = Pipeline.load(file).graph();

        assertThat(graph.nodes())
                .extracting(NodeSpec::id)
                .containsExactly(
                        "producer", "b-fan", "b-inner-node1", "b-inner-node2", "b-last", "b-join", "out", "firsts");
        assertThat(graph.outbound("b-inner-node2")).extracting(Edge::to).containsExactly("b-join", "firsts");
        try (Deployment deployment =
                graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withMode(mode))) {
            assertThat(deployment.awaitTermination(Duration.ofSeconds(30))).isEqualTo(DeploymentState.COMPLETED);
            assertThat(deployment.<Object>results("out")).containsExactlyInAnyOrder("x12", "y12", "xL", "yL");
            assertThat(deployment.<Object>results("firsts")).containsExactly("x12", "y12");
        }
    }

    @Test
    void aFileIncludedTwiceMakesTwoCopiesAndItsSourcesReadBesideIt() throws Exception {
        write("parts/numbers.txt", "1\n2\n");
        write("parts/side.yaml", """
                graph: side
                outputs: [both]
                nodes:
                  - {id: numbers, source: lines, path: numbers.txt}
                  - {id: both, use: merge}
                edges:
                  - numbers -> both
                """);
        Path file = write("pipeline.yaml", """
                graph: twice
                nodes:
                  - include: {file: parts/side.yaml, as: s1}
                  - include: parts/side.yaml
                  - {id: out, sink: collect}
                edges:
                  - s1 -> out
                  - side -> out
                """);

        Pipeline pipeline = Pipeline.load(file);

        assertThat(pipeline.graph().nodes())
                .extracting(NodeSpec::id)
                .containsExactly("s1-numbers", "s1-both", "side-numbers", "side-both", "out");
        assertThat(pipeline.inputs())
                .extracting(Pipeline.Input::location)
                .containsExactly("parts/side.yaml:4 nodes[0].path", "parts/side.yaml:4 nodes[0].path");
        assertThat(pipeline.inputs().get(0).path()).isEqualTo(dir.resolve("parts/numbers.txt"));
        assertThat(run(pipeline.graph(), LocalOptions.Mode.SINGLE_THREAD, "out"))
                .containsExactlyInAnyOrder("1", "2", "1", "2");
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void theCompositionExampleRoutesToTwoCopiesOfOneSubGraph(LocalOptions.Mode mode) throws Exception {
        ComputationalGraph graph =
                Pipeline.load(Path.of("../examples/composition.yaml")).graph();

        assertThat(graph.nodes())
                .extracting(NodeSpec::id)
                .containsExactly("orders", "byKind", "books-in", "books-pairs", "food-in", "food-pairs", "all", "out");
        Map<String, Object> o1 = Map.of("id", 1, "kind", "book", "cents", 1200);
        Map<String, Object> o2 = Map.of("id", 2, "kind", "food", "cents", 450);
        Map<String, Object> o3 = Map.of("id", 3, "kind", "book", "cents", 3100);
        Map<String, Object> o4 = Map.of("id", 4, "kind", "food", "cents", 999);
        Map<String, Object> o5 = Map.of("id", 5, "kind", "book", "cents", 2500);
        assertThat(run(graph, mode, "out")).containsExactlyInAnyOrder(List.of(o1, o3), List.of(o5), List.of(o2, o4));
    }

    // ---- mistakes ----

    @Test
    void aMissingFileAndAnIncludeCycleNameTheFilesAndLines() throws Exception {
        write("a.yaml", """
                graph: a
                nodes:
                  - {id: producer, source: collection, items: [x]}
                  - include: {file: b.yaml, as: b}
                  - include: {file: nope.yaml, as: n}
                edges:
                  - producer -> b
                """);
        write("b.yaml", """
                graph: b
                inputs: [first]
                nodes:
                  - {id: first, use: merge}
                  - include: {file: a.yaml, as: again}
                edges:
                  - first -> again
                """);

        PipelineException e = refused(dir.resolve("a.yaml"));

        assertThat(e.problems())
                .containsExactly(
                        "a.yaml:5 nodes[2].include.file: cannot include " + dir.resolve("nope.yaml") + ": no such file",
                        "b.yaml:5 nodes[1].include.file: an include cycle: a.yaml:4 includes b.yaml, b.yaml:5"
                                + " includes a.yaml; a file cannot include itself, directly or through other files");

        Path self = write("self.yaml", """
                graph: self
                nodes:
                  - {id: producer, source: collection, items: [x]}
                  - include: self.yaml
                edges: []
                """);
        assertThat(refused(self).problems())
                .containsExactly("self.yaml:4 nodes[1].include: an include cycle: self.yaml:4 includes self.yaml; a"
                        + " file cannot include itself, directly or through other files");
    }

    @Test
    void hostileIncludesFailCleanlyEachAtAFileAndLine() throws Exception {
        write("data.txt", "a b\nc\n");
        write("empty.yaml", "");
        write("tasks.yaml", "tasks: []\n");
        write("deep/d0.yaml", deep(0));
        for (int i = 1; i < 10; i++) {
            write("deep/d" + i + ".yaml", deep(i));
        }
        List<String> values = List.of(
                "~",
                "[a, b]",
                "{}",
                "{as: x}",
                "{file: ~, as: x}",
                "{file: '', as: x}",
                "{file: data.txt, as: 'a.b'}",
                "{file: deep, as: x}",
                "data.txt",
                "empty.yaml",
                "tasks.yaml",
                "{file: deep/d0.yaml, as: d}",
                "{file: pipeline.yaml, as: self, other: 1}",
                "\"\\0\"");
        for (String value : values) {
            Path file = write("pipeline.yaml", """
                    graph: hostile
                    nodes:
                      - {id: producer, source: collection, items: [x]}
                      - include: %s
                      - {id: out, sink: collect}
                    edges:
                      - producer -> out
                    """.formatted(value));
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> Pipeline.load(file));
            assertThat(thrown).as(value).isInstanceOf(PipelineException.class);
            assertThat(((PipelineException) thrown).problems())
                    .as(value)
                    .isNotEmpty()
                    .allSatisfy(
                            problem -> assertThat(problem).matches("(?s)[A-Za-z0-9_./-]+\\.(yaml|txt):[0-9]+[ :].*"));
        }
    }

    /** A file of the chain d0 -> d1 -> … -> d9, each including the next. */
    private static String deep(int i) {
        return """
                graph: d%d
                nodes:
                  - {id: n, use: merge}
                  - include: {file: d%d.yaml, as: x}
                edges: []
                """.formatted(i, i + 1);
    }

    @Test
    void aPrefixThatIsANodeIdAndAnIdTwoFilesGiveAreRefusedNamingBoth() throws Exception {
        write("first.yaml", FIRST);
        Path prefix = write("prefix.yaml", """
                graph: prefix
                nodes:
                  - {id: b1, source: collection, items: [x]}
                  - include: {file: first.yaml, as: b1}
                  - {id: out, sink: collect}
                edges:
                  - b1 -> out
                """);
        assertThat(refused(prefix).problems())
                .containsExactly("prefix.yaml:4 nodes[1].include: the prefix 'b1' is also the id of node 'b1'"
                        + " (prefix.yaml:3 nodes[0]); a prefix names the included sub-graph in edges ('b1 -> …'), so"
                        + " it must differ from every node id; rename the node or include the file with another"
                        + " prefix (as: …)");

        Path clash = write("clash.yaml", """
                graph: clash
                nodes:
                  - {id: producer, source: collection, items: [x]}
                  - {id: b1-node2, use: merge}
                  - include: {file: first.yaml, as: b1}
                  - {id: out, sink: collect}
                edges:
                  - producer -> b1 -> out
                  - producer -> b1-node2 -> out
                """);
        assertThat(refused(clash).problems())
                .containsExactly("first.yaml:6 nodes[1]: node 'b1-node2' is defined twice: as node 'b1-node2' of the"
                        + " pipeline (clash.yaml:4 nodes[1]), and as node 'node2' (first.yaml:6 nodes[1]) of sub-graph"
                        + " 'first' (first.yaml) included as 'b1' at clash.yaml:5 nodes[2].include; node ids must be"
                        + " unique: rename one, or include the sub-graph with another prefix (as: …)");

        Path twice = write("twice.yaml", """
                graph: twice
                nodes:
                  - {id: producer, source: collection, items: [x]}
                  - include: {file: first.yaml, as: b1}
                  - include: {file: first.yaml, as: b1}
                edges: []
                """);
        assertThat(refused(twice).problems())
                .containsExactly("twice.yaml:5 nodes[2].include.as: the prefix 'b1' is already given to sub-graph"
                        + " 'first' (first.yaml) included as 'b1' at twice.yaml:4 nodes[1].include; each include needs"
                        + " a prefix of its own (as: …)");
    }

    @Test
    void anInputNobodyFeedsAndAnOutputNobodyReadsAreRefusedAtTheInclude() throws Exception {
        write("first.yaml", FIRST);
        Path file = write("pipeline.yaml", """
                graph: loose
                nodes:
                  - {id: producer, source: collection, items: [x]}
                  - include: {file: first.yaml, as: b1}
                  - {id: out, sink: collect}
                edges:
                  - producer -> out
                """);

        assertThat(refused(file).problems())
                .containsExactly(
                        "pipeline.yaml:4 nodes[1].include: sub-graph 'first' (first.yaml) included as 'b1': its input"
                                + " 'node1' (node 'b1-node1', first.yaml:2 inputs[0]) is fed by no node; add an edge"
                                + " into it, as in '<node> -> b1'",
                        "pipeline.yaml:4 nodes[1].include: sub-graph 'first' (first.yaml) included as 'b1': its output"
                                + " 'node2' (node 'b1-node2', first.yaml:3 outputs[0]) is read by no node; add an edge"
                                + " from it, as in 'b1 -> <node>'");
    }

    @Test
    void aCycleThroughASubGraphNamesItsFileAndItsInclude() throws Exception {
        write("first.yaml", FIRST);
        Path file = write("pipeline.yaml", """
                graph: loop
                nodes:
                  - {id: producer, source: collection, items: [x]}
                  - {id: m, use: merge}
                  - include: {file: first.yaml, as: b1}
                  - {id: out, sink: collect}
                edges:
                  - producer -> m -> b1
                  - b1 -> m
                  - b1 -> out
                """);

        assertThat(refused(file).problems())
                .containsExactly("pipeline.yaml:9 edges[1]: Cycle m -> b1-node1 -> b1-node2 -> m; a graph must be"
                        + " acyclic: remove one of these edges (through sub-graph 'first' (first.yaml) included as"
                        + " 'b1' at pipeline.yaml:5 nodes[2].include)");
    }

    @Test
    void namesOfSubGraphsInputsAndOutputsAreCheckedAtTheirLines() throws Exception {
        write("two.yaml", """
                graph: two
                inputs: [left, right, nowhere]
                outputs: {out: join, bad: join.x.y}
                nodes:
                  - {id: left, use: merge}
                  - {id: right, use: merge}
                  - {id: join, use: merge}
                edges:
                  - left -> join
                  - right -> join
                robustness: {level: track}
                """);
        Path file = write("pipeline.yaml", """
                graph: names
                inputs: [x]
                nodes:
                  - {id: producer, source: collection, items: [x]}
                  - include: {file: two.yaml, as: t}
                  - {id: out, sink: collect}
                edges:
                  - producer -> t
                  - t.ot -> out
                """);

        assertThat(refused(file).problems())
                .containsExactly(
                        "pipeline.yaml:2 inputs: 'inputs' names the entry nodes of a file included as a sub-graph;"
                                + " a pipeline run on its own has none (include this file from another: include:"
                                + " {file, as})",
                        "two.yaml:3 outputs.bad: expected 'node' or 'node.port' but found 'join.x.y'",
                        "two.yaml:11 robustness: 'robustness' belongs to the pipeline that is run, not to a file it"
                                + " includes; set it in pipeline.yaml");
        Files.writeString(
                dir.resolve("two.yaml"),
                Files.readString(dir.resolve("two.yaml"))
                        .replace("robustness: {level: track}\n", "")
                        .replace(", bad: join.x.y", ""));
        Files.writeString(file, Files.readString(file).replace("inputs: [x]\n", ""));

        assertThat(refused(file).problems())
                .containsExactly(
                        "pipeline.yaml:7 edges[0]: Edge 'producer' -> 't': sub-graph 'two' (two.yaml) included as 't'"
                                + " at pipeline.yaml:4 nodes[1].include has the inputs [left, right, nowhere]; feed one"
                                + " by its node's id, as in 't-left'",
                        "pipeline.yaml:8 edges[1]: Edge 't.ot' -> 'out': sub-graph 'two' (two.yaml) included as 't' at"
                                + " pipeline.yaml:4 nodes[1].include has no output 'ot'; its outputs: [out]; did you"
                                + " mean 'out'?",
                        "two.yaml:2 inputs[2]: expected a node of two.yaml but found 'nowhere'; its nodes: [left, right,"
                                + " join]");
    }
}
