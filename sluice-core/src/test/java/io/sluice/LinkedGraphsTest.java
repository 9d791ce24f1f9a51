package io.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Graphs wired to graphs on LOCAL: the consecution notes' examples of a producer feeding a graph and of one graph's
 * named outputs feeding two others, each checked for its exact output; the batch-completed marker; a graph that stops
 * short failing the graphs that read it; and the mistakes a set of graphs can make, refused with their words.
 */
class LinkedGraphsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int N = 50_000;

    private static List<Long> numbers(int n) {
        return LongStream.rangeClosed(1, n).boxed().toList();
    }

    @Test
    void aProducerGraphFeedsAGraphThatCompletesWhenTheBatchIsWhole() throws Exception {
        // given a producer graph publishing doubled numbers from two instances, and a graph reading them
        Flow producer = Flow.named("producer");
        GraphOutput<Long> doubled = producer.read("numbers", Sources.collection(numbers(N)))
                .map("double", (Long n) -> n * 2)
                .parallelism(2)
                .rebalance()
                .output("doubled");
        Flow consumer = Flow.named("consumer");
        End<Long> sums = consumer.input("in", doubled)
                .parallelism(2)
                .map("plus-one", (Long n) -> n + 1)
                .to("out", Sinks.collect());

        // when both run as one set
        LinkedGraphs set = LinkedGraphs.of(consumer.build(), producer.build());
        assertThat(set.graphs()).extracting(ComputationalGraph::name).containsExactly("producer", "consumer");
        try (LinkedGraphs.Deployments running = set.deploySystem(SystemType.LOCAL)) {
            // then the consumer completes — it saw every producer instance end — with every item once
            assertThat(running.awaitTermination(TIMEOUT)).isEqualTo(DeploymentState.COMPLETED);
            List<Long> out = running.deployment("consumer").results(sums);
            assertThat(out).hasSize(N);
            assertThat(out)
                    .containsExactlyInAnyOrderElementsOf(
                            numbers(N).stream().map(n -> n * 2 + 1).toList());
        }
    }

    @Test
    void oneGraphsNamedOutputsFeedTwoOtherGraphs() throws Exception {
        // given a graph that routes numbers to two named outputs, and a graph reading each
        Flow split = Flow.named("split");
        Routed<Long> parity = split.read("numbers", Sources.collection(numbers(1000)))
                .route("parity", (Long n) -> n % 2 == 0 ? "even" : "odd", "even", "odd");
        GraphOutput<Long> evens = parity.branch("even").output("evens");
        GraphOutput<Long> odds = parity.branch("odd").output("odds");
        Flow evenGraph = Flow.named("even-sums");
        End<Long> evenOut =
                evenGraph.input("in", evens).map("tenfold", (Long n) -> n * 10).to("out", Sinks.collect());
        Flow oddGraph = Flow.named("odd-sums");
        End<Long> oddOut = oddGraph.input("in", odds).to("out", Sinks.collect());

        try (LinkedGraphs.Deployments running = LinkedGraphs.of(split.build(), evenGraph.build(), oddGraph.build())
                .deploySystem(SystemType.LOCAL)) {
            assertThat(running.awaitTermination(TIMEOUT)).isEqualTo(DeploymentState.COMPLETED);
            assertThat(running.deployment("even-sums").results(evenOut))
                    .containsExactlyInAnyOrderElementsOf(numbers(1000).stream()
                            .filter(n -> n % 2 == 0)
                            .map(n -> n * 10)
                            .toList());
            assertThat(running.deployment("odd-sums").results(oddOut))
                    .containsExactlyInAnyOrderElementsOf(
                            numbers(1000).stream().filter(n -> n % 2 == 1).toList());
        }
    }

    @Test
    void aGraphDeployedAfterTheOutputWasWholeStillReadsAllOfIt() throws Exception {
        // given the producer deployed alone, run to its end, and nobody reading yet
        Flow producer = Flow.named("early");
        GraphOutput<Long> out =
                producer.read("numbers", Sources.collection(numbers(5000))).output("all");
        try (Deployment first = producer.build().deploySystem(SystemType.LOCAL)) {
            assertThat(first.awaitTermination(TIMEOUT)).isEqualTo(DeploymentState.COMPLETED);
        }
        // when a reader is deployed afterwards, by the output's name
        Flow reader = Flow.named("late");
        End<Object> got = reader.input("in", GraphOutput.of("early", "all")).to("out", Sinks.collect());
        try (Deployment second = reader.build().deploySystem(SystemType.LOCAL)) {
            // then it reads every item published before it came, and completes
            assertThat(second.awaitTermination(TIMEOUT)).isEqualTo(DeploymentState.COMPLETED);
            assertThat(second.results(got)).hasSize(5000).doesNotHaveDuplicates();
        }
        assertThat(out.address()).isEqualTo("early.all");
    }

    @Test
    void aGraphThatFailsBeforeItsOutputIsWholeFailsTheGraphReadingIt() throws Exception {
        Flow producer = Flow.named("flaky");
        producer.read("numbers", Sources.collection(numbers(100)))
                .map("boom", (Long n) -> {
                    if (n == 50) {
                        throw new IllegalStateException("bad item " + n);
                    }
                    return n;
                })
                .output("numbers-out");
        Flow reader = Flow.named("reader");
        reader.input("in", GraphOutput.of("flaky", "numbers-out")).to("out", Sinks.collect());

        try (LinkedGraphs.Deployments running =
                LinkedGraphs.of(producer.build(), reader.build()).deploySystem(SystemType.LOCAL)) {
            assertThat(running.deployment("reader").awaitTermination(TIMEOUT)).isEqualTo(DeploymentState.FAILED);
            assertThat(running.deployment("reader").failure().orElseThrow())
                    .hasMessageContaining("Input 'in' of graph 'reader' reading 'flaky.numbers-out': graph 'flaky'"
                            + " stopped before its output 'numbers-out' was whole");
            assertThat(running.awaitTermination(TIMEOUT)).isEqualTo(DeploymentState.FAILED);
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aWriterWaitingOnAFullLinkStopsWhenItsDeploymentIsClosed() throws Exception {
        // given a producer with more items than a link holds, and nobody reading
        Flow producer = Flow.named("blocked");
        producer.read("numbers", Sources.collection(numbers(io.sluice.spi.GraphLinks.CAPACITY * 3)))
                .output("full");
        Deployment deployment = producer.build().deploySystem(SystemType.LOCAL);
        org.awaitility.Awaitility.await()
                .atMost(TIMEOUT)
                .until(() -> deployment.status().nodes().get("full").itemsIn() >= io.sluice.spi.GraphLinks.CAPACITY);
        assertThat(deployment.awaitTermination(Duration.ofMillis(200))).isEqualTo(DeploymentState.RUNNING);

        // when it is closed, it stops (the test's timeout says it does not hang)
        deployment.close();

        // then a graph that reads the output later is told it was cut short
        Flow reader = Flow.named("after-blocked");
        reader.input("in", GraphOutput.of("blocked", "full")).to("out", Sinks.collect());
        try (Deployment late = reader.build().deploySystem(SystemType.LOCAL)) {
            assertThat(late.awaitTermination(TIMEOUT)).isEqualTo(DeploymentState.FAILED);
            assertThat(late.failure().orElseThrow())
                    .hasMessageContaining("graph 'blocked' stopped before its output 'full' was whole");
        }
    }

    @Test
    void anInputNobodyFeedsAndAnOutputNobodyReadsAreRefusedNamingBothGraphs() {
        Flow a = Flow.named("orders");
        a.read("src", Sources.collection(numbers(3))).output("cleaned");
        Flow b = Flow.named("billing");
        b.input("in", GraphOutput.of("orders", "claned")).to("out", Sinks.collect());

        assertThatThrownBy(() -> LinkedGraphs.of(a.build(), b.build()))
                .isInstanceOf(InvalidGraphException.class)
                .satisfies(e -> assertThat(((InvalidGraphException) e).problems())
                        .containsExactly(
                                "Input 'in' of graph 'billing' reads 'orders.claned', which no graph of the set"
                                        + " publishes; outputs published: [orders.cleaned]; did you mean"
                                        + " 'orders.cleaned'?",
                                "Output 'cleaned' of graph 'orders' ('orders.cleaned') is read by no graph of the"
                                        + " set; add the graph that reads it with Flow.input, or make 'cleaned' an"
                                        + " ordinary end node"));
    }

    @Test
    void aCycleThroughTheLinksIsRefusedWithItsPath() {
        Flow a = Flow.named("a");
        a.input("from-c", GraphOutput.of("c", "out")).output("out");
        Flow b = Flow.named("b");
        b.input("from-a", GraphOutput.of("a", "out")).output("out");
        Flow c = Flow.named("c");
        c.input("from-b", GraphOutput.of("b", "out")).output("out");

        assertThatThrownBy(() -> LinkedGraphs.of(a.build(), b.build(), c.build()))
                .isInstanceOf(InvalidGraphException.class)
                .satisfies(e -> assertThat(((InvalidGraphException) e).problems())
                        .containsExactly("Graphs form a cycle through their links: a -> b -> c -> a; a graph may not"
                                + " read, even through others, what it publishes"));
    }

    @Test
    void twoGraphsOfOneNameAreRefused() {
        Flow a = Flow.named("twin");
        a.read("src", Sources.collection(numbers(3))).to("out", Sinks.collect());
        assertThatThrownBy(() -> LinkedGraphs.of(a.build(), a.build()))
                .isInstanceOf(InvalidGraphException.class)
                .hasMessageContaining("Graph 'twin' is given twice");
    }

    @Test
    void aBadAddressIsRefusedSayingWhatIsExpected() {
        Flow a = Flow.named("x");
        assertThatThrownBy(() -> a.input("in", new GraphOutput<>("", "out")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Graph output address '.out': expected <graph>.<output>, as 'orders.cleaned' for the"
                        + " output 'cleaned' of graph 'orders'");
    }
}
