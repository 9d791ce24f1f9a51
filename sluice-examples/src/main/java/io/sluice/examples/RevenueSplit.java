package io.sluice.examples;

import io.sluice.ComputationalGraph;
import io.sluice.Emitter;
import io.sluice.EndNode;
import io.sluice.Node;
import io.sluice.NodeContext;
import io.sluice.Sources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The revenue split of the consecution notes. Payments come in and are tagged with the total revenue so far; until the
 * operating budget is covered they are routed to the budget, after that to profit distribution, where one node takes
 * your share and the next gives your partner the rest. A broadcast feeds the ledger to the company aggregator, to the
 * total revenue aggregator, and to a route that gives each owner their own aggregator. All amounts are in cents, so
 * every total balances to the cent.
 *
 * <pre>
 * payments ─► tag ─► split ─budget─► budget ─────────────┐
 *                          └profit─► yourShare ─► partnerShare ─► ledger ─► fanout ─► company
 *                                                                               ├──► revenue
 *                                                                               └──► owners ─you────► yourTotal
 *                                                                                          ├partner─► partnerTotal
 *                                                                                          └budget──► budgetTotal
 * </pre>
 */
public final class RevenueSplit {

    /** A payment received. */
    public record Payment(long id, long cents) {}

    /** A payment with the revenue received before it. */
    public record Tagged(Payment payment, long revenueBefore) {}

    /** A profit still to be shared: what remains after the shares taken so far. */
    public record Profit(Payment payment, long remaining) {}

    /** Money credited to an account: {@code budget}, {@code you} or {@code partner}. */
    public record Entry(String account, long paymentId, long cents) {}

    /** What an aggregator saw: the total and the number of entries, by account. */
    public record Totals(String aggregator, Map<String, Long> cents, long entries) {
        public long total() {
            return cents.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private RevenueSplit() {}

    /**
     * @param budgetCents revenue that goes to the operating budget before any profit is shared
     * @param yourPercent your share of the profit; your partner gets the rest
     */
    public static ComputationalGraph graph(List<Payment> payments, long budgetCents, int yourPercent) {
        if (yourPercent < 0 || yourPercent > 100) {
            throw new IllegalArgumentException("yourPercent must be from 0 to 100, found " + yourPercent);
        }
        return ComputationalGraph.builder("revenue")
                .start("payments", Sources.collection(payments))
                .node("tag", TagWithRevenue::new)
                .route("split", (Tagged t) -> t.revenueBefore() < budgetCents ? "budget" : "profit", "budget", "profit")
                .map(
                        "budget",
                        (Tagged t) -> new Entry(
                                "budget", t.payment().id(), t.payment().cents()))
                .node("yourShare", (Tagged t, Emitter<Object> out) -> {
                    long yours = t.payment().cents() * yourPercent / 100;
                    out.emit(new Entry("you", t.payment().id(), yours));
                    out.emit(new Profit(t.payment(), t.payment().cents() - yours));
                })
                .node("partnerShare", (Object item, Emitter<Object> out) -> {
                    if (item instanceof Profit p) {
                        out.emit(new Entry("partner", p.payment().id(), p.remaining()));
                    } else {
                        out.emit(item);
                    }
                })
                .merge("ledger")
                .broadcast("fanout")
                .end("company", () -> new Aggregate("company"))
                .end("revenue", () -> new Aggregate("revenue"))
                .route("owners", (Entry e) -> e.account(), "you", "partner", "budget")
                .end("yourTotal", () -> new Aggregate("yourTotal"))
                .end("partnerTotal", () -> new Aggregate("partnerTotal"))
                .end("budgetTotal", () -> new Aggregate("budgetTotal"))
                .edge("payments -> tag -> split")
                .edge("split.budget -> budget -> ledger")
                .edge("split.profit -> yourShare -> partnerShare -> ledger")
                .edge("ledger -> fanout -> company")
                .edge("fanout -> revenue")
                .edge("fanout -> owners")
                .edge("owners.you -> yourTotal")
                .edge("owners.partner -> partnerTotal")
                .edge("owners.budget -> budgetTotal")
                .build();
    }

    /** Reproducible payments of 1 cent to 500 dollars. */
    public static List<Payment> payments(int count, long seed) {
        Random random = new Random(seed);
        List<Payment> payments = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            payments.add(new Payment(i, 1 + random.nextInt(50_000)));
        }
        return payments;
    }

    /** Tags each payment with the revenue before it; one instance sees every payment in order. */
    static final class TagWithRevenue implements Node<Payment, Tagged> {
        private long revenue;

        @Override
        public void process(Payment payment, Emitter<Tagged> emitter) {
            emitter.emit(new Tagged(payment, revenue));
            revenue += payment.cents();
        }
    }

    /** Sums entries by account and keeps the totals as its result when the input ends. */
    static final class Aggregate implements EndNode<Entry> {
        private final String name;
        private final Map<String, Long> cents = new TreeMap<>();
        private long entries;
        private NodeContext context;

        Aggregate(String name) {
            this.name = name;
        }

        @Override
        public void open(NodeContext context) {
            this.context = context;
        }

        @Override
        public void process(Entry entry) {
            cents.merge(entry.account(), entry.cents(), Long::sum);
            entries++;
        }

        @Override
        public void onComplete() {
            context.keepResult(new Totals(name, Map.copyOf(cents), entries));
        }
    }

    /** Formats cents as dollars. */
    public static String dollars(long cents) {
        return String.format(java.util.Locale.ROOT, "$%,d.%02d", cents / 100, cents % 100);
    }

    /** The totals every aggregator of a completed deployment kept, by aggregator. */
    public static Map<String, Totals> totals(io.sluice.Deployment deployment) {
        Map<String, Totals> totals = new TreeMap<>();
        for (String node : List.of("company", "revenue", "yourTotal", "partnerTotal", "budgetTotal")) {
            List<Totals> kept = deployment.results(node);
            kept.forEach(t -> totals.put(t.aggregator(), t));
        }
        return totals;
    }
}
