package io.sluice.state.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.sluice.SluiceException;
import io.sluice.StoreSpec;
import io.sluice.spi.ExternalStoreEngine;
import io.sluice.spi.InstanceStore;
import io.sluice.state.redis.internal.RedisEngine;
import io.sluice.state.redis.internal.Settings;
import io.sluice.testkit.ServerProcess;
import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the redis backend adds to the contract: write-behind, versions, the cache, faults, credentials, settings. */
class RedisStoreTest {

    /** Not Serializable, as a user's class often is not. */
    static final class Tally {
        long count;
    }

    record Holder(String name, Tally tally) implements Serializable {}

    private final String graph = "g-" + UUID.randomUUID();
    private final List<ExternalStoreEngine> opened = new ArrayList<>();

    @AfterEach
    void closeEngines() {
        opened.forEach(ExternalStoreEngine::close);
    }

    private ExternalStoreEngine open(RedisServer server, Map<String, String> config) {
        return open(server, config, name -> null);
    }

    private ExternalStoreEngine open(RedisServer server, Map<String, String> config, Map<String, String> env) {
        return open(server, config, env::get);
    }

    private ExternalStoreEngine open(
            RedisServer server, Map<String, String> config, java.util.function.UnaryOperator<String> env) {
        Map<String, String> withUri = new HashMap<>(config);
        if (server != null) {
            withUri.putIfAbsent("uri", server.uri());
        }
        StoreSpec spec = StoreSpec.of("counts", "redis", withUri);
        ExternalStoreEngine engine = RedisEngine.open(graph, "count", 0, "counts", Settings.of("count", spec, env));
        opened.add(engine);
        return engine;
    }

    private String hash() {
        return "sluice:" + graph + ":count:0:counts";
    }

    @Test
    void aRestoreIsPutBackEvenWhenAKilledPredecessorsLastCommitLandsAfterTheRestoreBegan() {
        RedisServer server = RedisServer.shared();
        // the predecessor committed k=1 (version 0), then gathered k=99, its commit still on its way
        InstanceStore predecessor = new InstanceStore("count", "counts", open(server, Map.of()));
        predecessor.put("k", 1L);
        predecessor.commitExternal();
        predecessor.put("k", 99L);

        // the restarted instance restores what the runtime's log holds: k=1
        InstanceStore restarted = new InstanceStore("count", "counts", open(server, Map.of()));
        restarted.restoreExactly(Map.of("k", 1L));
        // the predecessor's in-flight commit lands now, with the version after the one the restore read
        predecessor.commitExternal();
        restarted.commitExternal();

        // the put-back won: the restarted instance and the server hold the log's k=1, not the dead commit's 99
        assertThat(restarted.get("k")).isEqualTo(1L);
        InstanceStore reader = new InstanceStore("count", "counts", open(server, Map.of()));
        assertThat(reader.get("k")).isEqualTo(1L);
    }

    @Test
    void changesReachTheServerOnlyAtCommitAllInOneScript() {
        RedisServer server = RedisServer.shared();
        ExternalStoreEngine store = open(server, Map.of());
        for (long i = 0; i < 1_000; i++) {
            store.put("k" + i, i);
        }
        store.delete("k7");

        assertThat(server.command("HLEN", hash()))
                .as("fields on the server before the commit")
                .isEqualTo(":0");
        assertThat(server.command("EXISTS", hash() + ":version")).isEqualTo(":0");
        assertThat(store.get("k5")).as("read from the gathered changes").isEqualTo(5L);
        assertThat(store.get("k7")).isNull();
        assertThat(store.size()).isEqualTo(999);
        assertThat(store.committedVersion()).isEqualTo(-1);
        long scriptsBefore = server.calls("evalsha");

        store.commit(1);

        assertThat(server.calls("evalsha") - scriptsBefore)
                .as("scripts run for one commit")
                .isEqualTo(1);
        assertThat(server.command("HLEN", hash())).isEqualTo(":999");
        assertThat(server.command("GET", hash() + ":version")).isEqualTo("1");
        assertThat(store.committedVersion()).isEqualTo(1);
        assertThat(store.get("k999")).isEqualTo(999L);
    }

    @Test
    void aVersionNotAboveTheCommittedOneChangesNothing() {
        RedisServer server = RedisServer.shared();
        ExternalStoreEngine store = open(server, Map.of());
        store.put("a", 1L);
        store.commit(5);

        store.put("a", 2L);
        store.put("b", 2L);
        store.commit(5); // already held: the changes are dropped, as the server has them
        store.put("a", 3L);
        store.commit(3);

        assertThat(store.committedVersion()).isEqualTo(5);
        assertThat(store.get("a")).isEqualTo(1L);
        assertThat(store.get("b")).isNull();
        assertThat(server.command("HLEN", hash())).isEqualTo(":1");

        store.put("c", 6L);
        store.delete("a");
        store.commit(6);

        ExternalStoreEngine second = open(server, Map.of());
        assertThat(second.committedVersion()).isEqualTo(6);
        assertThat(second.get("a")).isNull();
        assertThat(second.get("c")).isEqualTo(6L);
        assertThat(second.size()).isEqualTo(1);

        second.put("d", 7L);
        second.commit(7);
        store.put("e", 7L);
        store.commit(7); // the second engine wrote 7 meanwhile: this one's changes are refused, not mixed in
        assertThat(store.committedVersion()).isEqualTo(7);
        assertThat(store.get("d")).as("read from the server, the cache dropped").isEqualTo(7L);
        assertThat(store.get("e")).isNull();
    }

    @Test
    void versionsAreComparedExactlyBeyondWhatADoubleHolds() {
        ExternalStoreEngine store = open(RedisServer.shared(), Map.of());
        long big = (1L << 53) + 1;
        store.put("a", 1L);
        store.commit(big);
        store.put("a", 2L);
        store.commit(big - 1); // equal to big as a double: compared as text, it is below

        ExternalStoreEngine second = open(RedisServer.shared(), Map.of());
        assertThat(second.committedVersion()).isEqualTo(big);
        assertThat(second.get("a")).isEqualTo(1L);
        second.put("a", 3L);
        second.commit(Long.MAX_VALUE);
        assertThat(open(RedisServer.shared(), Map.of()).get("a")).isEqualTo(3L);
    }

    @Test
    void theReadCacheStaysWithinItsEntries() {
        RedisServer server = RedisServer.shared();
        ExternalStoreEngine writer = open(server, Map.of());
        for (int i = 0; i < 1_000; i++) {
            writer.put(i, "v" + i);
        }
        writer.commit(1);
        ExternalStoreEngine store = open(server, Map.of("cache-entries", "50"));

        long before = server.calls("hget");
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < 1_000; i++) {
                assertThat(store.get(i)).isEqualTo("v" + i);
            }
        }
        long wide = server.calls("hget") - before;
        for (int pass = 0; pass < 3; pass++) {
            for (int i = 0; i < 50; i++) {
                assertThat(store.get(i)).isEqualTo("v" + i);
            }
        }
        long narrow = server.calls("hget") - before - wide;

        assertThat(wide).as("reads of 1000 keys, twice, through a cache of 50").isEqualTo(2_000);
        assertThat(narrow)
                .as("reads of 50 keys, three times, through a cache of 50")
                .isEqualTo(50);
    }

    @Test
    void aCommitWaitsForAServerThatComesBackInTime() {
        try (RedisServer server = RedisServer.startPersistent()) {
            ExternalStoreEngine store = open(server, Map.of("retry-timeout", "30s"));
            store.put("before", 1L);
            store.commit(1);

            server.stop();
            store.put("during", 2L);
            CompletableFuture<Void> restart = CompletableFuture.runAsync(
                    server::restart, CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS));
            store.commit(2);
            restart.join();

            ExternalStoreEngine second = open(server, Map.of());
            assertThat(second.committedVersion()).isEqualTo(2);
            assertThat(second.get("before")).isEqualTo(1L);
            assertThat(second.get("during")).isEqualTo(2L);
        }
    }

    @Test
    void aCommitGivesUpOnAServerGoneTooLongAndKeepsItsChanges() {
        try (RedisServer server = RedisServer.startPersistent()) {
            ExternalStoreEngine store = open(server, Map.of("retry-timeout", "500ms"));
            store.put("before", 1L);
            store.commit(1);

            server.stop();
            store.put("during", 2L);
            assertThatThrownBy(() -> store.commit(2))
                    .isInstanceOf(SluiceException.class)
                    .hasMessageStartingWith("Store 'counts' of node 'count': the redis server at 127.0.0.1:"
                            + server.port() + " could not be reached to commit version 2 (1 changes) after ")
                    .hasMessageContaining(" attempts over 500 ms (retry-timeout); ")
                    .hasMessageEndingWith("; the changes not yet committed are kept for the next commit");
            assertThat(store.get("during")).as("still gathered").isEqualTo(2L);

            server.restart();
            store.put("after", 3L);
            store.commit(3);

            ExternalStoreEngine second = open(server, Map.of());
            assertThat(second.committedVersion()).isEqualTo(3);
            assertThat(second.get("during")).isEqualTo(2L);
            assertThat(second.get("after")).isEqualTo(3L);
        }
    }

    @Test
    void aServerThatCannotBeReachedFailsTheOpenWithinItsTimeout() throws IOException {
        int closedPort = ServerProcess.freePort();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(
                        () -> open(null, Map.of("uri", "redis://127.0.0.1:" + closedPort, "retry-timeout", "1h")))
                .isInstanceOf(SluiceException.class)
                .hasMessageStartingWith("Store 'counts' of node 'count': cannot reach the redis server at 127.0.0.1:"
                        + closedPort + " within 5000 ms (connect-timeout); ")
                .hasMessageEndingWith("; check 'uri' (or SLUICE_REDIS_URI) and that the server is up"));

        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            String uri = "redis://127.0.0.1:" + silent.getLocalPort();
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(
                            () -> open(null, Map.of("uri", uri, "connect-timeout", "300ms", "retry-timeout", "1h")))
                    .hasMessageStartingWith("Store 'counts' of node 'count': cannot reach the redis server at"
                            + " 127.0.0.1:" + silent.getLocalPort() + " within 300 ms (connect-timeout); "));
        }
    }

    @Test
    void wrongCredentialsAreRefusedWithoutShowingTheSecret() {
        String secret = "s3cret-" + UUID.randomUUID();
        try (RedisServer server =
                RedisServer.start(List.of("--save", "", "--appendonly", "no", "--requirepass", secret))) {
            String guess = "guess-" + UUID.randomUUID();
            assertThatThrownBy(() -> open(server, Map.of("password", guess)))
                    .isInstanceOf(SluiceException.class)
                    .hasMessageStartingWith("Store 'counts' of node 'count': the redis server at 127.0.0.1:"
                            + server.port() + " refused the credentials (WRONGPASS")
                    .hasMessageEndingWith(
                            "); check 'password' (or SLUICE_REDIS_PASSWORD, REDISCLI_AUTH) and the user" + " in 'uri'")
                    .satisfies(
                            e -> assertThat(everything(e)).doesNotContain(guess).doesNotContain(secret));
            assertThatThrownBy(() -> open(server, Map.of("uri", "redis://:" + guess + "@127.0.0.1:" + server.port())))
                    .satisfies(
                            e -> assertThat(everything(e)).contains("WRONGPASS").doesNotContain(guess));
            assertThatThrownBy(() -> open(server, Map.of()))
                    .hasMessage("Store 'counts' of node 'count': the redis server at 127.0.0.1:" + server.port()
                            + " asks for a password (NOAUTH Authentication required.); set 'password' (or"
                            + " SLUICE_REDIS_PASSWORD, REDISCLI_AUTH)");

            for (Map<String, String> env :
                    List.of(Map.of("SLUICE_REDIS_PASSWORD", secret), Map.of("REDISCLI_AUTH", secret))) {
                ExternalStoreEngine store = open(server, Map.of(), env);
                store.put("k", 1L);
                store.commit(1);
                assertThat(store.get("k")).isEqualTo(1L);
            }
            assertThat(open(server, Map.of("password", secret)).committedVersion())
                    .isEqualTo(1);
            assertThat(open(
                                    null,
                                    Map.of(),
                                    Map.of("SLUICE_REDIS_URI", "redis://:" + secret + "@127.0.0.1:" + server.port()))
                            .committedVersion())
                    .isEqualTo(1);
        }
    }

    @Test
    void settingsNeverPrintThePassword() {
        StoreSpec spec = StoreSpec.of("counts", "redis", Map.of("password", "hunter2", "uri", "redis://u:pw2@h:1/3"));
        Settings settings = Settings.of("count", spec, name -> null);
        assertThat(settings.toString())
                .doesNotContain("hunter2")
                .doesNotContain("pw2")
                .contains("redis://h:1/3");
        assertThat(settings.user()).isEqualTo("u");
        assertThat(settings.database()).isEqualTo(3);
        assertThatThrownBy(() ->
                        Settings.of("count", StoreSpec.of("c", "redis", Map.of("uri", "http://u:pw3@h:1")), n -> null))
                .hasMessage(
                        "Store 'c' of node 'count': setting 'uri' must look like redis://host:port (or rediss:// for"
                                + " TLS, /N for a database); found 'http://***@h:1'");
    }

    @Test
    void anUnknownSettingIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> open(null, Map.of("cache_entries", "8")))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Store 'counts' of node 'count': the redis backend has no setting 'cache_entries'; expected"
                        + " one of [uri, password, prefix, cache-entries, connect-timeout, retry-timeout]; did you mean"
                        + " 'cache-entries'?");
    }

    @Test
    void everyBadSettingIsNamedAtOnce() {
        assertThatThrownBy(() -> open(
                        null,
                        Map.of(
                                "cache-entries",
                                "lots",
                                "connect-timeout",
                                "0s",
                                "retry-timeout",
                                "soon",
                                "colour",
                                "red")))
                .hasMessage("Store 'counts' of node 'count': the redis backend has no setting 'colour'; expected one"
                        + " of [uri, password, prefix, cache-entries, connect-timeout, retry-timeout]\n"
                        + "Store 'counts' of node 'count': setting 'cache-entries' of the redis backend must be a whole"
                        + " number of entries; expected 0 (no cache) to 100000000 but found 'lots'\n"
                        + "Store 'counts' of node 'count': setting 'connect-timeout' of the redis backend must be a"
                        + " positive duration such as 250ms, 2s, 5m or PT2S; found '0s'\n"
                        + "Store 'counts' of node 'count': setting 'retry-timeout' of the redis backend must be a"
                        + " positive duration such as 250ms, 2s, 5m or PT2S; found 'soon'");
    }

    @Test
    void aValueThatIsNotSerializableIsRefusedNamingTheStoreNodeKeyAndType() {
        ExternalStoreEngine store = open(RedisServer.shared(), Map.of());
        assertThatThrownBy(() -> store.put("apple", new Tally()))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Store 'counts' of node 'count': the value of key 'apple' cannot be stored in redis;"
                        + " expected a String, Long, Integer or java.io.Serializable object but found"
                        + " io.sluice.state.redis.RedisStoreTest$Tally, which is not Serializable; make"
                        + " io.sluice.state.redis.RedisStoreTest$Tally implement java.io.Serializable"
                        + " (a record can)");
        assertThatThrownBy(() -> store.put("pear", new Holder("h", new Tally())))
                .hasMessageContaining("the value of key 'pear' cannot be stored in redis; expected a String,"
                        + " Long, Integer or java.io.Serializable object but found"
                        + " io.sluice.state.redis.RedisStoreTest$Holder holding"
                        + " io.sluice.state.redis.RedisStoreTest$Tally, which is not Serializable");
        assertThat(store.size()).isZero();
    }

    @Test
    void aVersionKeyWrittenBySomethingElseStopsTheStoreBeforeItWrites() {
        RedisServer server = RedisServer.shared();
        ExternalStoreEngine store = open(server, Map.of());
        server.command("SET", hash() + ":version", "hello");
        store.put("k", 1L);

        assertThatThrownBy(() -> store.commit(1))
                .isInstanceOf(SluiceException.class)
                .hasMessageStartingWith("Store 'counts' of node 'count': the redis server at 127.0.0.1:" + server.port()
                        + " refused to commit version 1 (1 changes): ")
                .hasMessageContaining("the version key holds hello, not a version");
        assertThat(server.command("EXISTS", hash())).isEqualTo(":0");
        assertThatThrownBy(() -> open(server, Map.of()))
                .hasMessage("Store 'counts' of node 'count': the redis key '" + hash() + ":version' on 127.0.0.1:"
                        + server.port() + " should hold the committed version, a whole number, but holds 'hello';"
                        + " was it written by something else? Give this graph another 'prefix'");
    }

    @Test
    void aClosedStoreSaysSo() {
        ExternalStoreEngine store = open(RedisServer.shared(), Map.of());
        store.close();
        store.close();
        assertThatThrownBy(() -> store.get("k"))
                .isInstanceOf(SluiceException.class)
                .hasMessage(
                        "Store 'counts' of node 'count': the redis store is closed, as its node instance has ended");
    }

    /** A throwable's messages and its causes', where a secret must not appear. */
    private static String everything(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }
}
