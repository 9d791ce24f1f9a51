package io.sluice.state.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.StoreSpec;
import io.sluice.spi.InstanceStores;
import io.sluice.spi.StoreEngine;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every store engine does, run against rocksdb and against memory, found by name as a runtime finds them. */
class StoreEngineContractTest {

    record Word(String text, int length) implements Serializable {}

    enum Colour {
        RED,
        BLUE
    }

    @TempDir
    Path dir;

    private StoreEngine engine;

    private StoreEngine open(String backend) {
        Map<String, String> config = backend.equals("memory") ? Map.of() : Map.of("dir", dir.toString());
        StoreSpec spec = StoreSpec.of("counts", backend, config);
        engine = InstanceStores.backend("count", spec).open("contract", "count", 0, spec);
        return engine;
    }

    @AfterEach
    void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "rocksdb"})
    void putGetAndDeleteKeepOneValuePerKey(String backend) {
        StoreEngine store = open(backend);

        store.put("a", 1L);
        store.put("b", 2L);
        store.put("a", 3L);

        assertThat(store.get("a")).isEqualTo(3L);
        assertThat(store.get("b")).isEqualTo(2L);
        assertThat(store.get("c")).isNull();
        assertThat(store.size()).isEqualTo(2);

        store.delete("a");
        store.delete("never-there");

        assertThat(store.get("a")).isNull();
        assertThat(store.size()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "rocksdb"})
    void keysAndValuesOfEveryKindComeBackEqual(String backend) {
        StoreEngine store = open(backend);
        Map<Object, Object> entries = new HashMap<>();
        entries.put("text", "é ☃ 𝄞");
        entries.put("", "");
        entries.put(1, 1);
        entries.put(1L, Long.MIN_VALUE);
        entries.put(-7, Integer.MIN_VALUE);
        entries.put(2.5, List.of(1, 2, 3));
        entries.put(new Word("sluice", 6), new Word("value", 5));
        entries.put(Colour.RED, Map.of("k", 1L));
        entries.put(List.of("a", "b"), Colour.BLUE);

        entries.forEach(store::put);

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
    @ValueSource(strings = {"memory", "rocksdb"})
    void clearEmptiesTheStoreAndLeavesItUsable(String backend) {
        StoreEngine store = open(backend);
        for (int i = 0; i < 1_000; i++) {
            store.put(i, "v" + i);
        }

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
        assertThat(store.get(6)).isEqualTo("after");
        assertThat(store.size()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "rocksdb"})
    void forEachMayReadAndWriteTheStoreItLists(String backend) {
        StoreEngine store = open(backend);
        for (int i = 0; i < 100; i++) {
            store.put("k" + i, (long) i);
        }

        store.forEach((key, value) -> {
            assertThat(store.get(key)).isEqualTo(value);
            store.put(key, (Long) value + 1);
        });

        assertThat(store.get("k41")).isEqualTo(42L);
        assertThat(store.size()).isEqualTo(100);
    }
}
