package io.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spi.ExternalStoreEngine;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Measures how fast an {@link ExternalStoreEngine} takes puts when it commits every so often, for a backend's
 * write-behind throughput test: the same loop, timing and report line for every backend, so their figures compare.
 *
 * <pre>{@code
 * double behind = StoreThroughput.measure("redis", () -> open(server), "write-behind", 200_000, 2_000, 10_000);
 * double naive = StoreThroughput.measure("redis", () -> open(server), "per-put", 200_000, 2_000, 1);
 * }</pre>
 */
public final class StoreThroughput {

    private StoreThroughput() {}

    /**
     * Opens a new, empty engine, puts {@code puts} {@code Long} values over {@code keys} keys ({@code key-0}, …),
     * committing after every {@code commitEvery} puts and once at the end, checks the last value reads back, closes
     * the engine, and prints one line: {@code <backend> <run>: N puts in S s, R puts/s, C commits}.
     *
     * @return puts per second, the final commit included
     */
    public static double measure(
            String backend, Supplier<ExternalStoreEngine> open, String run, int puts, int keys, int commitEvery) {
        try (ExternalStoreEngine store = open.get()) {
            long version = 0;
            long start = System.nanoTime();
            for (int i = 0; i < puts; i++) {
                store.put("key-" + (i % keys), (long) i);
                if ((i + 1) % commitEvery == 0) {
                    store.commit(++version);
                }
            }
            store.commit(++version);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(store.get("key-" + ((puts - 1) % keys))).isEqualTo((long) puts - 1);
            double rate = puts / seconds;
            System.out.printf(
                    Locale.ROOT,
                    "%s %s: %,d puts in %.2f s, %,.0f puts/s, %,d commits%n",
                    backend,
                    run,
                    puts,
                    seconds,
                    rate,
                    version);
            return rate;
        }
    }
}
