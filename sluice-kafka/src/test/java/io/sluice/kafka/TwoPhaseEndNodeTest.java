package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.EndNode;
import io.sluice.Resumable;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.testkit.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A resumable end node is told when the transaction (exactly-once) or the offsets commit (at-least-once) that holds
 * its position went through, so that a two-phase sink can make its output visible only then.
 */
class TwoPhaseEndNodeTest {

    /** Stages items; a position is how many; what a commit covers becomes visible, the rest at the end. */
    static final class TwoPhaseSink implements EndNode<Long>, Resumable {
        static final List<Long> visible = Collections.synchronizedList(new ArrayList<>());
        static final List<String> given = Collections.synchronizedList(new ArrayList<>());
        static final List<String> confirmed = Collections.synchronizedList(new ArrayList<>());
        private final List<Long> staged = new ArrayList<>();
        private int shown;

        @Override
        public void process(Long item) {
            staged.add(item);
        }

        @Override
        public String position() {
            String position = Integer.toString(staged.size());
            given.add(position);
            return position;
        }

        @Override
        public void resume(String position) {}

        @Override
        public void committed(String position) {
            confirmed.add(position);
            int upTo = Integer.parseInt(position);
            if (upTo > shown) { // nothing after onComplete
                visible.addAll(staged.subList(shown, upTo));
                shown = upTo;
            }
        }

        @Override
        public void onComplete() {
            visible.addAll(staged.subList(shown, staged.size()));
            shown = staged.size();
        }
    }

    @ParameterizedTest
    @EnumSource(Guarantee.class)
    void anEndNodeIsToldWhenTheCommitHoldingItsPositionWentThrough(Guarantee guarantee) throws Exception {
        TwoPhaseSink.visible.clear();
        TwoPhaseSink.given.clear();
        TwoPhaseSink.confirmed.clear();
        long items = 20_000;
        ComputationalGraph graph = ComputationalGraph.builder(
                        "two-phase-" + guarantee.name().toLowerCase())
                .start("numbers", Sources.generator(items, i -> {
                    if (i % 100 == 0) {
                        sleep(); // long enough for several commits
                    }
                    return i;
                }))
                .end("sink", TwoPhaseSink::new)
                .edge("numbers -> sink")
                .build();
        KafkaOptions options = KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withGuarantee(guarantee)
                .withDeleteTopicsOnClose(true);
        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options)) {
            assertThat(deployment.awaitCompletion(Duration.ofMinutes(2))).isTrue();
        }

        assertThat(TwoPhaseSink.confirmed).as("positions confirmed").isNotEmpty();
        assertThat(TwoPhaseSink.given).as("every confirmed position was given").containsAll(TwoPhaseSink.confirmed);
        assertThat(TwoPhaseSink.confirmed.stream().map(Integer::parseInt).toList())
                .as("confirmed in order")
                .isSorted();
        assertThat(TwoPhaseSink.visible)
                .as("every item visible once, in order")
                .isEqualTo(LongStream.range(0, items).boxed().toList());
    }

    private static void sleep() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
