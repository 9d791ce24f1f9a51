package io.sluice.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.DeploymentStatus;
import io.sluice.ResultPage;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaDeployments;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.StaleStatusException;
import io.sluice.testkit.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A deployment handle follows its status and results topics: each call reads only what is new, results are numbered
 * from the first the topic holds and paged from memory or, when older than memory keeps, from the topic again; a
 * status that cannot be read to the end says so; and workers' counters are read so that no node runs ahead of its
 * upstream.
 */
class FollowedStatusAndResultsTest {

    private static final AtomicInteger RUN = new AtomicInteger();
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private static ComputationalGraph numbers(String name, long count) {
        return ComputationalGraph.builder(name + "-" + RUN.incrementAndGet())
                .start(
                        "numbers",
                        Sources.collection(LongStream.range(0, count).boxed().toList()))
                .map("same", (Long x) -> x)
                .end("out", Sinks.collect())
                .edge("numbers -> same -> out")
                .build();
    }

    @ParameterizedTest
    @EnumSource(Guarantee.class)
    void resultsArePagedFromMemoryAndOlderOnesFromTheTopicNumberedFromTheFirst(Guarantee guarantee) throws Exception {
        ComputationalGraph graph = numbers("paged", 3_000);
        KafkaOptions options = KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withGuarantee(guarantee)
                .withCommitInterval(Duration.ofMillis(5)) // many transactions: offsets with gaps between results
                .withDeleteTopicsOnClose(true)
                .withKeptResults(10);

        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options);
                AttachedDeployment attached = (AttachedDeployment) KafkaDeployments.attach(graph, options)) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();

            ResultPage<Long> latest = attached.latestResults("out", 5);
            assertThat(latest.total()).isEqualTo(3_000);
            assertThat(latest.first()).isEqualTo(2_995);
            assertThat(latest.items()).containsExactly(2_995L, 2_996L, 2_997L, 2_998L, 2_999L);
            long read = attached.resultRecordsRead();
            assertThat(read).isEqualTo(3_000);

            ResultPage<Long> oldest = attached.results("out", 0, 3);
            assertThat(oldest.first()).isZero();
            assertThat(oldest.items()).containsExactly(0L, 1L, 2L);
            ResultPage<Long> middle = attached.results("out", 1_500, 4);
            assertThat(middle.first()).isEqualTo(1_500);
            assertThat(middle.items()).containsExactly(1_500L, 1_501L, 1_502L, 1_503L);
            ResultPage<Long> across = attached.results("out", 2_046, 4); // the end of a segment read again, then memory
            assertThat(across.items()).containsExactly(2_046L, 2_047L, 2_048L, 2_049L);
            assertThat(attached.<Long>results("out"))
                    .containsExactlyElementsOf(
                            LongStream.range(0, 3_000).boxed().toList());
            assertThat(attached.results("out", 5_000, 10).items()).isEmpty();
            assertThat(attached.resultRecordsRead())
                    .as("pages read again from the topic do not count as new, nor move the follower")
                    .isEqualTo(read);
            assertThat(deployment.<Long>latestResults("out", 2).items()).containsExactly(2_998L, 2_999L);
        }
    }

    @Test
    void statusIsReadIncrementallyNotFromTheStartOfTheTopicEachTime() throws Exception {
        ComputationalGraph graph = numbers("incremental", 10);
        KafkaOptions options =
                KafkaOptions.of(KafkaBroker.shared().bootstrapServers()).withDeleteTopicsOnClose(true);

        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options);
                AttachedDeployment attached = (AttachedDeployment) KafkaDeployments.attach(graph, options)) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
            assertThat(attached.awaitCompletion(TIMEOUT)).isTrue();
            long afterFirst = attached.statusRecordsRead();
            assertThat(afterFirst).isPositive();

            for (int i = 0; i < 5; i++) {
                assertThat(attached.status().state()).isEqualTo(DeploymentState.COMPLETED);
            }

            assertThat(attached.statusRecordsRead())
                    .as("nothing was published since: nothing read again")
                    .isEqualTo(afterFirst);
            assertThat(attached.status().node("out").itemsIn()).isEqualTo(10);
        }
    }

    @Test
    void aStatusThatCannotBeReadToTheEndOfItsTopicSaysSoInsteadOfAnsweringStale() throws Exception {
        ComputationalGraph graph = numbers("stale", 10);
        KafkaBroker broker = KafkaBroker.start();
        String bootstrap = broker.bootstrapServers();
        KafkaOptions options = KafkaOptions.of(bootstrap).withTimeout(Duration.ofSeconds(3));
        boolean stopped = false;
        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options.withTimeout(Duration.ofSeconds(30)));
                Deployment attached = KafkaDeployments.attach(graph, options)) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
            assertThat(attached.awaitCompletion(TIMEOUT)).isTrue();
            assertThat(attached.status().state()).isEqualTo(DeploymentState.COMPLETED);

            broker.close();
            stopped = true;

            assertThatThrownBy(attached::status)
                    .isInstanceOf(StaleStatusException.class)
                    .hasMessageStartingWith("Status of graph '" + graph.name() + "': could not read its status topic '"
                            + graph.name() + ".__status' ")
                    .hasMessageContaining("within 3000 ms from Kafka at '" + bootstrap + "', so the status it has"
                            + " would be stale");
        } finally {
            if (!stopped) {
                broker.close();
            }
        }
    }

    @Test
    void workersCountersNeverShowANodeAheadOfItsUpstream() throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("consistent-" + RUN.incrementAndGet())
                .start("numbers", Sources.generator(300_000, i -> i))
                .map("a", (Long x) -> x)
                .map("b", (Long x) -> x)
                .end("out", Sinks.discard())
                .edge("numbers -> a -> b -> out")
                .build();
        KafkaOptions options =
                KafkaOptions.of(KafkaBroker.shared().bootstrapServers()).withDeleteTopicsOnClose(true);
        List<String> ahead = new ArrayList<>();
        int snapshots = 0;

        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options)) {
            DeploymentStatus status;
            do {
                status = deployment.status();
                snapshots++;
                for (String[] edge : new String[][] {{"numbers", "a"}, {"a", "b"}, {"b", "out"}}) {
                    long out = status.node(edge[0]).itemsOut();
                    long in = status.node(edge[1]).itemsIn();
                    if (in > out) {
                        ahead.add(edge[1] + " in " + in + " > " + edge[0] + " out " + out);
                    }
                }
                Thread.sleep(2); // pacing the reads, so that the workers get the CPU too
            } while (!status.state().isFinal());
            assertThat(status.state()).isEqualTo(DeploymentState.COMPLETED);
        }
        assertThat(snapshots).isGreaterThan(1);
        assertThat(ahead).isEmpty();
    }
}
