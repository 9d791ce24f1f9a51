package io.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.spi.ExternalStoreEngine;
import io.sluice.spi.StoreEngine;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every store engine does, as one JUnit 5 suite that each store backend runs: extend it and say how to {@link
 * #open} a new, empty engine, as a runtime opens it.
 *
 * <pre>{@code
 * class RedisStoreContractTest extends StoreEngineContract {
 *     @Override
 *     protected StoreEngine open() {
 *         StoreSpec spec = StoreSpec.of("counts", "redis", Map.of("uri", server.uri()));
 *         return InstanceStores.backend("count", spec).open("contract-" + UUID.randomUUID(), "count", 0, spec);
 *     }
 * }
 * }</pre>
 *
 * <p>Each test runs twice ({@link Reads}): once reading what the engine gathered, and, for an {@link
 * ExternalStoreEngine}, once more with every change committed before it is read, so that the same answers come from
 * the server. An engine that does not commit skips the second run. The engine is closed after each test.
 */
public abstract class StoreEngineContract {

    /** Where the reads of a test are answered from. */
    public enum Reads {
        /** The engine as written to, without a commit. */
        GATHERED,
        /** An external engine's server: every change is committed before it is read. */
        COMMITTED
    }

    /** A key and value of the node's own type. */
    public record Word(String text, int length) implements Serializable {}

    /** An enum key and value. */
    public enum Colour {
        RED,
        BLUE
    }

    private StoreEngine engine;
    private Reads reads;
    private long version;

    /** A new, empty engine; each call may be given a store of its own (a new graph name, say). */
    protected abstract StoreEngine open();

    private StoreEngine open(Reads reads) {
        this.reads = reads;
        engine = open();
        if (reads == Reads.COMMITTED) {
            assumeTrue(engine instanceof ExternalStoreEngine, "only an external engine commits to a server");
        }
        return engine;
    }

    /** In the {@link Reads#COMMITTED} run, commits what the engine gathered, so that what follows is read back. */
    private void settle() {
        if (reads == Reads.COMMITTED) {
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
    @EnumSource(Reads.class)
    void putGetAndDeleteKeepOneValuePerKey(Reads reads) {
        StoreEngine store = open(reads);

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
    @EnumSource(Reads.class)
    void keysAndValuesOfEveryKindComeBackEqual(Reads reads) {
        StoreEngine store = open(reads);
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
    @EnumSource(Reads.class)
    void clearEmptiesTheStoreAndLeavesItUsable(Reads reads) {
        StoreEngine store = open(reads);
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

    /** 1,200 entries: more than one page of the servers' listings (500 rows of postgres, a redis SCAN of 1,000). */
    @ParameterizedTest
    @EnumSource(Reads.class)
    void forEachMayReadAndWriteTheStoreItLists(Reads reads) {
        StoreEngine store = open(reads);
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
