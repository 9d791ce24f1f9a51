package io.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.Deployment;
import io.sluice.LocalOptions;
import io.sluice.SystemType;
import io.sluice.examples.RevenueSplit.Payment;
import io.sluice.examples.RevenueSplit.Totals;
import io.sluice.testkit.GraphTestDriver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RevenueSplitTest {

    private static final long BUDGET = 1_000_000; // $10,000.00
    private static final int YOUR_PERCENT = 60;

    @Test
    void theGraphDrivenInTheTestsThreadGivesTheTotalsLocalGives() throws Exception {
        List<Payment> payments = RevenueSplit.payments(2_000, 11);
        Map<String, Totals> local;
        try (Deployment deployment =
                RevenueSplit.graph(payments, BUDGET, YOUR_PERCENT).deploySystem(SystemType.LOCAL)) {
            assertThat(deployment.awaitCompletion(Duration.ofSeconds(30))).isTrue();
            local = RevenueSplit.totals(deployment);
        }
        try (GraphTestDriver driver = GraphTestDriver.of(RevenueSplit.graph(payments, BUDGET, YOUR_PERCENT))) {
            driver.runSources().complete();
            Map<String, Totals> driven = new TreeMap<>();
            for (String node : List.of("company", "revenue", "yourTotal", "partnerTotal", "budgetTotal")) {
                driver.<Totals>results(node).forEach(t -> driven.put(t.aggregator(), t));
            }
            assertThat(driven).isEqualTo(local);
            assertThat(driver.received("tag"))
                    .as("the tag node saw every payment, in order")
                    .isEqualTo(payments);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = LocalOptions.Mode.class,
            names = {"SINGLE_THREAD", "MULTI_THREAD"})
    void totalsBalanceToTheCent(LocalOptions.Mode mode) throws Exception {
        List<Payment> payments = RevenueSplit.payments(5_000, 7);
        Map<String, Totals> totals;
        try (Deployment deployment = RevenueSplit.graph(payments, BUDGET, YOUR_PERCENT)
                .deploy(SystemType.LOCAL, LocalOptions.defaults().withMode(mode))) {
            assertThat(deployment.awaitCompletion(Duration.ofSeconds(30))).isTrue();
            totals = RevenueSplit.totals(deployment);
        }

        // The expected split, computed without the graph.
        long revenue = 0;
        long budget = 0;
        long yours = 0;
        long partner = 0;
        long profitPayments = 0;
        for (Payment p : payments) {
            if (revenue < BUDGET) {
                budget += p.cents();
            } else {
                long share = p.cents() * YOUR_PERCENT / 100;
                yours += share;
                partner += p.cents() - share;
                profitPayments++;
            }
            revenue += p.cents();
        }

        assertThat(totals.get("revenue").total()).isEqualTo(revenue);
        assertThat(totals.get("company").cents())
                .containsOnly(Map.entry("budget", budget), Map.entry("you", yours), Map.entry("partner", partner));
        assertThat(totals.get("company").entries()).isEqualTo(payments.size() + profitPayments);
        assertThat(totals.get("budgetTotal").total()).isEqualTo(budget);
        assertThat(totals.get("yourTotal").total()).isEqualTo(yours);
        assertThat(totals.get("partnerTotal").total()).isEqualTo(partner);
        assertThat(totals.get("budgetTotal").total()
                        + totals.get("yourTotal").total()
                        + totals.get("partnerTotal").total())
                .as("the owners' aggregators add up to the revenue")
                .isEqualTo(revenue);
        assertThat(budget).isGreaterThanOrEqualTo(BUDGET);
        assertThat(profitPayments).isPositive();
    }
}
