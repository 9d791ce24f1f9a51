package io.sluice.state.postgres.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.StoreSpec;
import io.sluice.SystemType;
import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.OnExisting;
import io.sluice.state.postgres.PostgresServer;
import io.sluice.testkit.CountingGraph;
import io.sluice.testkit.KafkaBroker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A postgres store on KAFKA under exactly-once: the server follows the store's changelog, committed after each
 * transaction, and a deployment stopped mid-run and continued puts the server back to the changelog before it goes on:
 * the counts in Postgres equal the items, each counted once.
 */
class PostgresOnKafkaTest {

    private static final long ITEMS = 200_000;
    private static final int KEYS = 200;

    private final PostgresServer server = PostgresServer.shared();

    @Test
    void stoppedMidRunAndContinuedItsCountsInPostgresAreExact() throws Exception {
        String graphName = "pgkafka";
        CountingGraph counting = new CountingGraph(
                graphName,
                ITEMS,
                KEYS,
                0,
                StoreSpec.of(CountingGraph.COUNTS, "postgres", server.config("kafka_counts")),
                StoreSpec.of(CountingGraph.TALLY, "postgres", server.config("kafka_tally")));
        ComputationalGraph graph = counting.build();
        KafkaOptions options = KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withGuarantee(Guarantee.EXACTLY_ONCE)
                .withOnExisting(OnExisting.FRESH);

        assertThat(counting.storedCounts()).as("the table before the first run").isEmpty(); // and creates it
        Deployment first = graph.deploy(SystemType.KAFKA, options);
        try {
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> first.status().state() != DeploymentState.RUNNING
                            || server.number("SELECT count(*) FROM kafka_counts") >= KEYS / 2);
        } finally {
            first.close();
        }
        assertThat(first.status().state()).as("stopped before it completed").isEqualTo(DeploymentState.CANCELLED);
        long counted = counting.storedCounts().values().stream()
                .mapToLong(Long::longValue)
                .sum();
        assertThat(counted).as("some counted, not all").isPositive().isLessThan(ITEMS);

        try (Deployment second = graph.deploy(SystemType.KAFKA, options.withOnExisting(OnExisting.CONTINUE))) {
            assertThat(second.awaitTermination(Duration.ofMinutes(3))).isEqualTo(DeploymentState.COMPLETED);
        }
        assertThat(counting.storedCounts()).as("every key's count in Postgres").isEqualTo(counting.exactCounts());
        assertThat(counting.storedTally())
                .as("the end node's tally in Postgres")
                .isEqualTo(counting.exactTally());
    }
}
