package io.sluice.state.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.SluiceException;
import io.sluice.StoreSpec;
import io.sluice.spi.ExternalStoreEngine;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the postgres backend adds to the contract: write-behind, versions, state that outlives its engine, its errors. */
class PostgresStoreTest {

    /** Not Serializable, as a user's class often is not. */
    static final class Tally {
        long count;
    }

    record Word(String text) implements Serializable {}

    private static final AtomicInteger GRAPHS = new AtomicInteger();

    private final PostgresServer server = PostgresServer.shared();
    private final PostgresBackend backend = new PostgresBackend();
    private final String graph = "store-test-" + GRAPHS.incrementAndGet();
    private final List<ExternalStoreEngine> opened = new ArrayList<>();

    private ExternalStoreEngine open(int instance, String... settings) {
        ExternalStoreEngine engine = backend.open(
                graph, "count", instance, StoreSpec.of("counts", "postgres", server.config("store_test", settings)));
        opened.add(engine);
        return engine;
    }

    @AfterEach
    void closeEngines() {
        opened.forEach(ExternalStoreEngine::close);
    }

    @Test
    void writesReachTheServerOnlyWhenCommittedAndThenAllTogether() {
        ExternalStoreEngine store = open(0);
        for (long i = 0; i < 1_000; i++) {
            store.put("k" + i, i);
        }
        store.delete("k7");

        assertThat(store.get("k5")).as("the engine reads what it gathered").isEqualTo(5L);
        assertThat(store.size()).isEqualTo(999);
        assertThat(rows()).as("rows on the server before the commit").isEmpty();
        assertThat(store.committedVersion()).isEqualTo(-1);

        store.commit(1);

        Map<String, byte[]> rows = rows();
        assertThat(rows).hasSize(999).doesNotContainKey("k7");
        assertThat(rows.get("k5"))
                .as("a Long as the rocksdb backend encodes it")
                .containsExactly(2, 0, 0, 0, 0, 0, 0, 0, 5);
        assertThat(store.committedVersion()).isEqualTo(1);
        assertThat(store.size()).isEqualTo(999);
    }

    @Test
    void aCommitIsOneTransactionWhateverItWrites() {
        ExternalStoreEngine store = open(0);
        for (int i = 0; i < 12_000; i++) {
            store.put(new Word("w" + i), "v" + i);
        }
        store.commit(1);
        for (int i = 0; i < 12_000; i += 2) {
            store.put(new Word("w" + i), "changed");
            store.delete(new Word("w" + (i + 1)));
        }

        long before = server.nextTransactionId();
        store.commit(2);
        long after = server.nextTransactionId();

        assertThat(after - before - 1)
                .as("write transactions of one commit of 12,000 changes")
                .isEqualTo(1);
        assertThat(rows()).hasSize(6_000);

        // the power check: three commits are counted as three transactions
        before = server.nextTransactionId();
        for (int version = 3; version <= 5; version++) {
            store.put(new Word("w0"), "again " + version);
            store.commit(version);
        }
        after = server.nextTransactionId();
        assertThat(after - before - 1).isEqualTo(3);
    }

    @Test
    void aVersionNotAboveTheCommittedOneWritesNothingAndDropsTheChanges() {
        ExternalStoreEngine store = open(0);
        store.put("a", 1L);
        store.commit(5);

        store.put("a", 2L);
        store.put("b", 2L);
        store.commit(5);

        assertThat(store.committedVersion()).isEqualTo(5);
        assertThat(store.get("a"))
                .as("the changes of a version held already are dropped")
                .isEqualTo(1L);
        assertThat(store.get("b")).isNull();
        assertThat(rows()).containsOnlyKeys("a");

        store.put("c", 3L);
        store.commit(3);

        assertThat(store.committedVersion()).isEqualTo(5);
        assertThat(store.get("c")).isNull();
        assertThat(rows()).containsOnlyKeys("a");

        store.put("d", 4L);
        store.commit(6);
        assertThat(store.committedVersion()).isEqualTo(6);
        assertThat(rows()).containsOnlyKeys("a", "d");
    }

    @Test
    void stateOutlivesTheEngineThatWroteIt() {
        ExternalStoreEngine first = open(0);
        first.put("a", 1L);
        first.put(new Word("b"), List.of(1, 2));
        first.commit(7);
        first.put("uncommitted", 1L);
        first.close();

        ExternalStoreEngine second = open(0);

        assertThat(second.committedVersion()).isEqualTo(7);
        assertThat(second.get("a")).isEqualTo(1L);
        assertThat(second.get(new Word("b"))).isEqualTo(List.of(1, 2));
        assertThat(second.get("uncommitted"))
                .as("dropped with the engine that gathered it")
                .isNull();
        assertThat(second.size()).isEqualTo(2);
        Map<Object, Object> listed = new LinkedHashMap<>();
        second.forEach(listed::put);
        assertThat(listed).containsOnlyKeys("a", new Word("b"));
    }

    @Test
    void eachInstanceHasItsOwnEntriesAndVersion() {
        ExternalStoreEngine zero = open(0);
        ExternalStoreEngine one = open(1);
        zero.put("k", "zero");
        one.put("k", "one");
        zero.commit(3);
        one.commit(9);

        assertThat(zero.get("k")).isEqualTo("zero");
        assertThat(one.get("k")).isEqualTo("one");
        assertThat(zero.committedVersion()).isEqualTo(3);
        assertThat(one.committedVersion()).isEqualTo(9);

        zero.clear();

        assertThat(zero.committedVersion()).as("clear forgets the version").isEqualTo(-1);
        assertThat(zero.size()).isZero();
        assertThat(one.get("k")).isEqualTo("one");
        assertThat(one.committedVersion()).isEqualTo(9);
    }

    @Test
    void theKeyIsReadableByOtherTools() throws SQLException {
        ExternalStoreEngine store = open(0);
        store.put(new Word("apple"), 3L);
        store.put(42L, "answer");
        store.commit(1);

        List<String> texts = new ArrayList<>();
        try (Connection c = server.connect();
                PreparedStatement select = c.prepareStatement(
                        "SELECT key_text FROM store_test WHERE graph = ? AND node = 'count' AND instance = 0"
                                + " AND store = 'counts' ORDER BY key_text")) {
            select.setString(1, graph);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    texts.add(row.getString(1));
                }
            }
        }
        assertThat(texts).containsExactly("42", "Word[text=apple]");
    }

    @Test
    void aValueThatIsNotSerializableIsRefusedNamingTheStoreNodeKeyAndType() {
        ExternalStoreEngine store = open(0);

        assertThatThrownBy(() -> store.put("apple", new Tally()))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Store 'counts' of node 'count': the value of key 'apple' cannot be stored in postgres;"
                        + " expected a String, Long, Integer or java.io.Serializable object but found"
                        + " io.sluice.state.postgres.PostgresStoreTest$Tally, which is not Serializable; make"
                        + " io.sluice.state.postgres.PostgresStoreTest$Tally implement java.io.Serializable"
                        + " (a record can)");
        assertThatThrownBy(() -> store.get(new Tally()))
                .hasMessageStartingWith("Store 'counts' of node 'count': the key 'io.sluice.state.postgres"
                        + ".PostgresStoreTest$Tally@");
        assertThat(store.size()).isZero();
    }

    @Test
    void aKeyTooLongForAnIndexIsRefusedWhenPut() {
        ExternalStoreEngine store = open(0);

        assertThatThrownBy(() -> store.put("k".repeat(3_000), 1L))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Store 'counts' of node 'count': the key '" + "k".repeat(80) + "…' cannot be stored in"
                        + " postgres; expected at most 2000 bytes, as an index entry must fit in a page, but it takes"
                        + " 3001 (a java.lang.String); use a shorter key, such as an id");
    }

    @Test
    void aClosedStoreSaysSo() {
        ExternalStoreEngine store = open(0);
        store.close();
        store.close();

        assertThatThrownBy(() -> store.get("k"))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Store 'counts' of node 'count': the postgres store is closed, as its node instance has"
                        + " ended; its committed content stays in the server");
    }

    @Test
    void queriesFromAnotherThreadSeeWhatTheNodeWroteWhileItCommits() throws Exception {
        ExternalStoreEngine store = open(0);
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
            int reads = 0;
            while (writing.get()) {
                Object value = store.get("k7");
                if (value != null) {
                    assertThat((Long) value).isNotNegative();
                }
                store.forEach((k, v) -> assertThat(((String) k)).startsWith("k"));
                reads++;
            }
            return reads;
        });

        for (long i = 0; i < 20_000; i++) {
            store.put("k" + (i % 100), i);
            if (i % 1_000 == 999) {
                store.commit(i);
            }
        }
        writing.set(false);

        assertThat(reader.get(60, TimeUnit.SECONDS)).isPositive();
        assertThat(store.size()).isEqualTo(100);
        assertThat(store.get("k7")).isEqualTo(19_907L);
        assertThat(rows()).hasSize(100);
    }

    /** The rows of instance 0 on the server, by key text. */
    private Map<String, byte[]> rows() {
        Map<String, byte[]> rows = new LinkedHashMap<>();
        try (Connection c = server.connect();
                PreparedStatement select = c.prepareStatement("SELECT key_text, value FROM store_test"
                        + " WHERE graph = ? AND node = 'count' AND instance = 0 AND store = 'counts'")) {
            select.setString(1, graph);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    rows.put(row.getString(1), row.getBytes(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }
}
