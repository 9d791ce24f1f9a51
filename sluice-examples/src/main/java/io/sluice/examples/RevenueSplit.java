package io.sluice.examples;

import io.sluice.ComputationalGraph;
import io.sluice.Emitter;
import io.sluice.EndNode;
import io.sluice.Flow;
import io.sluice.Node;
import io.sluice.NodeContext;
import io.sluice.Ordering;
import io.sluice.Port;
import io.sluice.Routed;
import io.sluice.Sources;
import io.sluice.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The revenue split of the consecution notes. Payments come in and are tagged with the total revenue so far; until the
 * operating budget is covered they are routed to the budget, after that to profit distribution, where one node takes
 * your share and passes the rest on a side output, where the next gives your partner the rest. The ledger feeds the
 * company aggregator, the total revenue aggregator, and a route that gives each owner their own aggregator. All
 * amounts are in cents, so every total balances to the cent.
 *
 * <pre>
 * payments ─► tag ─► split ─budget─► budget ──────────────────────┐
 *                          └profit─► yourShare ───────────────────┤
 *                                        └rest─► partnerShare ────┴─► ledger ─┬─► company
 *                                                                             ├─► revenue
 *                                                                             └─► owners ─you─────► yourTotal
 *                                                                                        ├partner─► partnerTotal
 *                                                                                        └budget──► budgetTotal
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
        Flow flow = Flow.named("revenue");
        Routed<Tagged> split = flow.read("payments", Sources.collection(payments))
                .then("tag", TagWithRevenue::new)
                .requireOrder(Ordering.TOTAL)
                .route("split", t -> t.revenueBefore() < budgetCents ? "budget" : "profit", "budget", "profit");
        Stage<Entry> budget = split.branch("budget")
                .map(
                        "budget",
                        t -> new Entry("budget", t.payment().id(), t.payment().cents()));
        Stage<Entry> yours = split.branch("profit").then("yourShare", new TakeYourShare(yourPercent));
        Stage<Entry> partner = yours.port(TakeYourShare.REST)
                .map("partnerShare", p -> new Entry("partner", p.payment().id(), p.remaining()));
        Stage<Entry> ledger = flow.merge("ledger", budget, yours, partner);
        ledger.to("company", () -> new Aggregate("company"));
        ledger.to("revenue", () -> new Aggregate("revenue"));
        Routed<Entry> owners = ledger.route("owners", Entry::account, "you", "partner", "budget");
        owners.branch("you").to("yourTotal", () -> new Aggregate("yourTotal"));
        owners.branch("partner").to("partnerTotal", () -> new Aggregate("partnerTotal"));
        owners.branch("budget").to("budgetTotal", () -> new Aggregate("budgetTotal"));
        return flow.build();
    }

    /** Takes your share of a profit as an entry, and passes what remains on its side output {@link #REST}. */
    static final class TakeYourShare implements Node<Tagged, Entry> {
        static final Port<Profit> REST = Port.of("rest");
        private final int yourPercent;

        TakeYourShare(int yourPercent) {
            this.yourPercent = yourPercent;
        }

        @Override
        public void process(Tagged t, Emitter<Entry> emitter) {
            long yours = t.payment().cents() * yourPercent / 100;
            emitter.emit(new Entry("you", t.payment().id(), yours));
            emitter.emit(REST, new Profit(t.payment(), t.payment().cents() - yours));
        }
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
            context.keepResult(new Totals(name, new TreeMap<>(cents), entries));
        }
    }

    // ---- the same nodes as classes, for examples/revenue.yaml (configured through a Map) ----

    /** A payment marked with the branch it goes to: {@code budget} until the budget is covered, then {@code profit}. */
    public record Budgeted(String branch, Payment payment) {}

    /** Reproducible payments ({@code count}, {@code seed}), as {@link #payments} makes them. */
    public static final class PaymentSource implements io.sluice.StartNode<Payment> {
        private final java.util.Iterator<Payment> payments;

        public PaymentSource(Map<String, Object> config) {
            this.payments = payments(
                            ((Number) config.get("count")).intValue(), ((Number) config.get("seed")).longValue())
                    .iterator();
        }

        @Override
        public boolean pull(Emitter<Payment> emitter) {
            for (int i = 0; i < 512 && payments.hasNext(); i++) {
                emitter.emit(payments.next());
            }
            return payments.hasNext();
        }
    }

    /** Marks each payment with its branch, from the revenue before it and {@code budgetCents}. */
    public static final class MarkBranch implements Node<Payment, Budgeted> {
        private final long budget;
        private long revenue;

        public MarkBranch(Map<String, Object> config) {
            this.budget = ((Number) config.get("budgetCents")).longValue();
        }

        @Override
        public void process(Payment payment, Emitter<Budgeted> emitter) {
            emitter.emit(new Budgeted(revenue < budget ? "budget" : "profit", payment));
            revenue += payment.cents();
        }
    }

    /** A budget payment as a ledger entry. */
    public static final class ToBudget implements Node<Budgeted, Entry> {
        @Override
        public void process(Budgeted b, Emitter<Entry> emitter) {
            emitter.emit(new Entry("budget", b.payment().id(), b.payment().cents()));
        }
    }

    /** Takes your share ({@code yourPercent}) of a profit and passes the rest on. */
    public static final class YourShare implements Node<Budgeted, Object> {
        private final int percent;

        public YourShare(Map<String, Object> config) {
            this.percent = ((Number) config.get("yourPercent")).intValue();
        }

        @Override
        public void process(Budgeted b, Emitter<Object> emitter) {
            long yours = b.payment().cents() * percent / 100;
            emitter.emit(new Entry("you", b.payment().id(), yours));
            emitter.emit(new Profit(b.payment(), b.payment().cents() - yours));
        }
    }

    /** Gives your partner what remains of a profit; passes other entries on. */
    public static final class PartnerShare implements Node<Object, Object> {
        @Override
        public void process(Object item, Emitter<Object> emitter) {
            emitter.emit(
                    item instanceof Profit p ? new Entry("partner", p.payment().id(), p.remaining()) : item);
        }
    }

    /** {@link Aggregate} by name ({@code name}), for YAML. */
    public static final class Aggregator implements EndNode<Entry> {
        private final Aggregate aggregate;

        public Aggregator(Map<String, Object> config) {
            this.aggregate = new Aggregate(String.valueOf(config.get("name")));
        }

        @Override
        public void open(NodeContext context) {
            aggregate.open(context);
        }

        @Override
        public void process(Entry entry) {
            aggregate.process(entry);
        }

        @Override
        public void onComplete() {
            aggregate.onComplete();
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
