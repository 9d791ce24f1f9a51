package io.sluice.state.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.StoreSpec;
import io.sluice.spi.ExternalStoreEngine;
import io.sluice.spi.InstanceStores;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * State updates per second with write-behind (a commit every 10,000 puts) against a commit after every put, on one
 * local redis-server. Prints its figures, asserts none of them: timings belong in docs/state-redis.md, not in a test.
 *
 * <pre>
 * ./mvnw -B -o test -pl sluice-state-redis -am -Dtest=WriteBehindThroughputTest -Dsurefire.failIfNoSpecifiedTests=false
 * cat sluice-state-redis/target/surefire-reports/io.sluice.state.redis.WriteBehindThroughputTest-output.txt
 * </pre>
 */
@Tag("slow")
class WriteBehindThroughputTest {

    private static final int PUTS = 200_000;
    private static final int KEYS = 2_000;
    private static final int COMMIT_EVERY = 10_000;

    @Test
    void writeBehindAgainstOneCommitPerPut() {
        try (RedisServer server = RedisServer.start()) {
            run(server, "warm-up", 20_000, COMMIT_EVERY);
            double behind = run(server, "write-behind", PUTS, COMMIT_EVERY);
            double naive = run(server, "per-put", PUTS, 1);
            System.out.printf(
                    Locale.ROOT,
                    "redis: %,d puts over %,d keys: write-behind (commit every %,d) %,.0f puts/s; a commit per put"
                            + " %,.0f puts/s; ratio %.1fx%n",
                    PUTS,
                    KEYS,
                    COMMIT_EVERY,
                    behind,
                    naive,
                    behind / naive);
        }
    }

    /** Puts {@code puts} values over {@link #KEYS} keys, committing every {@code commitEvery}; returns puts per second. */
    private static double run(RedisServer server, String label, int puts, int commitEvery) {
        StoreSpec spec = StoreSpec.of("counts", "redis", Map.of("uri", server.uri()));
        String graph = "throughput-" + UUID.randomUUID();
        try (ExternalStoreEngine store =
                (ExternalStoreEngine) InstanceStores.backend("count", spec).open(graph, "count", 0, spec)) {
            long version = 0;
            long start = System.nanoTime();
            for (int i = 0; i < puts; i++) {
                store.put("key-" + (i % KEYS), (long) i);
                if ((i + 1) % commitEvery == 0) {
                    store.commit(++version);
                }
            }
            store.commit(++version);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(store.get("key-" + ((puts - 1) % KEYS))).isEqualTo((long) puts - 1);
            double rate = puts / seconds;
            System.out.printf(
                    Locale.ROOT,
                    "redis %s: %,d puts in %.2f s, %,.0f puts/s, %,d commits%n",
                    label,
                    puts,
                    seconds,
                    rate,
                    version);
            return rate;
        }
    }
}
