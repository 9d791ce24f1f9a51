package io.sluice.state.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.sluice.StoreSpec;
import io.sluice.state.postgres.PostgresServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the engine keeps in memory stays bounded, and connections are shared and given back. */
class PostgresStoreEngineTest {

    private final PostgresServer server = PostgresServer.shared();

    private PostgresStoreEngine open(String graph, String... settings) {
        StoreSpec spec = StoreSpec.of("counts", "postgres", server.config("engine_test", settings));
        return PostgresStoreEngine.open(graph, "count", 0, "counts", Settings.of("count", spec, Map.of()));
    }

    /**
     * The instances of a node in one JVM open their stores at once on a table that does not exist yet: the first
     * creates it and the others wait for it, so none reads a table still being created (a restarted KAFKA worker
     * restores its store as soon as it has opened it).
     */
    @Test
    void storesOpeningTogetherOnANewTableAllFindItMade() throws Exception {
        for (int round = 0; round < 5; round++) {
            String table = "race_" + round + "_" + System.nanoTime();
            int instances = 8;
            CyclicBarrier start = new CyclicBarrier(instances);
            ExecutorService threads = Executors.newFixedThreadPool(instances);
            try {
                List<Future<Object>> reads = new ArrayList<>();
                for (int i = 0; i < instances; i++) {
                    int instance = i;
                    reads.add(threads.submit(() -> {
                        StoreSpec spec = StoreSpec.of("counts", "postgres", server.config(table));
                        start.await();
                        try (PostgresStoreEngine store = PostgresStoreEngine.open(
                                "race", "count", instance, "counts", Settings.of("count", spec, Map.of()))) {
                            return store.get("absent"); // a read right after opening, as a restore does
                        }
                    }));
                }
                for (Future<Object> read : reads) {
                    assertThat(read.get(60, TimeUnit.SECONDS)).isNull();
                }
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    void theReadCacheKeepsAtMostCacheEntries() {
        try (PostgresStoreEngine store = open("bounded", "cache-entries", "100")) {
            for (long i = 0; i < 2_000; i++) {
                store.put(i, "v" + i);
            }
            assertThat(store.pending()).isEqualTo(2_000);

            store.commit(1);

            assertThat(store.pending()).isZero();
            assertThat(store.cached()).isEqualTo(100);
            for (long i = 0; i < 2_000; i++) {
                assertThat(store.get(i)).isEqualTo("v" + i);
                assertThat(store.get(-i - 1)).isNull(); // an absent key is cached too
            }
            assertThat(store.cached()).isEqualTo(100);
        }
    }

    @Test
    void noCacheAtAllWhenCacheEntriesIsZero() {
        try (PostgresStoreEngine store = open("uncached", "cache-entries", "0")) {
            store.put("a", 1L);
            store.commit(1);

            assertThat(store.get("a")).isEqualTo(1L);
            assertThat(store.get("b")).isNull();
            assertThat(store.cached()).isZero();
        }
    }

    @Test
    void storesOfOneServerAndUserShareOnePoolClosedByTheLastOfThem() {
        int before = Pools.open();
        PostgresStoreEngine first = open("pooled");
        PostgresStoreEngine second = open("pooled-too");
        assertThat(Pools.open()).isEqualTo(before + 1);

        first.close();
        assertThat(Pools.open()).isEqualTo(before + 1);
        assertThat(second.committedVersion()).isEqualTo(-1);

        second.close();
        assertThat(Pools.open()).isEqualTo(before);
    }

    @Test
    void aStoreThatFailsToOpenLeavesNoPoolBehind() {
        int before = Pools.open();

        Throwable failure = catchThrowable(() -> open("refused", "password", "wrong"));

        assertThat(failure).hasMessageContaining("refused the connection of user 'postgres'");
        assertThat(Pools.open()).isEqualTo(before);
    }
}
