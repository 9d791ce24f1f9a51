package io.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.Chunking;
import io.sluice.Emitter;
import io.sluice.EndNode;
import io.sluice.KeyValueStore;
import io.sluice.Node;
import io.sluice.NodeContext;
import io.sluice.Nodes;
import io.sluice.Port;
import io.sluice.Sinks;
import io.sluice.ValueState;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeTestDriverTest {

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

    @Test
    void aNodeWithAStoreAndASidePortIsTestedInAFewLines() {
        try (NodeTestDriver<Payment, Map.Entry<String, Long>> totals =
                NodeTestDriver.of(Totals::new).stores("sums")) {
            totals.process(new Payment("a", 5), new Payment("b", 1), new Payment("a", -1), new Payment("a", 7));

            assertThat(totals.emitted()).containsExactly(Map.entry("a", 5L), Map.entry("b", 1L), Map.entry("a", 12L));
            assertThat(totals.emitted(Totals.REJECTED)).containsExactly(new Payment("a", -1));
            assertThat(totals.emitted("rejected")).containsExactly(new Payment("a", -1));
            assertThat(totals.<String, Long>store("sums").get("a")).isEqualTo(12L);
            assertThat(totals.store("sums").size()).isEqualTo(2);
        }
    }

    @Test
    void theExampleInTheDocsWorksAsWritten() {
        try (NodeTestDriver<Payment, Map.Entry<String, Long>> totals =
                NodeTestDriver.of(Totals::new).stores("sums")) {
            totals.process(new Payment("a", 5), new Payment("a", 7), new Payment("a", -1));
            assertThat(totals.emitted()).containsExactly(Map.entry("a", 5L), Map.entry("a", 12L));
            assertThat(totals.emitted(Totals.REJECTED)).containsExactly(new Payment("a", -1));
            assertThat(totals.<String, Long>store("sums").get("a")).isEqualTo(12L);
        }
        try (NodeTestDriver<String, List<String>> chunks =
                NodeTestDriver.of(Nodes.chunk("seconds", Chunking.byTime(Duration.ofSeconds(1))))) {
            chunks.process("a", "b").advance(Duration.ofSeconds(1));
            assertThat(chunks.drain()).containsExactly(List.of("a", "b"));
        }
    }

    @Test
    void whatANodeEmittedAccumulatesUntilItIsDrainedOrCleared() {
        NodeTestDriver<Payment, Map.Entry<String, Long>> totals =
                NodeTestDriver.of(Totals::new).stores("sums");

        totals.process(new Payment("a", 1), new Payment("a", -1));
        totals.process(new Payment("a", 2));
        assertThat(totals.emitted()).containsExactly(Map.entry("a", 1L), Map.entry("a", 3L));
        assertThat(totals.drain()).containsExactly(Map.entry("a", 1L), Map.entry("a", 3L));
        assertThat(totals.emitted()).isEmpty();
        assertThat(totals.emitted(Totals.REJECTED)).hasSize(1); // drain() leaves the side outputs

        totals.process(new Payment("a", 4), new Payment("b", -2));
        totals.clear();
        assertThat(totals.emitted()).isEmpty();
        assertThat(totals.emitted(Totals.REJECTED)).isEmpty();
        assertThat(totals.emitted("never-used")).isEmpty();
        totals.close();
    }

    @Test
    void aTestFillsAStoreBeforeTheFirstItemAsARestartWouldFindIt() {
        try (NodeTestDriver<Payment, Map.Entry<String, Long>> totals =
                NodeTestDriver.of(Totals::new).stores("sums")) {
            totals.<String, Long>store("sums").put("a", 100L);

            totals.process(new Payment("a", 5));

            assertThat(totals.emitted()).containsExactly(Map.entry("a", 105L));
        }
    }

    /** Keeps the highest amount seen in a value state. */
    static final class HighWater implements Node<Long, Long> {
        private ValueState<Long> highest;

        @Override
        public void open(NodeContext context) {
            highest = context.valueState("highest");
        }

        @Override
        public void process(Long n, Emitter<Long> emitter) {
            if (n > highest.getOrDefault(Long.MIN_VALUE)) {
                highest.set(n);
                emitter.emit(n);
            }
        }
    }

    @Test
    void aValueStateIsReadLive() {
        try (NodeTestDriver<Long, Long> high = NodeTestDriver.of(HighWater::new).stores("highest")) {
            high.process(3L, 1L, 7L, 5L);

            assertThat(high.emitted()).containsExactly(3L, 7L);
            assertThat(high.<Long>valueState("highest").get()).isEqualTo(7L);
        }
    }

    @Test
    void aChunkByTimeIsAdvancedWithVirtualTime() {
        try (NodeTestDriver<String, List<String>> chunks =
                NodeTestDriver.of(Nodes.chunk("seconds", Chunking.byTime(Duration.ofSeconds(1))))) {
            chunks.process("a", "b");
            chunks.advance(Duration.ofMillis(999));
            assertThat(chunks.emitted()).isEmpty();

            chunks.advance(Duration.ofMillis(1));
            assertThat(chunks.drain()).containsExactly(List.of("a", "b"));

            chunks.process("c");
            chunks.advance(Duration.ofSeconds(5)); // five ticks; empty periods emit nothing
            chunks.process("d");
            chunks.complete();
            assertThat(chunks.emitted()).containsExactly(List.of("c"), List.of("d"));
        }
    }

    /** Counts its ticks, and asks for them at a period the test gives. */
    static final class Ticker implements Node<String, Integer> {
        private final Duration period;
        private int ticks;

        Ticker(Duration period) {
            this.period = period;
        }

        @Override
        public void open(NodeContext context) {
            context.tickEvery(period);
        }

        @Override
        public void process(String item, Emitter<Integer> emitter) {}

        @Override
        public void onTick(Emitter<Integer> emitter) {
            emitter.emit(++ticks);
        }
    }

    @Test
    void advanceTicksOncePerElapsedPeriod() {
        try (NodeTestDriver<String, Integer> ticker = NodeTestDriver.of(() -> new Ticker(Duration.ofSeconds(2)))) {
            ticker.advance(Duration.ofSeconds(5)); // ticks at 2 s and 4 s
            assertThat(ticker.emitted()).containsExactly(1, 2);

            ticker.advance(Duration.ofSeconds(1)); // 6 s
            assertThat(ticker.emitted()).containsExactly(1, 2, 3);

            ticker.advance(Duration.ZERO);
            assertThat(ticker.emitted()).hasSize(3);
            assertThatThrownBy(() -> ticker.advance(Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("advance: time only moves forward; found PT-1S");
        }
        assertThatThrownBy(
                        () -> NodeTestDriver.of(() -> new Ticker(Duration.ZERO)).open())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tickEvery on node 'node': period must be positive, found PT0S");
    }

    @Test
    void theContextSaysWhereTheNodeRuns() {
        List<String> seen = new ArrayList<>();
        Node<String, String> node = new Node<>() {
            @Override
            public void open(NodeContext context) {
                seen.add(context.graph() + "/" + context.nodeId() + "/" + context.instance() + "/"
                        + context.parallelism());
            }

            @Override
            public void process(String item, Emitter<String> emitter) {}
        };

        NodeTestDriver.of(() -> node)
                .graph("payments")
                .nodeId("tag")
                .instance(2, 3)
                .open();
        NodeTestDriver.of(() -> node).open();

        assertThat(seen).containsExactly("payments/tag/2/3", "test/node/0/1");
        assertThatThrownBy(() -> NodeTestDriver.of(() -> node).instance(3, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("instance(3, 3): expected a parallelism ≥ 1 and an instance from 0 to parallelism - 1");
    }

    static final class Picky implements Node<Integer, Integer> {
        @Override
        public void process(Integer n, Emitter<Integer> emitter) throws IOException {
            if (n < 0) {
                throw new IOException("cannot read " + n);
            }
            if (n == 0) {
                throw new IllegalArgumentException("zero");
            }
            emitter.emit(n);
        }
    }

    @Test
    void theNodesOwnExceptionLeavesUnchangedCheckedOrNot() {
        try (NodeTestDriver<Integer, Integer> picky = NodeTestDriver.of(Picky::new)) {
            assertThatThrownBy(() -> picky.process(1, 0, 2))
                    .isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessage("zero");
            assertThatThrownBy(() -> picky.process(-1))
                    .isExactlyInstanceOf(IOException.class)
                    .hasMessage("cannot read -1");
            assertThat(picky.emitted()).containsExactly(1);
        }
    }

    @Test
    void anUndeclaredStoreIsNamedWithTheStoresThereAre() {
        assertThatThrownBy(() -> NodeTestDriver.of(Totals::new).process(new Payment("a", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Node 'node' has no store 'sums'; it declares none; declare it on the node:"
                        + " .stores(\"sums\") on the builder, withStores(\"sums\") on a NodeSpec, or stores: [sums]"
                        + " in YAML");
        assertThatThrownBy(() -> NodeTestDriver.of(Totals::new).stores("sums").store("sum"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Node 'node' has no store 'sum'; its stores: [sums];");
    }

    @Test
    void aRouteSpecEmitsOnlyOnItsBranches() {
        try (NodeTestDriver<Integer, Object> parity =
                NodeTestDriver.of(Nodes.route("parity", (Integer n) -> n % 2 == 0 ? "even" : "odd", "even", "odd"))) {
            parity.process(1, 2, 3);

            assertThat(parity.emitted("odd")).containsExactly(1, 3);
            assertThat(parity.emitted("even")).containsExactly(2);
            assertThat(parity.emitted()).isEmpty();
        }
        Node<Integer, Integer> stray = (n, out) -> out.emit("elsewhere", n);
        try (NodeTestDriver<Integer, Integer> declared =
                NodeTestDriver.of(io.sluice.NodeSpec.node("stray", () -> stray).withPorts("side"))) {
            assertThatThrownBy(() -> declared.process(1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("node 'stray' has no port 'elsewhere'; its ports: [default, side]; declare side"
                            + " outputs on the node and give each an edge");
        }
    }

    /** Buffers lines and writes them out on complete; records its lifecycle. */
    static final class Buffered implements EndNode<String> {
        static final List<String> CALLS = new ArrayList<>();
        private final List<String> buffer = new ArrayList<>();
        private NodeContext context;

        @Override
        public void open(NodeContext context) {
            this.context = context;
            CALLS.add("open");
        }

        @Override
        public void process(String line) {
            buffer.add(line);
        }

        @Override
        public void onComplete() {
            buffer.forEach(context::keepResult);
            CALLS.add("complete");
        }

        @Override
        public void close() {
            CALLS.add("close");
        }
    }

    @Test
    void anEndNodeKeepsResultsAndFlushesOnComplete() {
        Buffered.CALLS.clear();
        NodeTestDriver<String, Void> buffered = NodeTestDriver.ofEnd(Buffered::new);

        buffered.process("x", "y");
        assertThat(buffered.results()).isEmpty();
        buffered.complete();
        buffered.close();
        buffered.close();

        assertThat(buffered.results()).containsExactly("x", "y");
        assertThat(buffered.emitted()).isEmpty();
        assertThat(Buffered.CALLS).containsExactly("open", "complete", "close");
        try (NodeTestDriver<Integer, Void> collect = NodeTestDriver.ofEnd(Sinks.<Integer>collect())) {
            assertThat(collect.process(1, 2).results()).containsExactly(1, 2);
        }
    }

    @Test
    void theLifecycleIsKeptAndMisuseIsNamed() {
        List<String> calls = new ArrayList<>();
        Node<String, String> failingOpen = new Node<>() {
            @Override
            public void open(NodeContext context) {
                calls.add("open");
                throw new IllegalStateException("no connection");
            }

            @Override
            public void process(String item, Emitter<String> emitter) {}

            @Override
            public void close() {
                calls.add("close");
            }
        };
        NodeTestDriver<String, String> driver = NodeTestDriver.of(() -> failingOpen);
        assertThatThrownBy(driver::open).hasMessage("no connection");
        driver.close();
        assertThat(calls).containsExactly("open", "close");
        assertThatThrownBy(() -> driver.process("a"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Node 'node': process(…) after close(); the driver is closed");

        NodeTestDriver<String, List<String>> chunks = NodeTestDriver.of(Nodes.chunk("batches", Chunking.byCount(2)));
        chunks.process("a").complete();
        assertThat(chunks.emitted()).containsExactly(List.of("a"));
        assertThatThrownBy(() -> chunks.process("b"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Node 'batches': process(…) after complete(); the input has ended — make a new driver to"
                        + " start again");
        assertThatThrownBy(() -> chunks.stores("late"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Node 'batches': stores(…) sets up the context, and the node is open already; call it"
                        + " first, right after NodeTestDriver.of(…)");
        chunks.close();
    }
}
