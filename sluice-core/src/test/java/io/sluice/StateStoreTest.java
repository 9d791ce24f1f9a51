package io.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.spi.InstanceStore;
import io.sluice.spi.InstanceStores;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Node state in declared stores: the node's view, the runtime's view (changes, attempts), and the errors. */
class StateStoreTest {

    /** Counts the words it sees in a store, and emits each word's count so far. */
    static final class Count implements Node<String, Map.Entry<String, Long>> {
        private KeyValueStore<String, Long> counts;
        private ValueState<Long> total;

        @Override
        public void open(NodeContext context) {
            counts = context.store("counts");
            total = context.valueState("total");
        }

        @Override
        public void process(String word, Emitter<Map.Entry<String, Long>> out) {
            long n = counts.getOrDefault(word, 0L) + 1;
            counts.put(word, n);
            total.set(total.getOrDefault(0L) + 1);
            out.emit(Map.entry(word, n));
        }

        @Override
        public void onComplete(Emitter<Map.Entry<String, Long>> out) {
            out.emit(Map.entry("*", total.get()));
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void aKeyedNodeCountsInItsStore(LocalOptions.Mode mode) throws Exception {
        List<String> words =
                IntStream.range(0, 10_000).mapToObj(i -> "w" + (i % 7)).toList();
        ComputationalGraph graph = ComputationalGraph.builder("count")
                .start("words", Sources.collection(words))
                .node("count", Count::new)
                .stores("counts", "total")
                .parallelism(3)
                .end("out", Sinks.collect())
                .edge("words -> count", Partitioning.keyed(w -> w))
                .edge("count -> out")
                .build();

        try (Deployment deployment =
                graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withMode(mode))) {
            assertThat(deployment.awaitCompletion(Duration.ofSeconds(30))).isTrue();
            Map<String, Long> finalCounts = new HashMap<>();
            deployment
                    .<Map.Entry<String, Long>>results("out")
                    .forEach(e -> finalCounts.merge(e.getKey(), e.getValue(), Math::max));
            assertThat(finalCounts).containsEntry("w0", 1429L).containsEntry("w6", 1428L);
            assertThat(finalCounts.get("*")).isNotNull();
            long totals = deployment.<Map.Entry<String, Long>>results("out").stream()
                    .filter(e -> e.getKey().equals("*"))
                    .mapToLong(Map.Entry::getValue)
                    .sum();
            assertThat(totals).isEqualTo(10_000);
        }
    }

    @Test
    void aNodeAskingForAnUndeclaredStoreFailsNamingTheStoresItHas() throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("undeclared")
                .start("words", Sources.collection(List.of("a")))
                .node("count", Count::new)
                .stores("counts")
                .end("out", Sinks.collect())
                .edge("words -> count -> out")
                .build();

        try (Deployment deployment = graph.deploySystem(SystemType.LOCAL)) {
            assertThatThrownBy(() -> deployment.awaitCompletion(Duration.ofSeconds(30)))
                    .isInstanceOf(NodeFailedException.class)
                    .hasMessageContaining("Node 'count' has no store 'total'; its stores: [counts];"
                            + " declare it on the node: .stores(\"total\") on the builder");
        }
        ComputationalGraph none = ComputationalGraph.builder("none")
                .start("words", Sources.collection(List.of("a")))
                .node("count", Count::new)
                .end("out", Sinks.collect())
                .edge("words -> count -> out")
                .build();
        try (Deployment deployment = none.deploySystem(SystemType.LOCAL)) {
            assertThatThrownBy(() -> deployment.awaitCompletion(Duration.ofSeconds(30)))
                    .isInstanceOf(NodeFailedException.class)
                    .hasMessageContaining("Node 'count' has no store 'counts'; it declares none");
        }
    }

    @Test
    void storeNamesAreCheckedWithTheGraph() {
        assertThatThrownBy(() -> ComputationalGraph.builder("bad")
                        .start("words", Sources.collection(List.of("a")))
                        .node("count", Count::new)
                        .stores("counts", "counts", "a.b")
                        .end("out", Sinks.collect())
                        .edge("words -> count -> out")
                        .build())
                .isInstanceOf(InvalidGraphException.class)
                .hasMessageContaining("Node 'count': store 'a.b' may hold only letters, digits, '_' and '-'")
                .hasMessageContaining("Node 'count': store 'counts' is declared twice");
    }

    @Test
    void anUnknownBackendIsNamedWithTheOnesThereAre() {
        NodeSpec spec = NodeSpec.node("count", Count::new).withStores(StoreSpec.of("counts", "rocks", Map.of()));
        assertThatThrownBy(() -> InstanceStores.open("g", spec, 0))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Store 'counts' of node 'count': no backend named 'rocks'; backends on the class path:"
                        + " [memory]; add the module that brings it (sluice-state-rocks)");
    }

    @Test
    void changesAreGatheredPerKeyAndAFailedAttemptLeavesNothing() {
        InstanceStores stores =
                InstanceStores.open("g", NodeSpec.node("n", Count::new).withStores("s"), 0);
        InstanceStore store = stores.find("s");
        store.put("untracked", 1);
        assertThat(store.hasChanges())
                .as("nothing gathered until a runtime asks")
                .isFalse();
        stores.trackChanges();
        store.put("a", 1);
        store.put("a", 2);
        store.put("b", 1);
        store.delete("b");
        Map<Object, Object> drained = new HashMap<>();
        store.drainChanges(drained::put);
        assertThat(drained).containsEntry("a", 2).containsEntry("b", null).hasSize(2);
        assertThat(store.hasChanges()).isFalse();

        stores.beginAttempt();
        store.put("a", 3);
        store.put("c", 1);
        stores.endAttempt(false);
        assertThat(store.get("a")).isEqualTo(2);
        assertThat(store.get("c")).isNull();

        stores.beginAttempt();
        store.put("a", 4);
        stores.endAttempt(true);
        assertThat(store.get("a")).isEqualTo(4);
        drained.clear();
        store.drainChanges(drained::put);
        assertThat(drained).containsEntry("a", 4).containsEntry("c", null);
    }

    @Test
    void aStoreRefusesNullsNamingTheStore() {
        InstanceStore store = InstanceStores.open(
                        "g", NodeSpec.node("n", Count::new).withStores("s"), 0)
                .find("s");
        assertThatThrownBy(() -> store.put("k", null))
                .hasMessage("store 's' of node 'n': the value of key 'k' is null; a store keeps no nulls — delete the"
                        + " key instead");
    }

    @Test
    void aStoreSpecNeverPrintsASecretSetting() {
        StoreSpec spec =
                StoreSpec.of("counts", "postgres", Map.of("url", "jdbc:postgresql://db/x", "password", "hunter2"));

        assertThat(spec.toString())
                .contains("url=jdbc:postgresql://db/x")
                .contains("password=****")
                .doesNotContain("hunter2");
    }
}
