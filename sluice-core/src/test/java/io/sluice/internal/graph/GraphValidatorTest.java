package io.sluice.internal.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.Edge;
import io.sluice.GraphProblem;
import io.sluice.NodeSpec;
import io.sluice.Nodes;
import io.sluice.Robustness;
import io.sluice.Sinks;
import io.sluice.Sources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class GraphValidatorTest {

    @Test
    void aCycleIsFoundAtTheEndOfAChainOfAnyLengthOnASmallStack() throws Exception {
        int length = 200_000;
        List<String> nodes = new ArrayList<>();
        Map<String, List<String>> successors = new HashMap<>();
        for (int i = 0; i < length; i++) {
            nodes.add("n" + i);
            successors.put("n" + i, List.of("n" + (i + 1)));
        }
        successors.put("n" + (length - 1), List.of("n" + (length - 3)));
        AtomicReference<List<String>> cycle = new AtomicReference<>();

        // A recursive walk overflows a 256 KB stack some thousand nodes deep.
        Thread small = new Thread(null, () -> cycle.set(Cycles.find(nodes, successors)), "small-stack", 256 * 1024);
        small.start();
        small.join();

        assertThat(cycle.get())
                .containsExactly("n" + (length - 3), "n" + (length - 2), "n" + (length - 1), "n" + (length - 3));
        assertThat(Cycles.find(List.of("a", "b"), Map.of("a", List.of("b")))).isNull();
    }

    @Test
    void eachProblemSaysWhichNodeEdgeOrSettingItIsAbout() {
        List<NodeSpec> nodes = List.of(
                NodeSpec.start("src", Sources.collection(List.of(1))),
                Nodes.merge("a"),
                Nodes.merge("b"),
                Nodes.merge("a"),
                NodeSpec.end("out", Sinks.collect()));
        List<Edge> edges = List.of(
                Edge.of("src", "a"), Edge.of("a", "b"), Edge.of("b", "a"), Edge.of("b", "out"), Edge.of("b", "gone"));
        Robustness robustness =
                Robustness.none().withNode("ghost", Robustness.Level.TRACK).withDeadLetter("src");

        GraphValidator.Report report = GraphValidator.check("bad name", nodes, edges, robustness, 100);

        assertThat(report.problems())
                .extracting(GraphProblem::subject)
                .containsExactly(
                        new GraphProblem.OfGraph(),
                        new GraphProblem.OfNode(3),
                        new GraphProblem.OfNodeLevel("ghost"),
                        new GraphProblem.OfDeadLetter(),
                        new GraphProblem.OfDeadLetter(),
                        new GraphProblem.OfEdge(4));
        assertThat(report.omitted()).isZero();

        List<Edge> cyclic = List.of(Edge.of("src", "a"), Edge.of("a", "b"), Edge.of("b", "a"), Edge.of("b", "out"));
        List<NodeSpec> distinct = List.of(nodes.get(0), nodes.get(1), nodes.get(2), nodes.get(4));
        assertThat(GraphValidator.check("g", distinct, cyclic, Robustness.none(), 100)
                        .problems())
                .singleElement()
                .satisfies(cycle -> {
                    assertThat(cycle.message()).startsWith("Cycle a -> b -> a;");
                    assertThat(cycle.subject()).as("the edge that closes it").isEqualTo(new GraphProblem.OfEdge(2));
                });
    }

    @Test
    void problemsPastTheLimitAreCountedAndNodeListsAreCut() {
        List<NodeSpec> nodes = new ArrayList<>();
        nodes.add(NodeSpec.start("src", Sources.collection(List.of(1))));
        for (int i = 0; i < 30; i++) {
            nodes.add(NodeSpec.end("n" + i, Sinks.collect()));
        }
        List<Edge> edges = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            edges.add(Edge.of("src", "missing" + i));
        }

        GraphValidator.Report report = GraphValidator.check("g", nodes, edges, Robustness.none(), 2);

        assertThat(report.problems()).hasSize(2);
        assertThat(report.omitted()).isEqualTo(998);
        assertThat(report.problems().get(0).message())
                .isEqualTo("Edge 'src' -> 'missing0': node 'missing0' is not defined; defined nodes: [src, n0, n1, n2,"
                        + " n3, n4, n5, n6, n7, n8, n9, n10, n11, n12, n13, n14, n15, n16, n17, n18, …] (31 in all)");
    }
}
