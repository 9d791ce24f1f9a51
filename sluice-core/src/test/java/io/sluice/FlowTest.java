package io.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The typed layer: stages carry types, settings go to the node a stage names, results come back typed. */
class FlowTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    record Payment(String account, long cents) {}

    /** Sums per account; rejects negative amounts on a typed side output. */
    static final class Totals implements Node<Payment, Map.Entry<String, Long>> {
        static final Port<Payment> REJECTED = Port.of("rejected");
        private KeyValueStore<String, Long> sums;

        @Override
        public void open(NodeContext context) {
            sums = context.store("sums");
        }

        @Override
        public void process(Payment payment, Emitter<Map.Entry<String, Long>> emitter) {
            if (payment.cents() < 0) {
                emitter.emit(REJECTED, payment);
                return;
            }
            long sum = sums.getOrDefault(payment.account(), 0L) + payment.cents();
            sums.put(payment.account(), sum);
            emitter.emit(Map.entry(payment.account(), sum));
        }
    }

    private static List<Payment> payments(int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> new Payment("acct-" + (i % 7), i % 10 == 9 ? -1 : i))
                .toList();
    }

    @Test
    void aTypedGraphRunsAndReadsItsResultsWithTheirTypes() throws Exception {
        Flow flow = Flow.named("typed");
        Stage<Payment> payments = flow.read("payments", Sources.collection(payments(1_000)));
        Stage<Map.Entry<String, Long>> totals = payments.keyBy(Payment::account)
                .then("totals", Totals::new)
                .parallelism(3)
                .stores("sums");
        End<Payment> rejected = totals.port(Totals.REJECTED).to("rejected", Sinks.collect());
        End<List<String>> batches = totals.map("describe", (Map.Entry<String, Long> e) -> e.getKey())
                .chunk("batches", Chunking.byCount(100))
                .to("out", Sinks.collect());
        ComputationalGraph graph = flow.build();

        assertThat(graph.node("totals").parallelism()).isEqualTo(3);
        assertThat(graph.node("totals").ports()).containsExactlyInAnyOrder("default", "rejected");
        assertThat(graph.node("describe").parallelism()).isEqualTo(1);
        assertThat(graph.edges())
                .extracting(Edge::toString)
                .contains("payments -> totals [keyed]", "totals.rejected -> rejected");
        try (Deployment deployment = graph.deploySystem(SystemType.LOCAL)) {
            assertThat(deployment.awaitTermination(TIMEOUT)).isEqualTo(DeploymentState.COMPLETED);
            List<Payment> refused = deployment.results(rejected);
            List<List<String>> chunks = deployment.results(batches);
            assertThat(refused).hasSize(100).allSatisfy(p -> assertThat(p.cents())
                    .isNegative());
            assertThat(chunks.stream().mapToInt(List::size).sum()).isEqualTo(900);
            assertThat(deployment.results(batches, 0, 2).items()).hasSize(2);
        }
    }

    @Test
    void routesMergesAndBroadcastsKeepTheirTypes() throws Exception {
        Flow flow = Flow.named("routes");
        Routed<Long> parity = flow.read(
                        "numbers",
                        Sources.collection(LongStream.range(0, 100).boxed().toList()))
                .route("parity", (Long n) -> n % 2 == 0 ? "even" : "odd", "even", "odd");
        Stage<Long> halves = parity.branch("even").map("half", (Long n) -> n / 2);
        Stage<Long> negated = parity.branch("odd").map("negate", (Long n) -> -n);
        Stage<Long> merged = flow.merge("all", halves, negated);
        End<Long> out = merged.to("out", Sinks.collect());
        End<String> texts = merged.map("text", (Long n) -> "n" + n).to("texts", Sinks.collect());

        try (Deployment deployment = flow.build().deploySystem(SystemType.LOCAL)) {
            assertThat(deployment.awaitTermination(TIMEOUT)).isEqualTo(DeploymentState.COMPLETED);
            List<Long> numbers = deployment.results(out);
            assertThat(numbers).hasSize(100);
            assertThat(numbers.stream().filter(n -> n < 0).count()).isEqualTo(50);
            assertThat(deployment.results(texts)).hasSize(100).allSatisfy(t -> assertThat(t)
                    .startsWith("n"));
        }
        assertThatThrownBy(() -> parity.branch("evn"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("route 'parity' has no branch 'evn'; its branches: [even, odd]");
    }

    @Test
    void aStageOfAnotherFlowCannotBeMerged() {
        Stage<Long> foreign = Flow.named("other").read("n", Sources.collection(List.of(1L)));
        Flow flow = Flow.named("mine");
        Stage<Long> own = flow.read("m", Sources.collection(List.of(2L)));

        assertThatThrownBy(() -> flow.merge("all", own, foreign))
                .hasMessage("stage 'n' belongs to graph 'other', not to 'mine'");
    }

    @Test
    void orderIsCheckedWhenTheGraphIsBuilt() {
        Function<Long, Object> key = n -> n % 5;
        // in order per key: a keyed edge behind a single source, the same key further down
        Flow fine = Flow.named("ordered");
        fine.read("numbers", Sources.collection(List.of(1L, 2L, 3L)))
                .keyBy(key)
                .map("a", (Long n) -> n)
                .parallelism(4)
                .map("b", (Long n) -> n)
                .parallelism(4)
                .keyBy(key)
                .map("c", (Long n) -> n)
                .parallelism(2)
                .requireOrder(Ordering.PER_KEY)
                .map("d", (Long n) -> n)
                .requireOrder(Ordering.TOTAL)
                .to("out", Sinks.collect())
                .requireOrder(Ordering.TOTAL);
        assertThatThrownBy(fine::build)
                .isInstanceOf(InvalidGraphException.class)
                .hasMessageContaining("Node 'd' needs its items in the order they were produced (TOTAL), but node 'c'"
                        + " runs 2 instances, whose items interleave; give it parallelism 1");

        Flow spread = Flow.named("spread");
        spread.read("numbers", Sources.collection(List.of(1L, 2L, 3L)))
                .rebalance()
                .map("a", (Long n) -> n)
                .parallelism(3)
                .keyBy(key)
                .map("count", (Long n) -> n)
                .parallelism(2)
                .requireOrder(Ordering.PER_KEY)
                .to("out", Sinks.collect());
        assertThatThrownBy(spread::build)
                .hasMessageContaining("Node 'count' needs its items in order per key (PER_KEY), but edge 'numbers' ->"
                        + " 'a' (round-robin) spreads one key over 3 instances of 'a'");

        Flow single = Flow.named("single");
        single.read("numbers", Sources.collection(List.of(1L, 2L, 3L)))
                .keyBy(key)
                .map("count", (Long n) -> n)
                .parallelism(4)
                .requireOrder(Ordering.PER_KEY)
                .to("out", Sinks.collect())
                .requireOrder(Ordering.ANY);
        assertThat(single.build().ordering("count")).isEqualTo(Ordering.PER_KEY);
    }

    @Test
    void theOrderAGraphKeepsIsTheOrderItDelivers() throws Exception {
        Function<Long, Object> key = n -> n % 13;
        Flow flow = Flow.named("delivered");
        End<Long> out = flow.read(
                        "numbers",
                        Sources.collection(LongStream.range(0, 20_000).boxed().toList()))
                .keyBy(key)
                .map("a", (Long n) -> n)
                .parallelism(3)
                .map("b", (Long n) -> n)
                .parallelism(3)
                .keyBy(key)
                .to("out", Sinks.collect())
                .parallelism(2)
                .requireOrder(Ordering.PER_KEY);

        try (Deployment deployment = flow.build().deploySystem(SystemType.LOCAL)) {
            assertThat(deployment.awaitTermination(TIMEOUT)).isEqualTo(DeploymentState.COMPLETED);
            Map<Object, List<Long>> byKey = deployment.results(out).stream().collect(Collectors.groupingBy(key));
            assertThat(byKey).hasSize(13);
            byKey.values().forEach(items -> assertThat(items).isSorted());
        }
    }

    @Test
    void aTransportFindsTheInboxesOfAGraphThroughItsApi() {
        Inbox<String> orders = Inbox.of(String.class, 10);
        Flow flow = Flow.named("inboxes");
        flow.read("orders", Sources.inbox(orders)).to("out", Sinks.collect());
        flow.read("numbers", Sources.collection(List.of(1))).to("more", Sinks.collect());
        ComputationalGraph graph = flow.build();

        assertThat(graph.inbox("orders")).containsSame(orders);
        assertThat(graph.inbox("numbers")).isEmpty();
        assertThat(graph.inboxes()).containsOnlyKeys("orders");
        assertThatThrownBy(() -> graph.inbox("nope")).isInstanceOf(NotDefinedException.class);
    }
}
