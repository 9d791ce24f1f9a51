package io.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class GraphValidationTest {

    private static ComputationalGraph.Builder base() {
        return ComputationalGraph.builder("g")
                .start("src", Sources.collection(List.of(1, 2, 3)))
                .map("parse", x -> x)
                .end("store", Sinks.collect());
    }

    @Test
    void edgeToAnUndefinedNodeNamesItAndListsTheDefinedOnes() {
        assertThatThrownBy(() -> base().edge("src -> parse -> enrich")
                        .edge("parse -> store")
                        .build())
                .isInstanceOf(InvalidGraphException.class)
                .hasMessage("Invalid graph 'g': Edge 'parse' -> 'enrich': node 'enrich' is not defined;"
                        + " defined nodes: [src, parse, store]");
    }

    @Test
    void misspeltNodeGetsADidYouMean() {
        assertThatThrownBy(() -> base().edge("src -> prase -> store").build())
                .hasMessageContaining(
                        "node 'prase' is not defined; defined nodes: [src, parse, store]; did you mean" + " 'parse'?");
    }

    @Test
    void duplicateIdIsReported() {
        assertThatThrownBy(() -> base().map("parse", x -> x)
                        .edge("src -> parse -> store")
                        .build())
                .hasMessageContaining("Node 'parse' is defined 2 times; node ids must be unique");
    }

    @Test
    void cyclePrintsItsPath() {
        assertThatThrownBy(() -> ComputationalGraph.builder("g")
                        .start("src", Sources.collection(List.of(1)))
                        .map("a", x -> x)
                        .map("b", x -> x)
                        .map("c", x -> x)
                        .end("out", Sinks.collect())
                        .edge("src -> a -> b -> c -> a")
                        .edge("c -> out")
                        .build())
                .hasMessage("Invalid graph 'g': Cycle a -> b -> c -> a; a graph must be acyclic: remove one of these"
                        + " edges");
    }

    @Test
    void startNodeWithAnInboundEdgeIsRejected() {
        assertThatThrownBy(() -> base().edge("src -> parse -> store")
                        .edge("parse -> src")
                        .build())
                .hasMessageContaining("Edge 'parse' -> 'src': start node 'src' cannot have an inbound edge, since start"
                        + " nodes pull from outside; make 'src' a processing node or remove the edge");
    }

    @Test
    void endNodeWithAnOutboundEdgeIsRejected() {
        assertThatThrownBy(() -> base().end("other", Sinks.collect())
                        .edge("src -> parse -> store -> other")
                        .build())
                .hasMessageContaining("Edge 'store' -> 'other': end node 'store' cannot have an outbound edge, since"
                        + " end nodes push outside; make 'store' a processing node or remove the edge");
    }

    @Test
    void nodeUnreachableFromAnyStartNodeIsRejected() {
        assertThatThrownBy(() -> base().map("orphan", x -> x)
                        .edge("src -> parse -> store")
                        .edge("orphan -> store")
                        .build())
                .hasMessage("Invalid graph 'g': Node 'orphan' is not reachable from any start node, so it would"
                        + " never get an item; add an edge to it from a node fed by a start node, or remove it");
    }

    @Test
    void nodeWhoseOutputGoesNowhereIsRejected() {
        assertThatThrownBy(() -> base().map("dangling", x -> x)
                        .edge("src -> parse -> store")
                        .edge("parse -> dangling")
                        .build())
                .hasMessage("Invalid graph 'g': Node 'dangling' has no outbound edge, so its output goes nowhere;"
                        + " add an edge from 'dangling' to another node, or make it an end node");
    }

    @Test
    void parallelismBelowOneIsRejected() {
        assertThatThrownBy(() ->
                        base().parallelism(0).edge("src -> parse -> store").build())
                .hasMessage("Invalid graph 'g': Node 'store': parallelism must be ≥ 1, found 0");
    }

    @Test
    void maxParallelismBelowTheParallelismIsRejected() {
        assertThatThrownBy(() -> base().parallelism(4)
                        .maxParallelism(2)
                        .edge("src -> parse -> store")
                        .build())
                .hasMessage("Invalid graph 'g': Node 'store': maxParallelism must be ≥ its parallelism 4, found 2");
    }

    @Test
    void maxParallelismIsTheParallelismUnlessSetAndSurvivesOtherChanges() {
        ComputationalGraph graph = base().parallelism(2)
                .maxParallelism(8)
                .parallelism(3)
                .edge("src -> parse -> store")
                .build();
        assertThat(graph.node("store").maxParallelism()).isEqualTo(8);
        assertThat(graph.node("store").parallelism()).isEqualTo(3);
        assertThat(graph.node("parse").maxParallelism()).isEqualTo(1);
    }

    @Test
    void aStartNodeGetsNoMaxParallelism() {
        assertThatThrownBy(() -> ComputationalGraph.builder("g")
                        .start("src", Sources.collection(List.of(1)))
                        .maxParallelism(4))
                .hasMessage("Invalid graph 'g': Node 'src': a start node cannot be rescaled, as its input is split per"
                        + " instance; set maxParallelism on the nodes after it");
    }

    @Test
    void aRescaledGraphKeepsItsNameAndTheNodesHeadroom() {
        ComputationalGraph graph = new ComputationalGraph(
                List.of(NodeSpec.node("parse", (Node<Object, Object>) (item, out) -> out.emit(item))
                        .withMaxParallelism(6)),
                List.of(NodeSpec.start("src", Sources.collection(List.of(1)))),
                List.of(NodeSpec.end("store", Sinks.collect()).withParallelism(3)),
                List.of(Edge.of("src", "parse"), Edge.of("parse", "store")));

        ComputationalGraph up = graph.withParallelism("parse", 5);
        ComputationalGraph down = graph.withParallelism("store", 1);

        assertThat(up.name()).isEqualTo(graph.name());
        assertThat(up.node("parse").parallelism()).isEqualTo(5);
        assertThat(up.node("parse").maxParallelism()).isEqualTo(6);
        assertThat(down.node("store").maxParallelism()).isEqualTo(3);
        assertThatThrownBy(() -> graph.withParallelism("parse", 7))
                .hasMessageContaining("Node 'parse': maxParallelism must be ≥ its parallelism 7, found 6");
    }

    @Test
    void keyedEdgeWithoutAKeyFunctionIsRejected() {
        assertThatThrownBy(() -> base().edge("src -> parse")
                        .edge("parse -> store", new Partitioning.Keyed(null))
                        .build())
                .hasMessage("Invalid graph 'g': Edge 'parse' -> 'store': keyed partitioning needs a key function but"
                        + " found none; use Partitioning.keyed(item -> key)");
    }

    @Test
    void routeToAnUndefinedBranchIsRejected() {
        assertThatThrownBy(() -> ComputationalGraph.builder("g")
                        .start("src", Sources.collection(List.of(1)))
                        .route("split", (Integer i) -> i > 0 ? "profit" : "budget", "profit", "budget")
                        .end("p", Sinks.collect())
                        .end("b", Sinks.collect())
                        .edge("src -> split")
                        .edge("split.profit -> p")
                        .edge("split.budgte -> b")
                        .build())
                .hasMessageContaining("Edge 'split.budgte' -> 'b': node 'split' has no output port 'budgte'; its"
                        + " ports: [budget, profit]; declare the port on the node (withPorts, or a branch of route)")
                .hasMessageContaining("Node 'split': port 'budget' has no edge, so items emitted there would be lost;"
                        + " add an edge 'split.budget' -> <node>");
    }

    @Test
    void sideOutputPortWithoutAnEdgeIsRejected() {
        assertThatThrownBy(() ->
                        base().ports("invalid").edge("src -> parse -> store").build())
                .hasMessage("Invalid graph 'g': Node 'store': only processing nodes have side-output ports, and 'store'"
                        + " is an end node");
        assertThatThrownBy(() -> ComputationalGraph.builder("g")
                        .start("src", Sources.collection(List.of(1)))
                        .map("parse", x -> x)
                        .ports("invalid")
                        .end("store", Sinks.collect())
                        .edge("src -> parse -> store")
                        .build())
                .hasMessage("Invalid graph 'g': Node 'parse': port 'invalid' has no edge, so items emitted there would"
                        + " be lost; add an edge 'parse.invalid' -> <node>");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() ->
                        base().parallelism(0).edge("src -> parse -> nowhere").build())
                .isInstanceOfSatisfying(InvalidGraphException.class, e -> assertThat(e.problems())
                        .containsExactly(
                                "Node 'store': parallelism must be ≥ 1, found 0",
                                "Edge 'parse' -> 'nowhere': node 'nowhere' is not defined; defined nodes: [src, parse,"
                                        + " store]"))
                .hasMessageStartingWith("Invalid graph 'g': 2 problems\n  - Node 'store'");
    }

    @Test
    void idsMustBeUsableInTopicNames() {
        assertThatThrownBy(() -> ComputationalGraph.builder("my graph")
                        .start("src", Sources.collection(List.of(1)))
                        .end("out put", Sinks.collect())
                        .edge(Edge.of("src", "out put"))
                        .build())
                .isInstanceOfSatisfying(InvalidGraphException.class, e -> assertThat(e.problems())
                        .containsExactly(
                                "the graph name may hold only letters, digits, '_' and '-'; found ' ' at index 2 (it"
                                        + " prefixes topic names)",
                                "Node 'out put': the id may hold only letters, digits, '_' and '-'; found ' ' at index"
                                        + " 3"));
    }

    @Test
    void graphWithoutStartNodeIsRejected() {
        assertThatThrownBy(() -> new ComputationalGraph(List.of(), List.of(), List.of(), List.of()))
                .hasMessage(
                        "Invalid graph 'graph-e3b0c442': the graph has no start node; add one that pulls the input, e.g."
                                + " builder.start(\"input\", Sources.collection(items))");
    }

    @Test
    void malformedEdgeExpressionsSayWhatWasExpected() {
        assertThatThrownBy(() -> base().edge("src -> "))
                .hasMessage("Invalid graph 'g': Edge expression 'src -> ': expected a node id after '->' but found"
                        + " nothing");
        assertThatThrownBy(() -> base().edge("src"))
                .hasMessage("Invalid graph 'g': Edge expression 'src': expected at least one '->' between two node"
                        + " ids, as in 'a -> b'");
        assertThatThrownBy(() -> base().edge("src -> parse.out"))
                .hasMessage("Invalid graph 'g': Edge expression 'src -> parse.out': the last node 'parse.out' names a"
                        + " port, but ports belong to the upstream end of an edge; write 'parse'");
    }

    @Test
    void seedConstructorBuildsTheSameGraphAsTheBuilder() {
        StartNodeSpec src = NodeSpec.start("src", Sources.collection(List.of(1, 2)));
        ProcessingNodeSpec parse = Nodes.map("parse", x -> x);
        EndNodeSpec store = NodeSpec.end("store", Sinks.collect());

        ComputationalGraph graph = new ComputationalGraph(
                List.of(src, parse, store), List.of(src), List.of(store), Edge.parse("src -> parse -> store"));

        assertThat(graph.topologicalOrder()).containsExactly("src", "parse", "store");
        assertThat(graph.startNodes()).containsExactly(src);
        assertThat(graph.endNodes()).containsExactly(store);
        assertThat(graph.edges()).extracting(Edge::toString).containsExactly("src -> parse", "parse -> store");
    }

    @Test
    void seedConstructorNamesAGraphAfterItsShapeTheSameInEveryJvm() {
        StartNodeSpec src = NodeSpec.start("src", Sources.collection(List.of(1, 2)));
        ProcessingNodeSpec parse = Nodes.map("parse", x -> x);
        EndNodeSpec store = NodeSpec.end("store", Sinks.collect());
        List<Edge> edges = Edge.parse("src -> parse -> store");

        ComputationalGraph graph = new ComputationalGraph(List.of(src, parse, store), List.of(), List.of(), edges);

        // A constant: a worker process rebuilding the graph in another JVM, or a later release, finds the same name.
        assertThat(graph.name()).isEqualTo("graph-f5ce4f65");
        assertThat(new ComputationalGraph(
                                List.of(store, parse, src),
                                List.of(src),
                                List.of(store),
                                List.of(edges.get(1), edges.get(0)))
                        .name())
                .as("the order of the collections does not matter")
                .isEqualTo(graph.name());
    }

    @Test
    void seedConstructorGivesDifferentGraphsDifferentNames() {
        StartNodeSpec src = NodeSpec.start("src", Sources.collection(List.of(1, 2)));
        ProcessingNodeSpec parse = Nodes.map("parse", x -> x);
        EndNodeSpec store = NodeSpec.end("store", Sinks.collect());
        EndNodeSpec other = NodeSpec.end("other", Sinks.collect());
        String name = new ComputationalGraph(
                        List.of(src, parse, store), List.of(), List.of(), Edge.parse("src -> parse -> store"))
                .name();

        List<String> names = List.of(
                new ComputationalGraph(
                                List.of(src, parse, other), List.of(), List.of(), Edge.parse("src -> parse -> other"))
                        .name(),
                new ComputationalGraph(
                                List.of(src, parse.withParallelism(2), store),
                                List.of(),
                                List.of(),
                                Edge.parse("src -> parse -> store"))
                        .name(),
                new ComputationalGraph(
                                List.of(src, parse, store),
                                List.of(),
                                List.of(),
                                List.of(
                                        Edge.of("src", "parse").withPartitioning(Partitioning.roundRobin()),
                                        Edge.of("parse", "store")))
                        .name());

        assertThat(names).doesNotContain(name).doesNotHaveDuplicates();
        assertThat(new ComputationalGraph(
                                "named",
                                List.of(src, parse, store),
                                List.of(),
                                List.of(),
                                Edge.parse("src -> parse -> store"))
                        .name())
                .as("a name given explicitly is kept")
                .isEqualTo("named");
    }

    @Test
    void askingForAnUndefinedNodeListsTheDefinedOnes() {
        ComputationalGraph graph = base().edge("src -> parse -> store").build();
        assertThatThrownBy(() -> graph.node("nope"))
                .isInstanceOf(NotDefinedException.class)
                .hasMessage("Node 'nope' is not defined in graph 'g'; defined nodes: [src, parse, store]");
        assertThatThrownBy(() -> graph.node("prase"))
                .hasMessage("Node 'prase' is not defined in graph 'g'; defined nodes: [src, parse, store];"
                        + " did you mean 'parse'?");
        assertThatThrownBy(() -> graph.endNode("stroe"))
                .isInstanceOf(NotDefinedException.class)
                .hasMessage("Node 'stroe' is not defined; results are kept by end nodes: [store]; did you mean"
                        + " 'store'?");
        assertThatThrownBy(() -> graph.endNode("parse"))
                .isNotInstanceOf(NotDefinedException.class)
                .hasMessage("Node 'parse' is a processing node; results are kept by end nodes: [store]");
    }

    @Test
    void askingForAnUndeclaredStoreListsTheNodesStores() {
        ComputationalGraph graph = ComputationalGraph.builder("g")
                .start("src", Sources.collection(List.of(1)))
                .map("parse", x -> x)
                .stores("seen", "totals")
                .end("store", Sinks.collect())
                .edge("src -> parse -> store")
                .build();

        assertThat(graph.store("parse", "seen")).isEqualTo(StoreSpec.memory("seen"));
        assertThatThrownBy(() -> graph.store("parse", "sen"))
                .isInstanceOf(NotDefinedException.class)
                .hasMessage("Node 'parse' has no store 'sen'; its stores: [seen, totals]; did you mean 'seen'?");
        assertThatThrownBy(() -> graph.store("store", "seen"))
                .isInstanceOf(NotDefinedException.class)
                .hasMessage("Node 'store' has no store 'seen': it declares none; nodes with stores: [parse]");
        assertThatThrownBy(() -> graph.store("nope", "seen")).isInstanceOf(NotDefinedException.class);
    }

    @Test
    void routeBranchesMustBeUnique() {
        assertThatThrownBy(() -> Nodes.route("split", "left", "right", "left"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("route 'split': branch 'left' is given twice; each branch is an output port, so names must"
                        + " be unique");
    }
}
