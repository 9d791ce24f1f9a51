package io.sluice.state.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.StoreSpec;
import io.sluice.spi.ExternalStoreEngine;
import io.sluice.spi.InstanceStores;
import io.sluice.spi.StoreEngine;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every store engine does, run against memory and against postgres, found by name as a runtime finds them.
 * Postgres runs it twice: with every write still gathered in the engine ({@code postgres}), and with the writes
 * committed to the server before the reads ({@code postgres-committed}), so both paths of a read are held to it.
 */
class StoreEngineContractTest {

    record Word(String text, int length) implements Serializable {}

    enum Colour {
        RED,
        BLUE
    }

    private static final AtomicInteger GRAPHS = new AtomicInteger();

    private StoreEngine engine;
    private boolean committing;
    private long version;

    private StoreEngine open(String backend) {
        committing = backend.equals("postgres-committed");
        StoreSpec spec = backend.equals("memory")
                ? StoreSpec.memory("counts")
                : StoreSpec.of("counts", "postgres", PostgresServer.shared().config("contract"));
        engine = InstanceStores.backend("count", spec).open("contract-" + GRAPHS.incrementAndGet(), "count", 0, spec);
        return engine;
    }

    /** Commits what the engine gathered, in the committed variant. */
    private void settle() {
        if (committing) {
            ((ExternalStoreEngine) engine).commit(++version);
        }
    }

    @AfterEach
    void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "postgres", "postgres-committed"})
    void putGetAndDeleteKeepOneValuePerKey(String backend) {
        StoreEngine store = open(backend);

        store.put("a", 1L);
        store.put("b", 2L);
        store.put("a", 3L);
        settle();

        assertThat(store.get("a")).isEqualTo(3L);
        assertThat(store.get("b")).isEqualTo(2L);
        assertThat(store.get("c")).isNull();
        assertThat(store.size()).isEqualTo(2);

        store.delete("a");
        store.delete("never-there");

        assertThat(store.get("a")).isNull();
        assertThat(store.size()).isEqualTo(1);
        settle();
        assertThat(store.get("a")).isNull();
        assertThat(store.get("b")).isEqualTo(2L);
        assertThat(store.size()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "postgres", "postgres-committed"})
    void keysAndValuesOfEveryKindComeBackEqual(String backend) {
        StoreEngine store = open(backend);
        Map<Object, Object> entries = new HashMap<>();
        entries.put("text", "é ☃ 𝄞");
        entries.put("", "");
        entries.put("nul\0in a key", "nul\0in a value");
        entries.put(1, 1);
        entries.put(1L, Long.MIN_VALUE);
        entries.put(-7, Integer.MIN_VALUE);
        entries.put(2.5, List.of(1, 2, 3));
        entries.put(new Word("sluice", 6), new Word("value", 5));
        entries.put(Colour.RED, Map.of("k", 1L));
        entries.put(List.of("a", "b"), Colour.BLUE);

        entries.forEach(store::put);
        settle();

        entries.forEach(
                (key, value) -> assertThat(store.get(key)).as("key %s", key).isEqualTo(value));
        assertThat(store.get(new Word("sluice", 6))).isEqualTo(new Word("value", 5));
        assertThat(store.get(2)).as("an Integer key is not a Long key").isNull();
        assertThat(store.size()).isEqualTo(entries.size());
        Map<Object, Object> listed = new HashMap<>();
        store.forEach(listed::put);
        assertThat(listed).isEqualTo(entries);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "postgres", "postgres-committed"})
    void clearEmptiesTheStoreAndLeavesItUsable(String backend) {
        StoreEngine store = open(backend);
        for (int i = 0; i < 1_000; i++) {
            store.put(i, "v" + i);
        }
        settle();

        store.clear();

        assertThat(store.size()).isZero();
        assertThat(store.get(5)).isNull();
        Map<Object, Object> listed = new HashMap<>();
        store.forEach(listed::put);
        assertThat(listed).isEmpty();
        store.put(5, "again");
        store.clear();
        store.clear();
        store.put(6, "after");
        settle();
        assertThat(store.get(6)).isEqualTo("after");
        assertThat(store.size()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "postgres", "postgres-committed"})
    void forEachMayReadAndWriteTheStoreItLists(String backend) {
        StoreEngine store = open(backend);
        for (int i = 0; i < 1_200; i++) {
            store.put("k" + i, (long) i);
        }
        settle();

        store.forEach((key, value) -> {
            assertThat(store.get(key)).isEqualTo(value);
            store.put(key, (Long) value + 1);
        });
        settle();

        assertThat(store.get("k41")).isEqualTo(42L);
        assertThat(store.get("k1199")).isEqualTo(1200L);
        assertThat(store.size()).isEqualTo(1_200);
    }
}
