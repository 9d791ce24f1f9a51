package io.sluice.state.dynamodb;

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
 * local dynalite server. Prints its figures, asserts none of them: timings belong in docs/state-dynamodb.md, not in a
 * test. A commit per put costs three requests (read the version, write the item, write the version), so that run puts
 * only {@value #NAIVE_PUTS} values: at a few hundred puts a second, 200,000 would take a quarter of an hour.
 *
 * <pre>
 * ./mvnw -B -o test -pl sluice-state-dynamodb -am -Dtest=WriteBehindThroughputTest -Dsurefire.failIfNoSpecifiedTests=false
 * cat sluice-state-dynamodb/target/surefire-reports/io.sluice.state.dynamodb.WriteBehindThroughputTest-output.txt
 * </pre>
 */
@Tag("slow")
class WriteBehindThroughputTest {

    private static final int PUTS = Measurement.size(200_000, 20_000);
    private static final int KEYS = 2_000;
    private static final int COMMIT_EVERY = 10_000;
    private static final int NAIVE_PUTS = Measurement.size(5_000, 500);

    @Test
    void writeBehindAgainstOneCommitPerPut() {
        try (Dynalite server = Dynalite.start()) {
            run(server, "warm-up", Measurement.size(20_000, 2_000), COMMIT_EVERY);
            run(server, "warm-up per-put", Measurement.size(500, 50), 1);
            double behind = run(server, "write-behind", PUTS, COMMIT_EVERY);
            double naive = run(server, "per-put", NAIVE_PUTS, 1);
            System.out.printf(
                    Locale.ROOT,
                    "dynamodb (dynalite), %s: %,d puts over %,d keys: write-behind (commit every %,d) %,.0f puts/s; a"
                            + " commit per put (%,d puts) %,.0f puts/s; ratio %.1fx%n",
                    Measurement.describe(),
                    PUTS,
                    KEYS,
                    COMMIT_EVERY,
                    behind,
                    NAIVE_PUTS,
                    naive,
                    behind / naive);
        }
    }

    /** Puts {@code puts} values over {@link #KEYS} keys, committing every {@code commitEvery}; returns puts per second. */
    private static double run(Dynalite server, String label, int puts, int commitEvery) {
        return StoreThroughput.measure("dynamodb", () -> open(server), label, puts, KEYS, commitEvery);
    }

    /** A new store on {@code server}, opened as a runtime opens it. */
    private static ExternalStoreEngine open(Dynalite server) {
        StoreSpec spec =
                StoreSpec.of("counts", "dynamodb", Map.of("endpoint", server.endpoint(), "region", Dynalite.REGION));
        String graph = "throughput-" + UUID.randomUUID();
        return (ExternalStoreEngine) InstanceStores.backend("count", spec).open(graph, "count", 0, spec);
    }
}
