package io.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Reading a node's store from outside the node on LOCAL: by key, by key text, as a bounded list, and the errors. */
class StoreViewTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Counts words in its store and emits nothing until the end. */
    static final class Count implements Node<String, String> {
        private KeyValueStore<String, Long> counts;

        @Override
        public void open(NodeContext context) {
            counts = context.store("counts");
        }

        @Override
        public void process(String word, Emitter<String> out) {
            counts.put(word, counts.getOrDefault(word, 0L) + 1);
        }

        @Override
        public void onComplete(Emitter<String> out) {
            counts.forEach((word, n) -> out.emit(word + "=" + n));
        }
    }

    enum Colour {
        RED
    }

    /** Puts keys of many types into its store. */
    static final class TypedKeys implements Node<Object, Object> {
        @Override
        public void open(NodeContext context) {
            KeyValueStore<Object, String> keys = context.store("keys");
            keys.put("42", "the text 42");
            keys.put(42L, "the long 42");
            keys.put(43L, "the long 43");
            keys.put(7, "the int 7");
            keys.put(2.5, "the double 2.5");
            keys.put(true, "the boolean");
            keys.put(Colour.RED, "the enum");
        }

        @Override
        public void process(Object item, Emitter<Object> out) {
            out.emit(item);
        }
    }

    /** Keeps how many items its instance saw, in a value state. */
    static final class Seen implements Node<Integer, Integer> {
        private ValueState<Long> seen;

        @Override
        public void open(NodeContext context) {
            seen = context.valueState("seen");
        }

        @Override
        public void process(Integer item, Emitter<Integer> out) {
            seen.set(seen.getOrDefault(0L) + 1);
            out.emit(item);
        }
    }

    private static ComputationalGraph countGraph(List<String> words) {
        return ComputationalGraph.builder("count")
                .start("words", Sources.collection(words))
                .node("count", Count::new)
                .stores("counts")
                .parallelism(3)
                .end("out", Sinks.collect())
                .edge("words -> count", Partitioning.keyed((String w) -> w))
                .edge("count -> out")
                .build();
    }

    @Test
    void aRunningNodesStoreIsReadByKeyWhileItRuns() throws Exception {
        Inbox<String> words = Inbox.of(String.class, 100);
        ComputationalGraph graph = ComputationalGraph.builder("live")
                .start("words", Sources.inbox(words))
                .node("count", Count::new)
                .stores("counts")
                .parallelism(3)
                .end("out", Sinks.collect())
                .edge("words -> count", Partitioning.keyed((String w) -> w))
                .edge("count -> out")
                .build();

        try (Deployment deployment = graph.deploySystem(SystemType.LOCAL)) {
            StoreView counts = deployment.store("count", "counts");
            for (String word : List.of("a", "b", "a", "c", "a")) {
                words.offer(word, TIMEOUT);
            }

            await().atMost(TIMEOUT).until(() -> counts.<Long>get("a").orElse(0L) == 3L);
            assertThat(counts.<Long>get("b")).contains(1L);
            assertThat(counts.get("z")).isEmpty();
            assertThat(deployment.status().state()).isEqualTo(DeploymentState.RUNNING);

            words.offer("b", TIMEOUT);
            words.close();
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
            assertThat(counts.<Long>get("b")).contains(2L);
        }
    }

    @Test
    void everyInstanceIsReadAndListingsAreBounded() throws Exception {
        List<String> words =
                IntStream.range(0, 7_000).mapToObj(i -> "w" + (i % 7)).toList();

        try (Deployment deployment = countGraph(words).deploySystem(SystemType.LOCAL)) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
            StoreView counts = deployment.store("count", "counts");

            StoreView.Entries all = counts.entries(100);
            assertThat(all.total()).isEqualTo(7);
            assertThat(all.complete()).isTrue();
            Map<Object, Object> byKey = new HashMap<>();
            all.entries().forEach(e -> byKey.put(e.key(), e.value()));
            assertThat(byKey).hasSize(7).containsEntry("w0", 1000L).containsEntry("w6", 1000L);
            assertThat(all.entries()).extracting(StoreView.Entry::instance).allMatch(i -> i >= 0 && i < 3);
            for (StoreView.Entry entry : all.entries()) {
                assertThat(counts.find((String) entry.key())).contains(entry);
            }

            StoreView.Entries three = counts.entries(3);
            assertThat(three.entries()).hasSize(3);
            assertThat(three.total()).isEqualTo(7);
            assertThat(three.complete()).isFalse();
            assertThat(counts.entries(0).entries()).isEmpty();
            assertThatThrownBy(() -> counts.entries(-1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Store 'counts' of node 'count': the limit of entries must be 0 or more, found -1");
        }
    }

    @Test
    void aKeyWrittenAsTextIsTriedAsTextThenNumberThenBooleanThenByItsText() throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("typed")
                .start("in", Sources.collection(List.of(1)))
                .node("keys", TypedKeys::new)
                .stores("keys")
                .end("out", Sinks.collect())
                .edge("in -> keys -> out")
                .build();

        try (Deployment deployment =
                graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withMode(LocalOptions.Mode.SINGLE_THREAD))) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
            StoreView keys = deployment.store("keys", "keys");

            assertThat(keys.find("42")).contains(new StoreView.Entry("42", "the text 42", 0));
            assertThat(keys.find("43")).contains(new StoreView.Entry(43L, "the long 43", 0));
            assertThat(keys.find("7")).contains(new StoreView.Entry(7, "the int 7", 0));
            assertThat(keys.find("2.5")).contains(new StoreView.Entry(2.5, "the double 2.5", 0));
            assertThat(keys.find("true")).contains(new StoreView.Entry(true, "the boolean", 0));
            assertThat(keys.find("RED")).contains(new StoreView.Entry(Colour.RED, "the enum", 0));
            assertThat(keys.find("44")).isEmpty();
            assertThat(keys.<String>get(43L)).contains("the long 43");
            assertThat(keys.get(43))
                    .as("get compares keys with equals: an Integer is not a Long")
                    .isEmpty();
        }
    }

    @Test
    void aKeyHeldBySeveralInstancesIsAnsweredByTheLowestAndListedForEach() throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("spread")
                .start("in", Sources.collection(IntStream.range(0, 100).boxed().toList()))
                .node("seen", Seen::new)
                .stores("seen")
                .parallelism(2)
                .end("out", Sinks.collect())
                .edge("in -> seen", Partitioning.roundRobin())
                .edge("seen -> out")
                .build();

        try (Deployment deployment = graph.deploySystem(SystemType.LOCAL)) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
            StoreView seen = deployment.store("seen", "seen");

            StoreView.Entries entries = seen.entries(10);
            assertThat(entries.entries()).extracting(StoreView.Entry::instance).containsExactly(0, 1);
            assertThat(entries.entries().stream()
                            .mapToLong(e -> (Long) e.value())
                            .sum())
                    .isEqualTo(100);
            assertThat(seen.find("value").orElseThrow().instance()).isZero();
        }
    }

    @Test
    void unknownNodesAndStoresAreNamedWithWhatThereIs() throws Exception {
        try (Deployment deployment = countGraph(List.of("a")).deploySystem(SystemType.LOCAL)) {
            assertThatThrownBy(() -> deployment.store("cuont", "counts"))
                    .isInstanceOf(NotDefinedException.class)
                    .hasMessage("Node 'cuont' is not defined in graph 'count'; defined nodes: [words, count, out];"
                            + " did you mean 'count'?");
            assertThatThrownBy(() -> deployment.store("count", "cuonts"))
                    .isInstanceOf(NotDefinedException.class)
                    .hasMessage("Node 'count' has no store 'cuonts'; its stores: [counts]; did you mean 'counts'?");
            assertThatThrownBy(() -> deployment.store("out", "counts"))
                    .isInstanceOf(NotDefinedException.class)
                    .hasMessage("Node 'out' has no store 'counts': it declares none; nodes with stores: [count]");
        }
    }
}
