package io.sluice.state.postgres.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.LocalOptions;
import io.sluice.StoreSpec;
import io.sluice.SystemType;
import io.sluice.state.postgres.PostgresServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A keyed count kept in Postgres, on LOCAL with checkpoints, in a child JVM killed with SIGKILL several times and
 * restarted on the same checkpoint directory until it completes: the counts in Postgres must be exactly those of a run
 * without faults — also when the store commits after every batch, so that the server runs ahead of the checkpoint.
 * Power check: with that, and the store's restore broken on purpose (the server's content adopted as it is, writes
 * beyond the last checkpoint included), the same test finds the counts wrong.
 */
@Tag("slow")
class PostgresCrashTest {

    private static final long ITEMS = 1_000_000;
    private static final int KEYS = 500;

    private final PostgresServer server = PostgresServer.shared();

    @Test
    void killedAndRestartedItsCountsInPostgresAreExact(@TempDir Path dir) throws Exception {
        Map<Long, Long> counts = crashAndRecover("crash_exact", 1, 4, "", dir);

        assertThat(counts).as("every key's count").isEqualTo(expected());
    }

    @Test
    void aServerAheadOfTheCheckpointIsPutBackToIt(@TempDir Path dir) throws Exception {
        Map<Long, Long> counts = crashAndRecover("crash_ahead", 2, 4, "commit-external-eagerly", dir);

        assertThat(counts).as("every key's count").isEqualTo(expected());
    }

    @Test
    void withoutPuttingTheServerBackToTheCheckpointTheSameTestFindsTheCountsWrong(@TempDir Path dir) throws Exception {
        Map<Long, Long> counts =
                crashAndRecover("crash_broken", 3, 4, "commit-external-eagerly,skip-store-restore", dir);

        assertThat(counts).as("every key's count").isNotEqualTo(expected());
    }

    private static Map<Long, Long> expected() {
        Map<Long, Long> expected = new TreeMap<>();
        for (long key = 0; key < KEYS; key++) {
            expected.put(key, ITEMS / KEYS);
        }
        return expected;
    }

    private Map<Long, Long> crashAndRecover(String table, long seed, int kills, String fault, Path dir)
            throws Exception {
        Path checkpoints = dir.resolve("checkpoints");
        Random random = new Random(seed * 0x9E3779B97F4A7C15L); // small seeds alone start alike
        faultFreeRun(table + "_fault_free");
        assertThat(read(table)).as("the table before the first run").isEmpty(); // and creates it
        int killed = 0;
        for (int kill = 0; kill < kills; kill++) {
            Process child = start(table, checkpoints, fault);
            // Kill once the server saw 1 to 3 more commits of instance 0's store
            long target = version(table) + 1 + random.nextInt(3);
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(5 + random.nextInt(20)))
                    .until(() -> !child.isAlive() || version(table) >= target);
            if (!child.isAlive()) {
                assertThat(child.exitValue())
                        .as("a run that ended before its kill")
                        .isZero();
                break; // completed before the kill: the counts are final
            }
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, nothing flushed
            child.waitFor();
            killed++;
        }
        Process last = start(table, checkpoints, fault);
        assertThat(last.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(last.exitValue()).isZero();
        System.out.printf("postgres crash test (%s): %d kills%n", fault.isEmpty() ? "as built" : fault, killed);
        assertThat(killed).as("kills that landed while it ran").isPositive();
        return read(table);
    }

    /** Runs the graph in this JVM once, without faults: the counts it gives are the expected ones. */
    private void faultFreeRun(String table) throws Exception {
        try (Deployment deployment = PostgresCountingGraph.withKeys(ITEMS, KEYS, store(table))
                .deploy(SystemType.LOCAL, LocalOptions.defaults())) {
            assertThat(deployment.awaitTermination(Duration.ofMinutes(5))).isEqualTo(DeploymentState.COMPLETED);
        }
        assertThat(read(table)).as("the fault-free run").isEqualTo(expected());
    }

    /** The version instance 0's store was last committed with; -1 before its first commit. */
    private long version(String table) {
        return server.number("SELECT coalesce(max(version), -1) FROM " + table + "_versions WHERE instance = 0");
    }

    private StoreSpec store(String table) {
        return StoreSpec.of("counts", "postgres", server.config(table));
    }

    /** Every key's count, over the instances' stores, as a fresh engine reads them from the server. */
    private Map<Long, Long> read(String table) {
        return PostgresCountingGraph.counts(PostgresCountingGraph.GRAPH, store(table));
    }

    private Process start(String table, Path checkpoints, String fault) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
        if (!fault.isEmpty()) {
            command.add("-Dsluice.checkpoints.fault=" + fault);
        }
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                PostgresCountingGraph.class.getName(),
                Long.toString(ITEMS),
                Integer.toString(KEYS),
                server.url(),
                table,
                checkpoints.toString()));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("SLUICE_POSTGRES_PASSWORD", PostgresServer.PASSWORD);
        return builder.start();
    }
}
