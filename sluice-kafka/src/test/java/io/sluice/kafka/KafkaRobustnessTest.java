package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.ComputationalGraph;
import io.sluice.DeadLetter;
import io.sluice.Deployment;
import io.sluice.ItemFailure;
import io.sluice.ItemTracking;
import io.sluice.Partitioning;
import io.sluice.Robustness;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.testkit.KafkaBroker;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** REPLAY and dead letters on KAFKA: a record is replayed in place, then given up to the dead-letter topic. */
class KafkaRobustnessTest {

    private static final AtomicInteger RUN = new AtomicInteger();
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private static KafkaOptions options(Guarantee guarantee) {
        return KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withGuarantee(guarantee)
                .withDeleteTopicsOnClose(true);
    }

    @ParameterizedTest
    @EnumSource(Guarantee.class)
    void aPoisonRecordEndsInDeadLetterAfterExactlyNAttemptsWithoutBlockingItsPartition(Guarantee guarantee)
            throws Exception {
        AtomicInteger poisonAttempts = new AtomicInteger();
        ComputationalGraph graph = ComputationalGraph.builder("poison-" + RUN.incrementAndGet())
                .start("numbers", Sources.generator(2_000, i -> i))
                .map("parse", (Long i) -> {
                    if (i == 1234) {
                        poisonAttempts.incrementAndGet();
                        throw new IllegalArgumentException("cannot parse " + i);
                    }
                    return i;
                })
                .parallelism(2)
                .end("out", Sinks.collect())
                .end("dead", Sinks.collect())
                .edge("numbers -> parse", Partitioning.keyed((Long i) -> i % 5))
                .edge("parse -> out")
                .robustness(
                        Robustness.replay(3).withBackoff(Duration.ofMillis(10)).withDeadLetter("dead"))
                .build();

        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options(guarantee))) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
            assertThat(poisonAttempts).hasValue(3);
            List<DeadLetter> dead = deployment.results("dead");
            assertThat(dead).hasSize(1);
            DeadLetter letter = dead.get(0);
            assertThat(letter.source()).isEqualTo("numbers");
            assertThat(letter.item()).isEqualTo(1234L);
            assertThat(letter.attempts()).isEqualTo(3);
            assertThat(letter.failures()).extracting(ItemFailure::attempt).containsExactly(1, 2, 3);
            assertThat(letter.lastFailure().node()).isEqualTo("parse");
            assertThat(letter.lastFailure().error()).isEqualTo("IllegalArgumentException: cannot parse 1234");
            List<Long> out = deployment.results("out");
            assertThat(new HashSet<>(out)).hasSize(1_999).doesNotContain(1234L);
            assertThat(deployment.status().node("parse").errors()).isEqualTo(3);
            ItemTracking tracking = deployment.status().tracking().orElseThrow();
            assertThat(tracking.level()).isEqualTo(Robustness.Level.REPLAY);
            assertThat(tracking.introduced()).isEqualTo(2_000);
            assertThat(tracking.failed()).isEqualTo(1);
            assertThat(tracking.deadLettered()).isEqualTo(1);
            assertThat(tracking.replays()).isEqualTo(2);
            assertThat(tracking.pending()).isZero();
            assertThat(tracking.completed()).isEqualTo(1_999);
            assertThat(tracking.recentFailures())
                    .extracting(ItemFailure::attempt)
                    .containsExactly(1, 2, 3);
        }
    }

    @ParameterizedTest
    @EnumSource(Guarantee.class)
    void transientFailuresAreHealedByReplayWithNothingInDeadLetter(Guarantee guarantee) throws Exception {
        Set<Long> failedOnce = ConcurrentHashMap.newKeySet();
        ComputationalGraph graph = ComputationalGraph.builder("flaky-" + RUN.incrementAndGet())
                .start("numbers", Sources.generator(2_000, i -> i))
                .map("flaky", (Long i) -> {
                    if (i % 97 == 0 && failedOnce.add(i)) {
                        throw new IllegalStateException("service unavailable");
                    }
                    return i;
                })
                .end("out", Sinks.collect())
                .end("dead", Sinks.collect())
                .edge("numbers -> flaky -> out")
                .robustness(
                        Robustness.replay(3).withBackoff(Duration.ofMillis(1)).withDeadLetter("dead"))
                .build();

        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options(guarantee))) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
            assertThat(deployment.<DeadLetter>results("dead")).isEmpty();
            List<Long> out = deployment.results("out");
            assertThat(new HashSet<>(out)).hasSize(2_000);
            if (guarantee == Guarantee.EXACTLY_ONCE) {
                assertThat(out).hasSize(2_000);
            }
            assertThat(failedOnce).hasSize(21);
            ItemTracking tracking = deployment.status().tracking().orElseThrow();
            assertThat(tracking.replays()).isEqualTo(21);
            assertThat(tracking.allProcessed()).isTrue();
            assertThat(tracking.completed()).isEqualTo(2_000);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Robustness.Level.class,
            names = {"CONFIRM", "TRACK"})
    void underConfirmOrTrackAFailedRecordIsGivenUpAndTheDeploymentGoesOn(Robustness.Level level) throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("skipping-" + RUN.incrementAndGet())
                .start("numbers", Sources.generator(500, i -> i))
                .filter("check", (Long i) -> {
                    if (i % 100 == 0) {
                        throw new IllegalStateException("round");
                    }
                    return true;
                })
                .end("out", Sinks.collect())
                .edge("numbers -> check -> out")
                .robustness(Robustness.of(level))
                .build();
        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options(Guarantee.AT_LEAST_ONCE))) {
            assertThat(deployment.awaitCompletion(TIMEOUT)).isTrue();
            assertThat(new HashSet<>(deployment.<Long>results("out"))).hasSize(495);
            assertThat(deployment.status().node("check").errors()).isEqualTo(5);
            ItemTracking tracking = deployment.status().tracking().orElseThrow();
            assertThat(tracking.failed()).isEqualTo(5);
            assertThat(tracking.allProcessed()).isFalse();
            assertThat(tracking.recentFailures()).hasSize(level == Robustness.Level.TRACK ? 5 : 0);
        }
    }

    @org.junit.jupiter.api.Test
    void deadLettersSurviveTheJsonSerde() {
        DeadLetter letter = new DeadLetter(
                "numbers",
                List.of(1L, "x"),
                2,
                List.of(
                        new ItemFailure("parse", "7", "IllegalStateException: no", java.time.Instant.now(), 1),
                        new ItemFailure("parse", "7", "IllegalStateException: no", java.time.Instant.now(), 2)));
        RecordHeaders headers = new RecordHeaders();
        byte[] bytes = Serdes.json().serialize(letter, headers);
        assertThat(Serdes.json().deserialize(bytes, headers)).isEqualTo(letter);
    }
}
