package io.sluice.state.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.StoreSpec;
import io.sluice.spi.ExternalStoreEngine;
import io.sluice.spi.InstanceStores;
import io.sluice.spi.StoreEngine;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every store engine does, run against redis and against memory, found by name as a runtime finds them. For
 * redis each test runs twice: on the gathered changes alone, and once more after a commit, so that the same answers
 * come from the server.
 */
class StoreEngineContractTest {

    record Word(String text, int length) implements Serializable {}

    enum Colour {
        RED,
        BLUE
    }

    private StoreEngine engine;
    private long version;

    private boolean committing;

    /** {@code redis+commit}: redis, with every change committed before it is read, so reads go to the server. */
    private StoreEngine open(String variant) {
        committing = variant.endsWith("+commit");
        String backend = variant.replace("+commit", "");
        Map<String, String> config = backend.equals("memory")
                ? Map.of()
                : Map.of("uri", RedisServer.shared().uri(), "cache-entries", "10");
        StoreSpec spec = StoreSpec.of("counts", backend, config);
        String graph = "contract-" + UUID.randomUUID();
        engine = InstanceStores.backend("count", spec).open(graph, "count", 0, spec);
        return engine;
    }

    /** In the {@code +commit} variant, commits what the engine gathered, so that what follows is read from the server. */
    private void settle(StoreEngine store) {
        if (committing && store instanceof ExternalStoreEngine external) {
            external.commit(++version);
        }
    }

    @AfterEach
    void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "redis", "redis+commit"})
    void putGetAndDeleteKeepOneValuePerKey(String backend) {
        StoreEngine store = open(backend);

        store.put("a", 1L);
        store.put("b", 2L);
        store.put("a", 3L);
        settle(store);

        assertThat(store.get("a")).isEqualTo(3L);
        assertThat(store.get("b")).isEqualTo(2L);
        assertThat(store.get("c")).isNull();
        assertThat(store.size()).isEqualTo(2);

        store.delete("a");
        store.delete("never-there");
        settle(store);

        assertThat(store.get("a")).isNull();
        assertThat(store.size()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "redis", "redis+commit"})
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
        settle(store);

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
    @ValueSource(strings = {"memory", "redis", "redis+commit"})
    void clearEmptiesTheStoreAndLeavesItUsable(String backend) {
        StoreEngine store = open(backend);
        for (int i = 0; i < 1_000; i++) {
            store.put(i, "v" + i);
        }
        settle(store);

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
        settle(store);
        assertThat(store.get(6)).isEqualTo("after");
        assertThat(store.size()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "redis", "redis+commit"})
    void forEachMayReadAndWriteTheStoreItLists(String backend) {
        StoreEngine store = open(backend);
        for (int i = 0; i < 100; i++) {
            store.put("k" + i, (long) i);
        }
        settle(store);

        store.forEach((key, value) -> {
            assertThat(store.get(key)).isEqualTo(value);
            store.put(key, (Long) value + 1);
        });

        assertThat(store.get("k41")).isEqualTo(42L);
        assertThat(store.size()).isEqualTo(100);
    }
}
