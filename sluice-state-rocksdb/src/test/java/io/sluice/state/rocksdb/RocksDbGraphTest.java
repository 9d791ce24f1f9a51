package io.sluice.state.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.Emitter;
import io.sluice.KeyValueStore;
import io.sluice.LocalOptions;
import io.sluice.Node;
import io.sluice.NodeContext;
import io.sluice.NodeFailedException;
import io.sluice.Partitioning;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.StoreSpec;
import io.sluice.SystemType;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A LOCAL graph keeping its counts in a rocksdb store gives what the memory backend gives. */
class RocksDbGraphTest {

    /** A key that goes through Java serialization, as a user's record would. */
    record Word(String text) implements Serializable {}

    /** Counts each word in its store, and emits every count it holds at the end of its input. */
    static final class Count implements Node<Word, Map.Entry<String, Long>> {
        private KeyValueStore<Word, Long> counts;

        @Override
        public void open(NodeContext context) {
            counts = context.store("counts");
        }

        @Override
        public void process(Word word, Emitter<Map.Entry<String, Long>> out) {
            counts.put(word, counts.getOrDefault(word, 0L) + 1);
        }

        @Override
        public void onComplete(Emitter<Map.Entry<String, Long>> out) {
            counts.forEach((word, n) -> out.emit(Map.entry(word.text(), n)));
        }
    }

    @TempDir
    Path dir;

    private static final List<Word> WORDS = IntStream.range(0, 100_000)
            .mapToObj(i -> new Word("w" + (i * 7919L % 10_007)))
            .toList();

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void aKeyedCountInRocksdbEqualsTheCountInMemory(LocalOptions.Mode mode) throws Exception {
        Map<String, Long> expected = WORDS.stream().collect(Collectors.groupingBy(Word::text, Collectors.counting()));

        Map<String, Long> inMemory = count(StoreSpec.memory("counts"), mode);
        Map<String, Long> onDisk =
                count(StoreSpec.of("counts", "rocksdb", Map.of("dir", dir.toString(), "cache-mb", "4")), mode);

        assertThat(expected).hasSize(10_007);
        assertThat(inMemory).isEqualTo(expected);
        assertThat(onDisk).isEqualTo(inMemory);
        try (var left = Files.walk(dir)) {
            assertThat(left.filter(Files::isRegularFile))
                    .as("files left once the graph ended")
                    .isEmpty();
        }
    }

    @Test
    void aValueThatIsNotSerializableFailsTheNodeNamingTheStore() throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("unserializable")
                .start("words", Sources.collection(List.of("apple")))
                .node("keep", () -> new Node<String, String>() {
                    private KeyValueStore<String, Object> kept;

                    @Override
                    public void open(NodeContext context) {
                        kept = context.store("kept");
                    }

                    @Override
                    public void process(String word, Emitter<String> out) {
                        kept.put(word, new Object());
                    }
                })
                .stores(StoreSpec.of("kept", "rocksdb", Map.of("dir", dir.toString())))
                .end("out", Sinks.collect())
                .edge("words -> keep -> out")
                .build();

        try (Deployment deployment = graph.deploySystem(SystemType.LOCAL)) {
            assertThatThrownBy(() -> deployment.awaitCompletion(Duration.ofSeconds(30)))
                    .isInstanceOf(NodeFailedException.class)
                    .hasMessageContaining("Store 'kept' of node 'keep': the value of key 'apple' cannot be stored in"
                            + " rocksdb; expected a String, Long, Integer or java.io.Serializable object but found"
                            + " java.lang.Object, which is not Serializable");
        }
    }

    private static Map<String, Long> count(StoreSpec store, LocalOptions.Mode mode) throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("count-" + store.backend())
                .start("words", Sources.collection(WORDS))
                .node("count", Count::new)
                .stores(store)
                .parallelism(2)
                .end("out", Sinks.collect())
                .edge("words -> count", Partitioning.keyed(Word::text))
                .edge("count -> out")
                .build();
        try (Deployment deployment =
                graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withMode(mode))) {
            assertThat(deployment.awaitCompletion(Duration.ofMinutes(2))).isTrue();
            Map<String, Long> counts = new HashMap<>();
            deployment.<Map.Entry<String, Long>>results("out").forEach(e -> assertThat(
                            counts.put(e.getKey(), e.getValue()))
                    .as("word %s counted by one instance only", e.getKey())
                    .isNull());
            return counts;
        }
    }
}
