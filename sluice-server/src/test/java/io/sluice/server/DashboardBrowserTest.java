package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.Emitter;
import io.sluice.KeyValueStore;
import io.sluice.LocalOptions;
import io.sluice.Node;
import io.sluice.NodeContext;
import io.sluice.Partitioning;
import io.sluice.Robustness;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.OnExisting;
import io.sluice.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real headless browser (Debian's Chromium, driven over the DevTools protocol), used as a person
 * uses it: opened with the token in its address as the server prints it, it draws the graph and its charts; the
 * person clicks a node and reads its panel; screenshots of what they saw are kept in {@code sluice-server/target/}:
 * {@code dashboard.png}, {@code dashboard-panel.png} (the panel scrolled to its end), {@code dashboard-kafka.png} and
 * {@code dashboard-50-nodes.png}. Chromium is
 * required: {@link DevTools#chromium()} installs Debian's package where it may (root with apt-get), as .ci/run does.
 */
@Tag("browser")
class DashboardBrowserTest {

    private static final String TOKEN = "browser-test-token-0123456789";
    private static final Duration DRAWN = Duration.ofSeconds(60);
    private static final Path TARGET = Path.of(System.getProperty("user.dir"), "target");

    @TempDir
    Path profile;

    /** Counts numbers by their last digits in a store, and fails on multiples of 97: state and failures to show. */
    static final class Count implements Node<Long, Long> {
        private KeyValueStore<Long, Long> counts;

        @Override
        public void open(NodeContext context) {
            counts = context.store("counts");
        }

        @Override
        public void process(Long n, Emitter<Long> out) {
            if (n % 97 == 0) {
                throw new IllegalStateException("no multiples of 97: " + n);
            }
            counts.put(n % 20, counts.getOrDefault(n % 20, 0L) + 1);
            out.emit(n);
        }
    }

    /**
     * numbers → parse → count (keyed, a store, failures) → slow (2 instances, 2 ms an item) → out, and parse → audit →
     * archive: the source runs as fast as the slow node lets it, so items wait in front of the slow node.
     */
    private static ComputationalGraph shop() {
        return ComputationalGraph.builder("numbers")
                .start("numbers", Sources.generator(n -> n))
                .map("parse", (Long n) -> n)
                .node("count", Count::new)
                .stores("counts")
                .map("slow", (Long n) -> {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // the node's work, not a wait in the test
                    return n;
                })
                .parallelism(2)
                .end("out", Sinks.collect())
                .filter("audit", (Long n) -> n % 2 == 0)
                .end("archive", Sinks.discard())
                .edge("numbers -> parse")
                .edge("parse -> count", Partitioning.keyed((Long n) -> n % 20))
                .edge("count -> slow -> out")
                .edge("parse -> audit -> archive")
                .robustness(Robustness.track())
                .build();
    }

    private static long number(Object value) {
        return value == null ? -1 : ((Number) value).longValue();
    }

    private static String text(DevTools browser, String selector) {
        Object text = browser.evaluate("(document.querySelector(" + quote(selector) + ") || {}).textContent || ''");
        return (String) text;
    }

    private static String quote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** The fewest samples any of the charts {@code selector} finds has drawn (0 if one has drawn none). */
    private static long fewestPoints(DevTools browser, String selector) {
        return number(browser.evaluate("Math.min(...[...document.querySelectorAll(" + quote(selector) + ")]"
                + ".map(c => +(c.getAttribute('data-points') || 0)))"));
    }

    @Test
    void aPersonSeesTheChartsClicksANodeAndReadsItsPanel() throws Exception {
        // Bound beyond loopback, every API call needs the token: the page must take it from #token= and send it.
        ServerOptions options =
                ServerOptions.port(0).withHost("0.0.0.0").withToken(TOKEN).withHistory(Duration.ofMillis(500), 600);
        try (Deployment deployment =
                        shop().deploy(SystemType.LOCAL, LocalOptions.defaults().withKeptResults(10_000));
                SluiceServer server = SluiceServer.start(deployment, options);
                DevTools browser = DevTools.launch(profile, 1440, 900)) {
            browser.open(server.dashboardUri().toString());

            assertThat((String) browser.evaluate("location.href"))
                    .as("the token leaves the address bar")
                    .doesNotContain("token");
            await("every node's chart and the header's charts draw a few samples")
                    .atMost(DRAWN)
                    .until(() -> fewestPoints(browser, ".spark, #totals-chart, #tracking-chart") >= 3);
            assertThat(number(browser.evaluate("document.querySelectorAll('.node').length")))
                    .isEqualTo(7);
            assertThat(number(browser.evaluate("document.querySelectorAll('.spark canvas').length")))
                    .as("the charts are uPlot's canvases")
                    .isEqualTo(7);
            assertThat(text(browser, ".node[data-node='count']")).contains("items/s", "in ", "out ", "errors ");
            assertThat(text(browser, "#items"))
                    .matches("TRACK: [\\d,]+ of [\\d,]+ items completely processed, [\\d,]+ pending, [\\d,]+ failed");
            long before =
                    number(browser.evaluate("+document.querySelector('.node[data-node=\"out\"]').dataset.itemsIn"));
            await("the figures move")
                    .atMost(DRAWN)
                    .until(() -> number(browser.evaluate(
                                    "+document.querySelector('.node[data-node=\"out\"]').dataset.itemsIn"))
                            > before);
            await("the edge into the slow node shows the items waiting for it")
                    .atMost(DRAWN)
                    .until(
                            () -> (String) browser.evaluate(
                                    "document.querySelector('.edge[data-to=\"slow\"]').getAttribute('class')"),
                            c -> c.matches("edge (busy|behind|stalled)"));

            browser.click(".node[data-node='out']");
            await("the end node's panel shows its recent results")
                    .atMost(DRAWN)
                    .until(() -> text(browser, "#results-title").startsWith("Recent results ("));
            assertThat(text(browser, "#detail-title")).isEqualTo("Node out");
            assertThat(text(browser, "#results")).isNotBlank();

            browser.click(".node[data-node='count']");
            await("the node's panel draws its charts")
                    .atMost(DRAWN)
                    .until(() -> text(browser, "#detail-title").equals("Node count")
                            && fewestPoints(browser, "#chart-items, #chart-errors, #chart-queue") >= 3);
            assertThat(text(browser, "#figures")).contains("state", "RUNNING", "items in", "errors", "queue depth");
            assertThat(text(browser, "#config"))
                    .contains("kindprocessing", "parallelism1", "robustnessTRACK")
                    .contains("parse → count (keyed)", "count → slow (forward)");
            await("its store, with its size")
                    .atMost(DRAWN)
                    .until(() -> text(browser, "#stores"), s -> s.matches("countsmemory · [\\d,]+ entries"));
            await("its recent failures")
                    .atMost(DRAWN)
                    .until(
                            () -> text(browser, "#failures"),
                            s -> s.contains("IllegalStateException: no multiples of 97"));

            await("ten seconds of history, for a screenshot worth looking at")
                    .atMost(DRAWN)
                    .until(() -> fewestPoints(browser, "#chart-items") >= 20);
            browser.screenshot(TARGET.resolve("dashboard.png"));
            browser.evaluate("document.getElementById('panel').scrollTop = 1e6");
            browser.screenshot(TARGET.resolve("dashboard-panel.png"));
            assertThat(browser.pageErrors())
                    .as("the page's scripts ran without errors")
                    .isEmpty();

            browser.evaluate("sessionStorage.clear()");
            browser.open(server.uri() + "/");
            await("without the token the page says what to open")
                    .atMost(DRAWN)
                    .until(
                            () -> text(browser, "#problem"),
                            p -> p.contains(
                                    "This server needs its API token: open the address it printed when it started"));
            assertThat(number(browser.evaluate("document.querySelectorAll('.node').length")))
                    .isZero();
        }
    }

    @Test
    void onKafkaThePageShowsConsumerLagAndTheWorkersReporting() throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("dashboard-kafka")
                .start("ticks", Sources.interval(Duration.ofMillis(10), Duration.ZERO))
                .map("double", (Long t) -> t * 2)
                .parallelism(2)
                .end("out", Sinks.discard())
                .edge("ticks -> double -> out")
                .build();
        KafkaOptions kafka = KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withOnExisting(OnExisting.FRESH)
                .withDeleteTopicsOnClose(true);
        try (Deployment deployment = graph.deploy(SystemType.KAFKA, kafka);
                SluiceServer server = SluiceServer.start(
                        deployment, ServerOptions.port(0).withToken(TOKEN).withHistory(Duration.ofMillis(500), 600));
                DevTools browser = DevTools.launch(profile, 1440, 900)) {
            browser.open(server.dashboardUri().toString());
            await("every node's chart draws a few samples")
                    .atMost(DRAWN)
                    .until(() -> fewestPoints(browser, ".spark, #totals-chart") >= 3);
            await("the header counts the workers' instances")
                    .atMost(DRAWN)
                    .until(() -> text(browser, "#workers-summary"), t -> t.equals("4 of 4 instances reporting"));
            assertThat(text(browser, ".node[data-node='double']")).contains("lag ");

            browser.click(".node[data-node='double']");
            await("the panel charts the node's consumer lag")
                    .atMost(DRAWN)
                    .until(() -> fewestPoints(browser, "#chart-items, #chart-errors, #chart-queue") >= 3);
            assertThat(text(browser, "#queue-title")).isEqualTo("Consumer lag (records)");
            assertThat(text(browser, "#figures")).contains("consumer lag", "instances2 of 2");
            browser.screenshot(TARGET.resolve("dashboard-kafka.png"));
            assertThat(browser.pageErrors())
                    .as("the page's scripts ran without errors")
                    .isEmpty();
        }
    }

    /** Five sources, each through a chain of eight nodes, merged and split again: 50 nodes. */
    private static ComputationalGraph fifty() {
        ComputationalGraph.Builder builder = ComputationalGraph.builder("fifty");
        for (int s = 0; s < 5; s++) {
            builder.start("source-" + s, Sources.interval(Duration.ofMillis(20), Duration.ZERO));
            String previous = "source-" + s;
            for (int step = 0; step < 8; step++) {
                String id = "step-" + s + "-" + step;
                builder.map(id, (Long n) -> n + 1);
                builder.edge(previous + " -> " + id);
                previous = id;
            }
            builder.edge(previous + " -> merge");
        }
        builder.merge("merge")
                .filter("even", (Long n) -> n % 2 == 0)
                .end("kept", Sinks.discard())
                .end("all", Sinks.discard())
                .end("audit", Sinks.discard())
                .edge("merge -> even -> kept")
                .edge("merge -> all")
                .edge("merge -> audit", Partitioning.broadcast());
        return builder.build();
    }

    @Test
    void aGraphOfFiftyNodesStaysReadable() throws Exception {
        ComputationalGraph graph = fifty();
        assertThat(graph.nodes()).hasSize(50);
        try (Deployment deployment = graph.deploySystem(SystemType.LOCAL);
                SluiceServer server = SluiceServer.start(
                        deployment, ServerOptions.port(0).withToken(TOKEN).withHistory(Duration.ofMillis(500), 600));
                DevTools browser = DevTools.launch(profile, 1440, 900)) {
            browser.open(server.dashboardUri().toString());
            await("every node's chart draws a few samples")
                    .atMost(DRAWN)
                    .until(() -> fewestPoints(browser, ".spark") >= 3);

            assertThat(number(browser.evaluate("document.querySelectorAll('.node').length")))
                    .isEqualTo(50);
            assertThat(
                            browser.evaluate(
                                    "(() => { const r = [...document.querySelectorAll('.node')]"
                                            + ".map(e => e.getBoundingClientRect()); return r.some((a, i) => r.some((b, j) => i < j"
                                            + " && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)); })()"))
                    .as("no node hides another")
                    .isEqualTo(false);
            double zoom = Double.parseDouble((String) browser.evaluate("document.body.dataset.zoom"));
            assertThat(zoom).as("opened at a size that stays readable").isGreaterThanOrEqualTo(0.6);
            @SuppressWarnings("unchecked")
            Map<String, Number> viewport = (Map<String, Number>) browser.evaluate("(() => { const v ="
                    + " document.getElementById('viewport'); return {scroll: v.scrollWidth, client: v.clientWidth};"
                    + " })()");
            assertThat(viewport.get("scroll").intValue())
                    .as("what does not fit is reached by scrolling")
                    .isGreaterThan(viewport.get("client").intValue());

            browser.evaluate("(() => { const f = document.getElementById('find'); f.value = 'step-4-7';"
                    + " f.dispatchEvent(new Event('change')); })()");
            await("finding a node opens its panel").atMost(DRAWN).until(() -> text(browser, "#detail-title")
                    .equals("Node step-4-7"));
            assertThat(browser.evaluate("(() => { const r = document.querySelector('.node[data-node=\"step-4-7\"]')"
                            + ".getBoundingClientRect(), v = document.getElementById('viewport')"
                            + ".getBoundingClientRect(); return r.left >= v.left && r.right <= v.right && r.top >="
                            + " v.top && r.bottom <= v.bottom; })()"))
                    .as("and scrolls it into view")
                    .isEqualTo(true);
            browser.screenshot(TARGET.resolve("dashboard-50-nodes.png"));

            browser.click("#zoom-fit");
            assertThat(
                            browser.evaluate(
                                    "(() => { const v = document.getElementById('viewport');"
                                            + " return v.scrollWidth <= v.clientWidth + 1 && v.scrollHeight <= v.clientHeight + 1; })()"))
                    .as("Fit shows the whole graph")
                    .isEqualTo(true);
            assertThat(browser.pageErrors())
                    .as("the page's scripts ran without errors")
                    .isEmpty();
        }
    }
}
