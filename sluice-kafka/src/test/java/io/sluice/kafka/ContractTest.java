package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.Chunking;
import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentOptions;
import io.sluice.DeploymentState;
import io.sluice.Emitter;
import io.sluice.LocalOptions;
import io.sluice.Node;
import io.sluice.Partitioning;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.testkit.KafkaBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One suite, every system: the same graphs give the same end-node outputs (as multisets) on LOCAL, on KAFKA
 * at-least-once and on KAFKA exactly-once.
 */
class ContractTest {

    private static final AtomicInteger RUN = new AtomicInteger();
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    /** A system to run on. */
    enum Target {
        LOCAL,
        KAFKA_AT_LEAST_ONCE,
        KAFKA_EXACTLY_ONCE;

        SystemType system() {
            return this == LOCAL ? SystemType.LOCAL : SystemType.KAFKA;
        }

        DeploymentOptions options() {
            return switch (this) {
                case LOCAL -> LocalOptions.defaults();
                case KAFKA_AT_LEAST_ONCE ->
                    KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                            .withDeleteTopicsOnClose(true)
                            .withAllowedTypes(Count.class, Event.class);
                case KAFKA_EXACTLY_ONCE ->
                    KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                            .withGuarantee(Guarantee.EXACTLY_ONCE)
                            .withDeleteTopicsOnClose(true)
                            .withAllowedTypes(Count.class, Event.class);
            };
        }
    }

    static Stream<Arguments> targets() {
        return Stream.of(Target.values()).map(Arguments::of);
    }

    /** A graph name no other run on the shared broker uses. */
    private static String name(String base) {
        return base + "-" + RUN.incrementAndGet();
    }

    private static Map<String, Map<Object, Long>> run(Target target, ComputationalGraph graph) throws Exception {
        try (Deployment deployment = graph.deploy(target.system(), target.options())) {
            assertThat(deployment.awaitCompletion(TIMEOUT))
                    .as("completed on " + target)
                    .isTrue();
            assertThat(deployment.status().state()).isEqualTo(DeploymentState.COMPLETED);
            Map<String, Map<Object, Long>> outputs = new HashMap<>();
            graph.endNodes().forEach(end -> outputs.put(end.id(), multiset(deployment.results(end.id()))));
            return outputs;
        }
    }

    private static Map<Object, Long> multiset(List<Object> items) {
        return items.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    /** A word and how often it was seen. */
    record Count(String word, long count) {}

    static final class CountWords implements Node<String, Count> {
        private final Map<String, Long> counts = new HashMap<>();

        @Override
        public void process(String word, Emitter<Count> emitter) {
            counts.merge(word, 1L, Long::sum);
        }

        @Override
        public void onComplete(Emitter<Count> emitter) {
            counts.forEach((w, n) -> emitter.emit(new Count(w, n)));
        }
    }

    @ParameterizedTest
    @MethodSource("targets")
    void mapFilterChainGivesTheSameItems(Target target) throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder(name("chain"))
                .start(
                        "numbers",
                        Sources.collection(IntStream.range(0, 3_000).boxed().toList()))
                .map("square", (Integer i) -> (long) i * i)
                .parallelism(2)
                .filter("odd", (Long x) -> x % 2 == 1)
                .parallelism(2)
                .end("out", Sinks.collect())
                .edge("numbers -> square", Partitioning.roundRobin())
                .edge("square -> odd -> out")
                .build();

        Map<String, Map<Object, Long>> outputs = run(target, graph);

        assertThat(outputs.get("out"))
                .isEqualTo(multiset(IntStream.range(0, 3_000)
                        .filter(i -> i % 2 == 1)
                        .mapToObj(i -> (Object) ((long) i * i))
                        .toList()));
    }

    @ParameterizedTest
    @MethodSource("targets")
    void keyedCountsAreCompleteAndExact(Target target) throws Exception {
        List<String> words =
                IntStream.range(0, 5_000).mapToObj(i -> "w" + (i % 53)).toList();
        ComputationalGraph graph = ComputationalGraph.builder(name("count"))
                .start("words", Sources.collection(words))
                .node("count", CountWords::new)
                .parallelism(3)
                .end("out", Sinks.collect())
                .edge("words -> count", Partitioning.keyed((String w) -> w))
                .edge("count -> out", Partitioning.global())
                .build();

        Map<String, Map<Object, Long>> outputs = run(target, graph);

        Map<Object, Long> expected = new HashMap<>();
        words.stream()
                .collect(Collectors.groupingBy(w -> w, Collectors.counting()))
                .forEach((w, n) -> expected.put(new Count(w, n), 1L));
        assertThat(outputs.get("out")).isEqualTo(expected);
    }

    static Stream<Arguments> targetsAndBackends() {
        return Stream.of(Target.values())
                .flatMap(target -> Stream.of("memory", "rocksdb").map(backend -> Arguments.of(target, backend)));
    }

    /** Counts per key in a store and its instance's items in a value; emits both when the input ends. */
    static final class CountInStore implements Node<String, Object> {
        private io.sluice.KeyValueStore<String, Long> counts;
        private io.sluice.ValueState<Long> seen;

        @Override
        public void open(io.sluice.NodeContext context) {
            counts = context.store("counts");
            seen = context.valueState("seen");
        }

        @Override
        public void process(String word, Emitter<Object> emitter) {
            counts.put(word, counts.getOrDefault(word, 0L) + 1);
            if (word.endsWith("7")) {
                counts.delete(word);
            }
            seen.set(seen.getOrDefault(0L) + 1);
        }

        @Override
        public void onComplete(Emitter<Object> emitter) {
            counts.forEach((w, n) -> emitter.emit(new Count(w, n)));
            emitter.emit(seen.get());
        }
    }

    @ParameterizedTest(name = "{0} with a {1} store")
    @MethodSource("targetsAndBackends")
    void keyedCountsInAStoreAreCompleteAndExactOnEveryBackend(Target target, String backend) throws Exception {
        List<String> words =
                IntStream.range(0, 5_000).mapToObj(i -> "w" + (i % 53)).toList();
        ComputationalGraph graph = ComputationalGraph.builder(name("stored-" + backend))
                .start("words", Sources.collection(words))
                .node("count", CountInStore::new)
                .stores(
                        io.sluice.StoreSpec.of("counts", backend, Map.of()),
                        io.sluice.StoreSpec.of("seen", backend, Map.of()))
                .parallelism(3)
                .end("out", Sinks.collect())
                .edge("words -> count", Partitioning.keyed((String w) -> w))
                .edge("count -> out", Partitioning.global())
                .build();

        Map<String, Map<Object, Long>> outputs = run(target, graph);

        Map<Object, Long> counts = new HashMap<>();
        long seen = 0;
        for (Map.Entry<Object, Long> out : outputs.get("out").entrySet()) {
            if (out.getKey() instanceof Long perInstance) {
                seen += perInstance * out.getValue();
            } else {
                counts.put(out.getKey(), out.getValue());
            }
        }
        Map<Object, Long> expected = new HashMap<>();
        words.stream()
                .filter(w -> !w.endsWith("7"))
                .collect(Collectors.groupingBy(w -> w, Collectors.counting()))
                .forEach((w, n) -> expected.put(new Count(w, n), 1L));
        assertThat(counts).isEqualTo(expected);
        assertThat(seen).as("items seen over the instances").isEqualTo(words.size());
    }

    /** One event of a key's sequence. */
    record Event(String key, int seq) {}

    @ParameterizedTest
    @MethodSource("targets")
    void keyedEdgeKeepsEachKeysOrder(Target target) throws Exception {
        List<Event> events = IntStream.range(0, 3_000)
                .mapToObj(i -> new Event("k" + (i % 11), i / 11))
                .toList();
        ComputationalGraph graph = ComputationalGraph.builder(name("order"))
                .start("events", Sources.collection(events))
                .map("touch", (Event e) -> new Event(e.key(), e.seq()))
                .parallelism(3)
                .end("out", Sinks.collect())
                .edge("events -> touch", Partitioning.keyed((Event e) -> e.key()))
                .edge("touch -> out", Partitioning.global())
                .build();

        try (Deployment deployment = graph.deploy(target.system(), target.options())) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
            List<Event> out = deployment.results("out");
            assertThat(out).hasSize(events.size());
            Map<String, List<Integer>> byKey = out.stream()
                    .collect(Collectors.groupingBy(Event::key, Collectors.mapping(Event::seq, Collectors.toList())));
            assertThat(byKey).hasSize(11).allSatisfy((key, seqs) -> assertThat(seqs)
                    .isSorted());
        }
    }

    @ParameterizedTest
    @MethodSource("targets")
    void broadcastRouteMergeAndChunkAgree(Target target) throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder(name("shapes"))
                .start(
                        "numbers",
                        Sources.collection(IntStream.range(0, 1_000).boxed().toList()))
                .route("split", (Integer i) -> i % 3 == 0 ? "three" : "other", "three", "other")
                .map("tag3", (Integer i) -> "three:" + i)
                .map("tagOther", (Integer i) -> "other:" + i)
                .merge("joined")
                .broadcast("copy")
                .chunk("tens", Chunking.byCount(10))
                .map("sizes", (List<?> chunk) -> chunk.size())
                .end("all", Sinks.collect())
                .end("chunkSizes", Sinks.collect())
                .edge("numbers -> split")
                .edge("split.three -> tag3 -> joined")
                .edge("split.other -> tagOther -> joined")
                .edge("joined -> copy -> all")
                .edge("copy -> tens -> sizes -> chunkSizes")
                .build();

        Map<String, Map<Object, Long>> outputs = run(target, graph);

        assertThat(outputs.get("all"))
                .isEqualTo(multiset(IntStream.range(0, 1_000)
                        .mapToObj(i -> (Object) ((i % 3 == 0 ? "three:" : "other:") + i))
                        .toList()));
        assertThat(outputs.get("chunkSizes")).isEqualTo(Map.of(10, 100L));
    }
}
