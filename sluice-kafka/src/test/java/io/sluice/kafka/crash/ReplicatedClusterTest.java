package io.sluice.kafka.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.Deployment;
import io.sluice.LocalOptions;
import io.sluice.SystemType;
import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaOptions;
import io.sluice.testkit.KafkaCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stateful graph of {@link StatefulCrashTest} — a keyed sum in a store, an end node tallying every item in its
 * store — on a real three-node cluster (replication factor 3, {@code min.insync.replicas} 2) under exactly-once, with
 * one node killed with SIGKILL and brought back, twice, while the graph runs: the deployment carries on and every
 * aggregate equals a run without faults, every item counted once at the end node.
 */
@Tag("slow")
class ReplicatedClusterTest {

    private static final long ITEMS = 100_000;

    @TempDir
    Path dir;

    @Test
    void aBrokerKilledAndRestartedTwiceLosesAndRepeatsNothingUnderExactlyOnce() throws Exception {
        Map<Long, StatefulCrashTest.Total> expected;
        try (Deployment local = StatefulCrashTest.graph("replicated-local", true, false, ITEMS)
                .deploy(SystemType.LOCAL, LocalOptions.defaults())) {
            assertThat(local.awaitCompletion(Duration.ofMinutes(2))).isTrue();
            expected = totals(local.results("out"));
        }
        Random random = new Random(31);
        List<String> faults = new ArrayList<>();
        try (KafkaCluster kafka = KafkaCluster.start(dir.resolve("kafka"), 3)) {
            KafkaOptions options = KafkaOptions.of(kafka.bootstrapServers())
                    .withGuarantee(Guarantee.EXACTLY_ONCE)
                    .withReplicationFactor(3)
                    .withAllowedTypes(StatefulCrashTest.Total.class, StatefulCrashTest.Tally.class)
                    .withTimeout(Duration.ofSeconds(60));
            Files.deleteIfExists(StatefulCrashTest.linesFile("replicated"));
            try (Deployment deployment =
                    StatefulCrashTest.graph("replicated", true, true, ITEMS).deploy(SystemType.KAFKA, options)) {
                int first = 1 + random.nextInt(kafka.nodes());
                int second = 1 + (first + random.nextInt(kafka.nodes() - 1)) % kafka.nodes(); // another node
                for (int node : new int[] {first, second}) {
                    if (deployment.status().state().isFinal()) {
                        break;
                    }
                    Thread.sleep(2_000 + random.nextInt(2_000)); // a random moment while it runs
                    kafka.kill(node);
                    Thread.sleep(3_000); // the cluster runs on two nodes meanwhile
                    kafka.restart(node);
                    faults.add("node " + node + " killed at "
                            + deployment.status().node("numbers").itemsOut());
                }
                assertThat(deployment.awaitCompletion(Duration.ofMinutes(5))).isTrue();
                List<Object> results = deployment.results("out");
                System.out.printf("replicated cluster: %s%n", faults);
                assertThat(faults).as("faults while it ran").hasSize(2);
                assertThat(totals(results)).as("every key's total").isEqualTo(expected);
                assertThat(results.stream().filter(StatefulCrashTest.Tally.class::isInstance))
                        .as("every item exactly once at the end node")
                        .containsExactly(new StatefulCrashTest.Tally(ITEMS, ITEMS * (ITEMS - 1) / 2));
            }
            Files.deleteIfExists(StatefulCrashTest.linesFile("replicated"));
        }
    }

    private static Map<Long, StatefulCrashTest.Total> totals(List<Object> results) {
        Map<Long, StatefulCrashTest.Total> totals = new java.util.TreeMap<>();
        for (Object result : results) {
            if (result instanceof StatefulCrashTest.Total total) {
                assertThat(totals.put(total.key(), total))
                        .as("one total per key")
                        .isNull();
            }
        }
        return totals;
    }
}
