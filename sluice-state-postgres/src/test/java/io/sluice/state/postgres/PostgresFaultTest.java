package io.sluice.state.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.sluice.SluiceException;
import io.sluice.StoreSpec;
import io.sluice.spi.ExternalStoreEngine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A server that goes away mid-run: commits retry, then fail clearly, and lose nothing. A server of its own. */
class PostgresFaultTest {

    private static PostgresServer server;

    private ExternalStoreEngine store;

    @BeforeAll
    static void startServer() {
        server = PostgresServer.start(false);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void closeStore() {
        server.resume();
        if (store != null) {
            store.close();
        }
    }

    private ExternalStoreEngine open(String graph, String retries, String... more) {
        List<String> config =
                new ArrayList<>(List.of("connect-timeout", "1s", "retries", retries, "retry-backoff", "100ms"));
        config.addAll(List.of(more));
        store = new PostgresBackend()
                .open(
                        graph,
                        "count",
                        0,
                        StoreSpec.of("counts", "postgres", server.config("faults", config.toArray(String[]::new))));
        return store;
    }

    @Test
    void aCommitRetriesUntilTheServerIsBack() {
        ExternalStoreEngine store = open("back-in-time", "30");
        store.put("a", 1L);
        store.commit(1);
        store.put("a", 2L);
        store.put("b", 2L);

        server.stop();
        // the server comes back while the commit retries
        CompletableFuture<Void> restart = CompletableFuture.runAsync(
                server::resume, CompletableFuture.delayedExecutor(1_500, TimeUnit.MILLISECONDS));
        store.commit(2);
        restart.join();

        assertThat(store.committedVersion()).isEqualTo(2);
        assertThat(server.number("SELECT count(*) FROM faults WHERE graph = 'back-in-time'"))
                .isEqualTo(2);
    }

    @Test
    void aRetryTimeoutEndsTheRetriesBeforeTheirNumberDoes() {
        ExternalStoreEngine store = open("short-patience", "100", "retry-timeout", "2s");
        store.put("a", 1L);

        server.stop();
        Throwable failure = catchThrowable(() -> store.commit(1));

        assertThat(failure)
                .isInstanceOf(SluiceException.class)
                .hasMessageStartingWith("Store 'counts' of node 'count': postgres at " + server.server()
                        + " failed to commit version 1, all ")
                .hasMessageEndingWith("; the 1 change gathered since the last commit is kept for the next commit;"
                        + " allow more time with setting 'retry-timeout', 2s, or 'retries' (while the server is away,"
                        + " each attempt also waits up to 'connect-timeout', 1s, for a connection)");
        int attempts = Integer.parseInt(failure.getMessage().replaceAll("(?s).*, all (\\d+) attempts.*", "$1"));
        assertThat(attempts).as("attempts, of the 101 the retries allow").isBetween(2, 20);

        server.resume();
        store.commit(1);
        assertThat(store.committedVersion()).isEqualTo(1);
    }

    @Test
    void aCommitThatCannotReachTheServerFailsClearlyAndKeepsItsChanges() {
        ExternalStoreEngine store = open("stays-away", "2");
        store.put("a", 1L);
        store.commit(1);
        assertThat(store.get("a")).isEqualTo(1L); // now in the cache
        store.put("b", 2L);
        store.put("c", 3L);
        store.delete("a");

        server.stop();
        Throwable failure = catchThrowable(() -> store.commit(2));

        assertThat(failure)
                .isInstanceOf(SluiceException.class)
                .hasMessageStartingWith("Store 'counts' of node 'count': postgres at " + server.server()
                        + " failed to commit version 2, all 3 attempts cut off from the server; ")
                .hasMessageEndingWith("; the 3 changes gathered since the last commit are kept for the next commit;"
                        + " allow more time with setting 'retries' or 'retry-backoff' (while the server is away, each"
                        + " attempt also waits up to 'connect-timeout', 1s, for a connection)");
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain(PostgresServer.PASSWORD);
        assertThat(store.get("b")).as("gathered changes are still read").isEqualTo(2L);
        assertThat(store.get("a")).isNull();

        server.resume();
        store.commit(2);

        assertThat(store.committedVersion()).isEqualTo(2);
        assertThat(server.number("SELECT count(*) FROM faults WHERE graph = 'stays-away'"))
                .isEqualTo(2);
        assertThat(server.number("SELECT count(*) FROM faults WHERE graph = 'stays-away' AND key_text = 'a'"))
                .isZero();
    }

    @Test
    void committedEntriesInTheCacheAreReadWhileTheServerIsAway() {
        ExternalStoreEngine store = open("cached", "0");
        store.put("a", 1L);
        store.commit(1);

        server.stop();

        assertThat(store.get("a")).isEqualTo(1L);
        assertThat(catchThrowable(() -> store.get("never-read")))
                .hasMessageStartingWith("Store 'counts' of node 'count': postgres at " + server.server()
                        + " failed to read key 'never-read', its only attempt cut off from the server; ");
    }
}
