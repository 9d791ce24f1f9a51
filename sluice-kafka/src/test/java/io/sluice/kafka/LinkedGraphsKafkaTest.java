package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.DeploymentState;
import io.sluice.End;
import io.sluice.Flow;
import io.sluice.GraphOutput;
import io.sluice.LinkedGraphs;
import io.sluice.Routed;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.testkit.KafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Graphs wired to graphs on KAFKA: a graph's output is the topic {@code <graph>.<output>}, written in its workers'
 * transactions with end markers, and the graphs reading it complete once every writer's marker has come. The
 * consecution notes' examples, checked for their exact outputs under both guarantees.
 */
class LinkedGraphsKafkaTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private static List<Long> numbers(int n) {
        return LongStream.rangeClosed(1, n).boxed().toList();
    }

    private static KafkaOptions options(Guarantee guarantee) {
        return KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withGuarantee(guarantee)
                .withOnExisting(OnExisting.FRESH);
    }

    @ParameterizedTest
    @EnumSource(Guarantee.class)
    void aProducerGraphFeedsAGraphThroughItsOutputTopic(Guarantee guarantee) throws Exception {
        String suffix = guarantee.name().toLowerCase().replace('_', '-');
        Flow producer = Flow.named("producer-" + suffix);
        // one writer of the output lags behind the other, so a reader that stopped at the first end marker would
        // miss what the late one writes after it
        GraphOutput<Long> doubled = producer.read("numbers", Sources.collection(numbers(20_000)))
                .keyBy((Long n) -> n % 2)
                .map("double", (Long n) -> {
                    if (n % 2 == 1 && n % 20 == 1) {
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                    }
                    return n * 2;
                })
                .parallelism(2)
                .output("doubled"); // two writers, so the reader waits for two markers per partition
        Flow consumer = Flow.named("consumer-" + suffix);
        End<Long> out = consumer.input("in", doubled)
                .parallelism(3)
                .map("plus-one", (Long n) -> n + 1)
                .to("out", Sinks.collect());

        try (LinkedGraphs.Deployments running =
                LinkedGraphs.of(producer.build(), consumer.build()).deploy(SystemType.KAFKA, options(guarantee))) {
            assertThat(running.awaitTermination(TIMEOUT)).isEqualTo(DeploymentState.COMPLETED);
            List<Long> got = running.deployment(consumer.name()).results(out);
            assertThat(got).hasSize(20_000);
            assertThat(got)
                    .containsExactlyInAnyOrderElementsOf(
                            numbers(20_000).stream().map(n -> n * 2 + 1).toList());
        }
    }

    @ParameterizedTest
    @EnumSource(Guarantee.class)
    void oneGraphsNamedOutputsFeedTwoOtherGraphs(Guarantee guarantee) throws Exception {
        String suffix = guarantee.name().toLowerCase().replace('_', '-');
        Flow split = Flow.named("split-" + suffix);
        Routed<Long> parity = split.read("numbers", Sources.collection(numbers(3000)))
                .route("parity", (Long n) -> n % 2 == 0 ? "even" : "odd", "even", "odd");
        GraphOutput<Long> evens = parity.branch("even").output("evens");
        GraphOutput<Long> odds = parity.branch("odd").output("odds");
        Flow evenGraph = Flow.named("evens-" + suffix);
        End<Long> evenOut =
                evenGraph.input("in", evens).map("tenfold", (Long n) -> n * 10).to("out", Sinks.collect());
        Flow oddGraph = Flow.named("odds-" + suffix);
        End<Long> oddOut = oddGraph.input("in", odds).to("out", Sinks.collect());

        try (LinkedGraphs.Deployments running = LinkedGraphs.of(split.build(), evenGraph.build(), oddGraph.build())
                .deploy(SystemType.KAFKA, options(guarantee))) {
            assertThat(running.awaitTermination(TIMEOUT)).isEqualTo(DeploymentState.COMPLETED);
            assertThat(running.deployment(evenGraph.name()).results(evenOut))
                    .containsExactlyInAnyOrderElementsOf(numbers(3000).stream()
                            .filter(n -> n % 2 == 0)
                            .map(n -> n * 10)
                            .toList());
            assertThat(running.deployment(oddGraph.name()).results(oddOut))
                    .containsExactlyInAnyOrderElementsOf(
                            numbers(3000).stream().filter(n -> n % 2 == 1).toList());
        }
    }
}
