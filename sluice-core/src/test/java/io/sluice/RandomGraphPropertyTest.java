package io.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * Random DAGs give the same multiset of end-node outputs whatever the mode, the parallelism and the chaining: the
 * runtime may reorder items across instances but never loses, duplicates or alters one.
 */
class RandomGraphPropertyTest {

    /** The shape of a random graph: node i > 0 is fed by the earlier nodes in {@code parents.get(i)}. */
    record Shape(int size, List<List<Integer>> parents, List<Integer> kinds, List<String> partitionings) {
        @Override
        public String toString() {
            return "Shape[parents=" + parents + ", kinds=" + kinds + ", partitionings=" + partitionings + "]";
        }
    }

    @Provide
    Arbitrary<Shape> shapes() {
        return Arbitraries.integers().between(2, 8).flatMap(size -> {
            Arbitrary<List<List<Integer>>> parents = Arbitraries.integers()
                    .between(0, size - 1)
                    .list()
                    .ofMinSize(1)
                    .ofMaxSize(3)
                    .list()
                    .ofSize(size);
            Arbitrary<List<Integer>> kinds =
                    Arbitraries.integers().between(0, 3).list().ofSize(size);
            Arbitrary<List<String>> partitionings = Arbitraries.of("forward", "round-robin", "keyed", "global")
                    .list()
                    .ofSize(size);
            return Combinators.combine(parents, kinds, partitionings)
                    .as((p, k, pt) -> new Shape(size, normalise(p), k, pt));
        });
    }

    /** Keeps only parents that come earlier, so the graph is acyclic; node 0 is the start node. */
    private static List<List<Integer>> normalise(List<List<Integer>> raw) {
        List<List<Integer>> parents = new ArrayList<>();
        parents.add(List.of());
        for (int i = 1; i < raw.size(); i++) {
            int node = i;
            List<Integer> earlier =
                    raw.get(i).stream().map(p -> p % node).distinct().sorted().toList();
            parents.add(earlier);
        }
        return parents;
    }

    @Property(tries = 60, shrinking = ShrinkingMode.BOUNDED)
    void everyModeAndParallelismGivesTheSameOutputs(
            @ForAll("shapes") Shape shape, @ForAll("parallelisms") List<Integer> parallelism) throws Exception {
        List<Integer> sequential = parallelism.stream().map(p -> 1).toList();
        Map<String, Map<Object, Long>> reference =
                run(shape, sequential, LocalOptions.defaults().withMode(LocalOptions.Mode.SINGLE_THREAD));

        assertThat(run(shape, parallelism, LocalOptions.defaults().withMode(LocalOptions.Mode.SINGLE_THREAD)))
                .isEqualTo(reference);
        assertThat(run(shape, parallelism, LocalOptions.defaults().withBatchSize(7)))
                .isEqualTo(reference);
        assertThat(run(
                        shape,
                        parallelism,
                        LocalOptions.defaults().withChaining(false).withQueueCapacity(1)))
                .isEqualTo(reference);
    }

    @Provide
    Arbitrary<List<Integer>> parallelisms() {
        return Arbitraries.integers().between(1, 3).list().ofSize(8);
    }

    private static Map<String, Map<Object, Long>> run(Shape shape, List<Integer> parallelism, LocalOptions options)
            throws Exception {
        ComputationalGraph graph = build(shape, parallelism);
        try (Deployment deployment = graph.deploy(SystemType.LOCAL, options)) {
            assertThat(deployment.awaitCompletion(Duration.ofSeconds(60))).isTrue();
            Map<String, Map<Object, Long>> outputs = new HashMap<>();
            for (NodeSpec end : graph.endNodes()) {
                outputs.put(
                        end.id(),
                        deployment.results(end.id()).stream()
                                .collect(Collectors.groupingBy(x -> x, Collectors.counting())));
            }
            return outputs;
        }
    }

    /** Node 0 emits 0..299; the others transform, filter or duplicate; nodes nobody reads from are end nodes. */
    private static ComputationalGraph build(Shape shape, List<Integer> parallelism) {
        int size = shape.size();
        boolean[] hasChildren = new boolean[size];
        for (int i = 1; i < size; i++) {
            shape.parents().get(i).forEach(p -> hasChildren[p] = true);
        }
        ComputationalGraph.Builder builder = ComputationalGraph.builder("random");
        for (int i = 0; i < size; i++) {
            String id = "n" + i;
            int salt = i;
            if (i == 0) {
                builder.start(
                        id, Sources.collection(LongStream.range(0, 300).boxed().toList()));
            } else if (!hasChildren[i]) {
                builder.end(id, Sinks.collect());
            } else {
                switch (shape.kinds().get(i)) {
                    case 0 -> builder.map(id, (Long x) -> x * 31 + salt);
                    case 1 -> builder.filter(id, (Long x) -> x % 3 != 0);
                    case 2 -> builder.flatMap(id, (Long x) -> List.of(x, x + 1000L * salt));
                    default ->
                        builder.chunk(id, Chunking.byCount(4)).add(NodeSpec.node(id + "x", (Node<Object, Object>)
                                (chunk, out) -> ((List<?>) chunk).forEach(out::emit)));
                }
            }
            if (i > 0 || parallelism.get(0) > 1) {
                builder.parallelism(parallelism.get(i));
            }
        }
        for (int i = 1; i < size; i++) {
            for (int parent : shape.parents().get(i)) {
                String from = "n" + parent + (isChunk(shape, parent, hasChildren) ? "x" : "");
                Partitioning partitioning =
                        switch (shape.partitionings().get(i)) {
                            case "round-robin" -> Partitioning.roundRobin();
                            case "keyed" -> Partitioning.keyed(x -> x);
                            case "global" -> Partitioning.global();
                            default -> Partitioning.forward();
                        };
                builder.edge(new Edge(from, Emitter.DEFAULT_PORT, "n" + i, partitioning));
            }
            if (isChunk(shape, i, hasChildren)) {
                builder.edge("n" + i + " -> n" + i + "x");
            }
        }
        return builder.build();
    }

    private static boolean isChunk(Shape shape, int node, boolean[] hasChildren) {
        return node > 0 && hasChildren[node] && shape.kinds().get(node) == 3;
    }
}
