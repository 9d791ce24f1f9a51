package io.sluice.state.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.StoreSpec;
import io.sluice.spi.ExternalStoreEngine;
import io.sluice.testkit.Measurement;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * State updates per second with write-behind against a commit per update, on one server in one run; prints the
 * figures and their ratio and asserts no timing. A counting node's work: read a key's count, write it back plus one,
 * over 2,000 keys.
 *
 * <pre>
 * ./mvnw -B -o test -pl sluice-state-postgres -am -Dtest=WriteBehindBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false
 * cat sluice-state-postgres/target/surefire-reports/io.sluice.state.postgres.WriteBehindBenchmarkTest-output.txt
 * </pre>
 */
@Tag("slow")
class WriteBehindBenchmarkTest {

    private static final int KEYS = 2_000;

    @Test
    void writeBehindAgainstACommitPerUpdate() {
        for (boolean fsync : new boolean[] {true, false}) {
            try (PostgresServer server = PostgresServer.start(fsync)) {
                String disk = fsync ? "fsync on (commits wait for the disk)" : "fsync off";
                run(server, "warm-up", Measurement.size(20_000, 2_000), 10_000);
                run(server, "warm-up", Measurement.size(2_000, 200), 1);
                double behind = run(server, "write-behind", Measurement.size(200_000, 20_000), 10_000);
                double naive = run(server, "per-update", Measurement.size(fsync ? 10_000 : 20_000, 1_000), 1);
                System.out.printf(
                        Locale.ROOT,
                        "%s, %s: write-behind %,.0f updates/s, a commit per update %,.0f updates/s; ratio %.0f%n",
                        disk,
                        Measurement.describe(),
                        behind,
                        naive,
                        behind / naive);
            }
        }
    }

    /** Updates per second of {@code updates} counts over {@link #KEYS} keys, committing every {@code every}. */
    private static double run(PostgresServer server, String name, int updates, int every) {
        String graph = name + "-" + updates + "-" + every + "-" + System.nanoTime();
        StoreSpec spec = StoreSpec.of("counts", "postgres", server.config("bench"));
        ExternalStoreEngine store = new PostgresBackend().open(graph, "count", 0, spec);
        try {
            long version = 0;
            long committing = 0;
            long start = System.nanoTime();
            for (int i = 0; i < updates; i++) {
                String key = "word-" + (i * 7_919L % KEYS);
                Object count = store.get(key);
                store.put(key, count == null ? 1L : (Long) count + 1);
                if ((i + 1) % every == 0) {
                    long before = System.nanoTime();
                    store.commit(++version);
                    committing += System.nanoTime() - before;
                }
            }
            long before = System.nanoTime();
            store.commit(++version);
            committing += System.nanoTime() - before;
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(server.number("SELECT count(*) FROM bench WHERE graph = '" + graph + "'"))
                    .isEqualTo(Math.min(updates, KEYS));
            double rate = updates / seconds;
            System.out.printf(
                    Locale.ROOT,
                    "  %-12s %,9d updates, commit every %,6d: %6.2f s (%3.0f%% in commit), %,10.0f updates/s%n",
                    name,
                    updates,
                    every,
                    seconds,
                    committing / 1e7 / seconds,
                    rate);
            return rate;
        } finally {
            store.close();
        }
    }
}
