package io.sluice.state.redis;

import io.sluice.StoreSpec;
import io.sluice.spi.ExternalStoreEngine;
import io.sluice.spi.InstanceStores;
import io.sluice.testkit.Measurement;
import io.sluice.testkit.StoreThroughput;
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

    private static final int PUTS = Measurement.size(200_000, 20_000);
    private static final int KEYS = 2_000;
    private static final int COMMIT_EVERY = 10_000;

    @Test
    void writeBehindAgainstOneCommitPerPut() {
        try (RedisServer server = RedisServer.start()) {
            run(server, "warm-up", Measurement.size(20_000, 2_000), COMMIT_EVERY);
            double behind = run(server, "write-behind", PUTS, COMMIT_EVERY);
            double naive = run(server, "per-put", PUTS, 1);
            System.out.printf(
                    Locale.ROOT,
                    "redis, %s: %,d puts over %,d keys: write-behind (commit every %,d) %,.0f puts/s; a commit per put"
                            + " %,.0f puts/s; ratio %.1fx%n",
                    Measurement.describe(),
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
        return StoreThroughput.measure("redis", () -> open(server), label, puts, KEYS, commitEvery);
    }

    /** A new store on {@code server}, opened as a runtime opens it. */
    private static ExternalStoreEngine open(RedisServer server) {
        StoreSpec spec = StoreSpec.of("counts", "redis", Map.of("uri", server.uri()));
        String graph = "throughput-" + UUID.randomUUID();
        return (ExternalStoreEngine) InstanceStores.backend("count", spec).open(graph, "count", 0, spec);
    }
}
