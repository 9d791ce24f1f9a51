package io.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.Chunking;
import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.Emitter;
import io.sluice.End;
import io.sluice.EndNode;
import io.sluice.Flow;
import io.sluice.KeyValueStore;
import io.sluice.Node;
import io.sluice.NodeContext;
import io.sluice.NodeFailedException;
import io.sluice.NotDefinedException;
import io.sluice.Partitioning;
import io.sluice.Port;
import io.sluice.Routed;
import io.sluice.Sinks;
import io.sluice.SluiceException;
import io.sluice.Sources;
import io.sluice.Stage;
import io.sluice.StoreView;
import io.sluice.SystemType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GraphTestDriverTest {

    record Payment(String account, long cents) {}

    /** Sums per account in a store; rejects negative amounts on a typed side output. */
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

    /** A typed graph: a keyed parallel node with a store and a side port, a route, a merge, parallel end nodes. */
    record PaymentsGraph(
            ComputationalGraph graph,
            Stage<Payment> payments,
            Stage<Payment> refused,
            End<String> out,
            End<Payment> rejected) {

        static PaymentsGraph of(Collection<Payment> input) {
            Flow flow = Flow.named("payments");
            Stage<Payment> payments = flow.read("payments", Sources.collection(input));
            Stage<Map.Entry<String, Long>> totals = payments.keyBy(Payment::account)
                    .then("totals", Totals::new)
                    .parallelism(3)
                    .stores("sums");
            Stage<Payment> refused = totals.port(Totals.REJECTED);
            End<Payment> rejected = refused.to("rejected", Sinks.collect());
            Routed<Map.Entry<String, Long>> size = totals.route(
                    "size", (Map.Entry<String, Long> e) -> e.getValue() >= 1_000 ? "large" : "small", "large", "small");
            Stage<String> large = size.branch("large")
                    .map("large-tag", (Map.Entry<String, Long> e) -> "L " + e.getKey() + "=" + e.getValue());
            Stage<String> small = size.branch("small")
                    .map("small-tag", (Map.Entry<String, Long> e) -> "S " + e.getKey() + "=" + e.getValue())
                    .parallelism(2);
            End<String> out = flow.merge("all", large, small)
                    .rebalance()
                    .to("out", Sinks.collect())
                    .parallelism(2);
            return new PaymentsGraph(flow.build(), payments, refused, out, rejected);
        }
    }

    private static List<Payment> payments(int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> new Payment("acct-" + (i % 11), i % 10 == 9 ? -i : i))
                .toList();
    }

    @Test
    void aWholeGraphGivesWhatTheLocalRuntimeGives() throws Exception {
        PaymentsGraph payments = PaymentsGraph.of(payments(500));

        try (GraphTestDriver driver = GraphTestDriver.of(payments.graph());
                Deployment local = payments.graph().deploySystem(SystemType.LOCAL)) {
            driver.runSources().complete();
            assertThat(local.awaitTermination(Duration.ofSeconds(30))).isEqualTo(DeploymentState.COMPLETED);

            assertThat(driver.results(payments.out()))
                    .hasSize(450)
                    .containsExactlyInAnyOrderElementsOf(local.results(payments.out()));
            assertThat(driver.results(payments.rejected()))
                    .hasSize(50)
                    .containsExactlyInAnyOrderElementsOf(local.results(payments.rejected()));
            // the same keys on the same instances: keyed edges pick instances as LOCAL does
            assertThat(driver.store("totals", "sums").entries(100).entries())
                    .hasSize(11)
                    .containsExactlyInAnyOrderElementsOf(
                            local.store("totals", "sums").entries(100).entries());
        }
    }

    @Test
    void theExampleInTheDocsWorksAsWritten() {
        Flow flow = Flow.named("payments");
        Stage<Payment> payments = flow.read("payments", Sources.collection(List.of()));
        Stage<Map.Entry<String, Long>> totals = payments.keyBy(Payment::account)
                .then("totals", Totals::new)
                .parallelism(3)
                .stores("sums");
        Stage<Payment> refused = totals.port(Totals.REJECTED);
        refused.to("rejected", Sinks.collect());
        End<Map.Entry<String, Long>> out = totals.to("out", Sinks.collect());

        try (GraphTestDriver driver = GraphTestDriver.of(flow.build())) {
            driver.send(payments, new Payment("a", 5), new Payment("b", -1));
            driver.advance(Duration.ofSeconds(1));
            driver.complete();
            assertThat(driver.results(out)).containsExactly(Map.entry("a", 5L));
            assertThat(driver.emitted(refused)).containsExactly(new Payment("b", -1));
            assertThat(driver.received("totals")).hasSize(2);
            assertThat(driver.store("totals", "sums").get("a")).contains(5L);
        }
    }

    @Test
    void twoRunsGiveTheSameOrder() {
        PaymentsGraph payments = PaymentsGraph.of(payments(300));

        List<List<Object>> first = run(payments);
        List<List<Object>> second = run(PaymentsGraph.of(payments(300)));

        assertThat(second).isEqualTo(first);
    }

    private static List<List<Object>> run(PaymentsGraph payments) {
        try (GraphTestDriver driver = GraphTestDriver.of(payments.graph())) {
            driver.runSources().complete();
            return List.of(
                    List.copyOf(driver.results(payments.out())),
                    driver.received("out"),
                    driver.received("totals"),
                    List.copyOf(driver.store("totals", "sums").entries(100).entries()));
        }
    }

    @Test
    void sentItemsEnterAsIfTheStartNodeEmittedThem() {
        PaymentsGraph payments = PaymentsGraph.of(List.of(new Payment("never", 1)));
        try (GraphTestDriver driver = GraphTestDriver.of(payments.graph())) {
            driver.send(payments.payments(), new Payment("a", 600), new Payment("b", -5), new Payment("a", 700));
            driver.send("payments", new Payment("b", 2));

            assertThat(driver.emitted(payments.payments())).hasSize(4);
            assertThat(driver.emitted(payments.refused())).containsExactly(new Payment("b", -5));
            assertThat(driver.results(payments.rejected())).containsExactly(new Payment("b", -5));
            assertThat(driver.received("size"))
                    .containsExactly(Map.entry("a", 600L), Map.entry("a", 1300L), Map.entry("b", 2L));
            assertThat(driver.emitted("size", "large")).containsExactly(Map.entry("a", 1300L));
            assertThat(driver.results(payments.out())).containsExactly("S a=600", "L a=1300", "S b=2");
            assertThat(driver.received("payments")).isEmpty();
            StoreView sums = driver.store("totals", "sums");
            assertThat(sums.<Long>get("a")).contains(1300L);
            assertThat(sums.get("never")).isEmpty(); // the start node was not pulled
            assertThat(sums.find("b"))
                    .hasValueSatisfying(e -> assertThat(e.value()).isEqualTo(2L));
        }
    }

    @Test
    void aChunkByTimeIsAdvancedWithVirtualTime() {
        Flow flow = Flow.named("chunks");
        Stage<String> events = flow.read("events", Sources.collection(List.<String>of()));
        End<List<String>> out =
                events.chunk("seconds", Chunking.byTime(Duration.ofSeconds(1))).to("out", Sinks.collect());

        try (GraphTestDriver driver = GraphTestDriver.of(flow.build())) {
            driver.send(events, "a", "b");
            driver.advance(Duration.ofMillis(999));
            assertThat(driver.results(out)).isEmpty();

            driver.advance(Duration.ofMillis(1));
            driver.send(events, "c");
            driver.advance(Duration.ofSeconds(3));
            driver.send(events, "d");
            driver.complete(); // flushes what the chunker holds

            assertThat(driver.results(out)).containsExactly(List.of("a", "b"), List.of("c"), List.of("d"));
        }
    }

    /** Keeps each item with the instance that took it. */
    static <T> Supplier<EndNode<T>> tagged() {
        return () -> new EndNode<>() {
            private NodeContext context;

            @Override
            public void open(NodeContext context) {
                this.context = context;
            }

            @Override
            public void process(T item) {
                context.keepResult(context.instance() + ":" + item);
            }
        };
    }

    private static List<Object> spread(int from, Partitioning partitioning, int to, String... items) {
        ComputationalGraph graph = ComputationalGraph.builder("spread")
                .start("in", Sources.collection(List.of()))
                .parallelism(from)
                .end("out", tagged())
                .parallelism(to)
                .edge("in -> out", partitioning)
                .build();
        try (GraphTestDriver driver = GraphTestDriver.of(graph)) {
            driver.send("in", (Object[]) items);
            return driver.results("out");
        }
    }

    @Test
    void partitioningPicksInstancesAsLocalDoes() {
        // sent items come from the start node's instances in turn: a from 0, b from 1, c from 0, d from 1
        assertThat(spread(2, Partitioning.forward(), 2, "a", "b", "c")).containsExactly("0:a", "1:b", "0:c");
        assertThat(spread(1, Partitioning.forward(), 3, "a", "b", "c", "d"))
                .containsExactly("0:a", "1:b", "2:c", "0:d");
        assertThat(spread(2, Partitioning.roundRobin(), 3, "a", "b", "c", "d"))
                .containsExactly("0:a", "1:b", "1:c", "2:d");
        assertThat(spread(1, Partitioning.broadcast(), 2, "a", "b")).containsExactly("0:a", "1:a", "0:b", "1:b");
        assertThat(spread(2, Partitioning.global(), 3, "a", "b")).containsExactly("0:a", "0:b");
        assertThat(spread(1, Partitioning.keyed((String s) -> s.charAt(0)), 4, "ab", "cd", "ax", "cy"))
                .containsExactly(
                        GraphTestDriver.instanceFor('a', 4) + ":ab",
                        GraphTestDriver.instanceFor('c', 4) + ":cd",
                        GraphTestDriver.instanceFor('a', 4) + ":ax",
                        GraphTestDriver.instanceFor('c', 4) + ":cy");
    }

    @Test
    void boundedSourcesRunToTheirEnd() {
        ComputationalGraph graph = ComputationalGraph.builder("sources")
                .start("numbers", Sources.collection(List.of(1, 2, 3, 4, 5)))
                .parallelism(2)
                .start("letters", Sources.collection(List.of("x", "y")))
                .end("out", Sinks.collect())
                .edge("numbers -> out")
                .edge("letters -> out")
                .build();

        try (GraphTestDriver driver = GraphTestDriver.of(graph)) {
            driver.runSources().runSources();

            assertThat(driver.results("out")).containsExactlyInAnyOrder(1, 2, 3, 4, 5, "x", "y");
            assertThat(driver.emitted("numbers")).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
        }
    }

    @Test
    void unknownNamesAreRefusedAsCoreRefusesThem() {
        PaymentsGraph payments = PaymentsGraph.of(List.of());
        try (GraphTestDriver driver = GraphTestDriver.of(payments.graph())) {
            assertThatThrownBy(() -> driver.send("payment", new Payment("a", 1)))
                    .isInstanceOf(NotDefinedException.class)
                    .hasMessage("Node 'payment' is not defined in graph 'payments'; defined nodes: [payments, totals,"
                            + " rejected, size, large-tag, small-tag, all, out]; did you mean 'payments'?");
            assertThatThrownBy(() -> driver.send("totals", new Payment("a", 1)))
                    .isInstanceOf(SluiceException.class)
                    .hasMessage("Node 'totals' is a processing node; items are sent into start nodes: [payments]");
            assertThatThrownBy(() -> driver.results("totals"))
                    .hasMessage("Node 'totals' is a processing node; results are kept by end nodes: [rejected, out]");
            assertThatThrownBy(() -> driver.received("nope")).isInstanceOf(NotDefinedException.class);
            assertThatThrownBy(() -> driver.emitted("totals", "refused"))
                    .isInstanceOf(NotDefinedException.class)
                    .hasMessage("Node 'totals' has no port 'refused'; its ports: [default, rejected]");
            assertThatThrownBy(() -> driver.emitted("out"))
                    .hasMessage("Node 'out' has no port 'default'; it is an end node, which emits nothing; read what"
                            + " it kept with results(\"out\")");
            assertThatThrownBy(() -> driver.store("totals", "sum"))
                    .isInstanceOf(NotDefinedException.class)
                    .hasMessage("Node 'totals' has no store 'sum'; its stores: [sums]; did you mean 'sums'?");
        }
    }

    @Test
    void aNodesFailureNamesTheNodeAndTheItemAndEndsTheRun() {
        Flow flow = Flow.named("failing");
        Stage<Integer> numbers = flow.read("numbers", Sources.collection(List.<Integer>of()));
        End<Integer> out = numbers.map("half", (Integer n) -> n)
                .keyBy(n -> n)
                .then("check", (Integer n, Emitter<Integer> emitter) -> {
                    if (n < 0) {
                        throw new IllegalArgumentException("negative: " + n);
                    }
                    emitter.emit(n);
                })
                .parallelism(2)
                .to("out", Sinks.collect());
        try (GraphTestDriver driver = GraphTestDriver.of(flow.build())) {
            int instance = GraphTestDriver.instanceFor(-3, 2);

            assertThatThrownBy(() -> driver.send(numbers, 1, -3, 4))
                    .isInstanceOfSatisfying(NodeFailedException.class, f -> {
                        assertThat(f.nodeId()).isEqualTo("check");
                        assertThat(f.item()).contains("-3");
                    })
                    .hasMessage("Node 'check' (instance " + instance + " of 2) failed on item -3:"
                            + " IllegalArgumentException: negative: -3")
                    .cause()
                    .isExactlyInstanceOf(IllegalArgumentException.class);
            assertThat(driver.results(out)).containsExactly(1);
            assertThatThrownBy(() -> driver.send(numbers, 5))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("Graph 'failing': send(…) after the run failed; a failed run cannot go on — make a"
                            + " new driver. The failure: Node 'check' (instance " + instance + " of 2) failed on"
                            + " item -3: IllegalArgumentException: negative: -3");
        }
    }

    @Test
    void aFailureANodeSwallowsStillEndsTheRun() {
        ComputationalGraph graph = ComputationalGraph.builder("swallowed")
                .start("in", Sources.collection(List.of()))
                .node("careless", (Object item, Emitter<Object> emitter) -> {
                    try {
                        emitter.emit(item);
                    } catch (RuntimeException ignored) {
                        // what a node should not do; the run fails all the same
                    }
                })
                .node("strict", (Object item, Emitter<Object> emitter) -> {
                    throw new IllegalStateException("refused " + item);
                })
                .end("out", Sinks.collect())
                .edge("in -> careless -> strict -> out")
                .build();
        try (GraphTestDriver driver = GraphTestDriver.of(graph)) {
            assertThatThrownBy(() -> driver.send("in", "x", "y"))
                    .isInstanceOf(NodeFailedException.class)
                    .hasMessage("Node 'strict' failed on item x: IllegalStateException: refused x");
            assertThat(driver.received("strict")).containsExactly("x"); // the run ended at the failure
        }
    }

    @Test
    void aNullKeyFailsTheNodeThatEmittedIt() {
        ComputationalGraph graph = ComputationalGraph.builder("keys")
                .start("in", Sources.collection(List.of()))
                .map("name", (String s) -> s)
                .end("out", Sinks.collect())
                .parallelism(2)
                .edge("in -> name")
                .edge("name -> out", Partitioning.keyed((String s) -> s.isEmpty() ? null : s))
                .build();
        try (GraphTestDriver driver = GraphTestDriver.of(graph)) {
            assertThatThrownBy(() -> driver.send("in", ""))
                    .isInstanceOf(NodeFailedException.class)
                    .hasMessage("Node 'name' failed on item : SluiceException: the key function of keyed edge 'name'"
                            + " -> 'out' returned null; every item needs a key");
        }
    }

    @Test
    void theLifecycleIsKeptOpenFailuresAndCloseFailuresAreNamed() {
        List<String> calls = new ArrayList<>();
        Supplier<Node<Object, Object>> refusing = () -> new Node<>() {
            @Override
            public void open(NodeContext context) {
                calls.add("open " + context.nodeId() + " " + context.instance());
                throw new IllegalStateException("no connection");
            }

            @Override
            public void process(Object item, Emitter<Object> emitter) {}

            @Override
            public void close() {
                calls.add("close");
                throw new IllegalStateException("still no connection");
            }
        };
        ComputationalGraph graph = ComputationalGraph.builder("lifecycle")
                .start("in", Sources.collection(List.of()))
                .node("db", refusing)
                .end("out", Sinks.collect())
                .edge("in -> db -> out")
                .build();
        GraphTestDriver driver = GraphTestDriver.of(graph);

        assertThatThrownBy(driver::complete)
                .isInstanceOf(NodeFailedException.class)
                .hasMessage("Node 'db' failed to open: IllegalStateException: no connection");
        assertThatThrownBy(driver::close)
                .isInstanceOf(NodeFailedException.class)
                .hasMessage("Node 'db' failed to close: IllegalStateException: still no connection");
        driver.close();
        assertThat(calls).containsExactly("open db 0", "close");
        assertThatThrownBy(() -> driver.send("in", 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Graph 'lifecycle': send(…) after close(); the driver is closed");

        try (GraphTestDriver completed =
                GraphTestDriver.of(PaymentsGraph.of(List.of()).graph())) {
            completed.complete();
            assertThatThrownBy(() -> completed.advance(Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("Graph 'payments': advance(…) after complete(); the input has ended — make a new"
                            + " driver to start again");
        }
    }
}
