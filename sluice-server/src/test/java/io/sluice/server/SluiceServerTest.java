package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.Inbox;
import io.sluice.Partitioning;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP API against a real server on port 0, serving a real LOCAL deployment. */
class SluiceServerTest {

    /** An order, as clients post it. */
    public record Order(String id, long cents) {}

    static final String TOKEN = "test-token-0123456789abcdef";

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private Inbox<Order> orders;
    private Deployment deployment;
    private SluiceServer server;

    @BeforeEach
    void start() {
        orders = Inbox.of(Order.class, 100);
        ComputationalGraph graph = ComputationalGraph.builder("shop")
                .start("orders", Sources.inbox(orders))
                .filter("paid", (Order o) -> o.cents() > 0)
                .parallelism(2)
                .end("ledger", Sinks.collect())
                .edge("orders -> paid", Partitioning.keyed((Order o) -> o.id()))
                .edge("paid -> ledger", Partitioning.global())
                .build();
        deployment = graph.deploySystem(SystemType.LOCAL);
        server = SluiceServer.start(deployment, ServerOptions.port(0).withToken(TOKEN));
    }

    @AfterEach
    void stop() {
        server.close();
        deployment.close();
    }

    private record Reply(int status, JsonNode body, String text) {}

    private Reply get(String path) throws Exception {
        return get(server, path);
    }

    private Reply get(SluiceServer target, String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(target.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        return reply(response);
    }

    private Reply post(String path, String body) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(server.uri().resolve(path))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return reply(response);
    }

    private Reply reply(HttpResponse<String> response) {
        JsonNode body;
        try {
            body = json.readTree(response.body());
        } catch (Exception e) {
            body = null;
        }
        return new Reply(response.statusCode(), body, response.body());
    }

    @Test
    void openApiDescriptionListsEveryRoute() throws Exception {
        String openApi = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "openapi.yaml"));
        for (String route : List.of(
                "/",
                "/dashboard.js",
                "/dashboard.css",
                "/vendor/uPlot.iife.min.js",
                "/vendor/uPlot.min.css",
                "/api/graph",
                "/api/nodes",
                "/api/nodes/{id}",
                "/api/history",
                "/api/nodes/{id}/results",
                "/api/nodes/{id}/results/stream",
                "/api/nodes/{id}/state/{store}",
                "/api/nodes/{id}/items",
                "/api/nodes/{id}/end",
                "/api/nodes/{id}/parallelism",
                "/api/stop",
                "/metrics",
                "/health/live",
                "/health/ready")) {
            assertThat(openApi).as("docs/openapi.yaml describes " + route).contains("\n  " + route + ":\n");
        }
        assertThat(get("/").text()).contains("<title>Sluice dashboard</title>");
    }

    @Test
    void statusCarriesItemTrackingAndRecentFailuresUnderTrack() throws Exception {
        assertThat(get("/api/nodes").body().get("tracking").isNull())
                .as("no tracking under NONE")
                .isTrue();

        ComputationalGraph graph = ComputationalGraph.builder("tracked")
                .start("numbers", Sources.collection(java.util.List.of(1, 2, 3, 4)))
                .map("check", (Integer i) -> {
                    if (i == 3) {
                        throw new IllegalStateException("three");
                    }
                    return i;
                })
                .end("out", Sinks.collect())
                .edge("numbers -> check -> out")
                .robustness(io.sluice.Robustness.track())
                .build();
        try (Deployment tracked = graph.deploySystem(SystemType.LOCAL);
                SluiceServer trackedServer = SluiceServer.start(tracked, ServerOptions.port(0))) {
            assertThat(tracked.awaitCompletion(java.time.Duration.ofSeconds(30)))
                    .isTrue();
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(trackedServer.uri().resolve("/api/nodes"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode tracking = json.readTree(response.body()).get("tracking");
            assertThat(tracking.get("level").asText()).isEqualTo("TRACK");
            assertThat(tracking.get("introduced").asLong()).isEqualTo(4);
            assertThat(tracking.get("completed").asLong()).isEqualTo(3);
            assertThat(tracking.get("failed").asLong()).isEqualTo(1);
            assertThat(tracking.get("allProcessed").asBoolean()).isFalse();
            JsonNode failure = tracking.get("recentFailures").get(0);
            assertThat(failure.get("node").asText()).isEqualTo("check");
            assertThat(failure.get("item").asText()).isEqualTo("3");
            assertThat(failure.get("error").asText()).isEqualTo("IllegalStateException: three");
            assertThat(failure.get("attempt").asInt()).isEqualTo(1);
        }
    }

    @Test
    void historyServesTheSamplesTakenSoFarAndThoseAfterAGivenOne() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> server.history().next() >= 2);

        Reply all = get("/api/history");
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.body().get("deployment").asText()).isEqualTo(deployment.id());
        assertThat(all.body().get("interval").asLong()).isEqualTo(1000);
        assertThat(all.body().get("capacity").asInt()).isEqualTo(600);
        assertThat(all.body().get("first").asLong()).isZero();
        long next = all.body().get("next").asLong();
        assertThat(all.body().get("times")).hasSize((int) next);
        List<String> nodes = new ArrayList<>();
        all.body().get("nodes").fieldNames().forEachRemaining(nodes::add);
        assertThat(nodes).containsExactly("orders", "paid", "ledger");
        JsonNode paid = all.body().get("nodes").get("paid");
        assertThat(paid.get("itemsInPerSecond").get(0).isNull())
                .as("the first sample has no rate: nothing before it")
                .isTrue();
        assertThat(paid.get("queueDepth")).hasSize((int) next);
        assertThat(all.body().get("tracking").isNull()).as("none under NONE").isTrue();

        Reply after = get("/api/history?from=" + next);
        assertThat(after.body().get("first").asLong()).isEqualTo(next);
        assertThat(after.body().get("times").size())
                .isEqualTo(after.body().get("next").asLong() - next);
    }

    @Test
    void graphDescribesNodesEdgesAndSystem() throws Exception {
        Reply graph = get("/api/graph");

        assertThat(graph.status()).isEqualTo(200);
        assertThat(graph.body().get("name").asText()).isEqualTo("shop");
        assertThat(graph.body().get("system").asText()).isEqualTo("LOCAL");
        assertThat(graph.body().get("nodes")).hasSize(3);
        assertThat(graph.body().get("nodes").get(1).get("parallelism").asInt()).isEqualTo(2);
        assertThat(graph.body().get("nodes").get(1).get("robustness").asText()).isEqualTo("NONE");
        assertThat(graph.body().get("nodes").get(1).get("stores")).isEmpty();
        assertThat(graph.body().get("edges").get(0).get("partitioning").asText())
                .isEqualTo("keyed");
    }

    @Test
    void postedItemsFlowThroughAndShowInStatusAndResults() throws Exception {
        Reply posted = post(
                "/api/nodes/orders/items",
                "[{\"id\":\"a\",\"cents\":500},{\"id\":\"b\",\"cents\":0}," + "{\"id\":\"c\",\"cents\":250}]");
        Reply single = post("/api/nodes/orders/items", "{\"id\":\"d\",\"cents\":100}");

        assertThat(posted.status()).isEqualTo(202);
        assertThat(posted.body().get("accepted").asInt()).isEqualTo(3);
        assertThat(single.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> get("/api/nodes/ledger").body().get("itemsIn").asInt() == 3);
        Reply paid = get("/api/nodes/paid");
        assertThat(paid.body().get("itemsIn").asInt()).isEqualTo(4);
        assertThat(paid.body().get("itemsOut").asInt()).isEqualTo(3);
        assertThat(paid.body().get("state").asText()).isEqualTo("RUNNING");
        assertThat(paid.body().get("lastActivity").asText()).isNotEmpty();

        Reply results = get("/api/nodes/ledger/results?limit=2");
        assertThat(results.body().get("total").asInt()).isEqualTo(3);
        assertThat(results.body().get("items")).hasSize(2);

        assertThat(post("/api/nodes/orders/end", "").status()).isEqualTo(202);
        assertThat(deployment.awaitCompletion(Duration.ofSeconds(10))).isTrue();
        assertThat(get("/api/nodes").body().get("state").asText()).isEqualTo("COMPLETED");
    }

    @Test
    void mistakesAreFourHundredsThatSayWhatIsWrong() throws Exception {
        Reply unknown = get("/api/nodes/nope");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("error").asText())
                .isEqualTo("Node 'nope' is not defined; defined nodes: [orders, paid, ledger]");

        Reply notAnEnd = get("/api/nodes/paid/results");
        assertThat(notAnEnd.status()).isEqualTo(400);
        assertThat(notAnEnd.body().get("error").asText())
                .isEqualTo("Node 'paid' is a processing node; results are kept by end nodes: [ledger]");

        Reply badLimit = get("/api/nodes/ledger/results?limit=lots");
        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(badLimit.body().get("error").asText())
                .isEqualTo("limit must be a whole number from 1 to 10000, found 'lots'");

        Reply badJson = post("/api/nodes/orders/items", "{\"id\": ");
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.body().get("error").asText()).startsWith("the body is not JSON: ");

        Reply wrongShape = post("/api/nodes/orders/items", "[{\"id\":\"a\",\"cents\":\"many\"}]");
        assertThat(wrongShape.status()).isEqualTo(400);
        assertThat(wrongShape.body().get("error").asText()).startsWith("item 0 is not a Order: ");

        Reply notInbox = post("/api/nodes/paid/items", "{}");
        assertThat(notInbox.status()).isEqualTo(400);
        assertThat(notInbox.body().get("error").asText())
                .isEqualTo("Node 'paid' does not take items over HTTP; only a start node made with"
                        + " Sources.inbox(inbox) does");

        Reply local = post("/api/nodes/paid/parallelism", "{\"parallelism\": 3}");
        assertThat(local.status()).isEqualTo(400);
        assertThat(local.body().get("error").asText())
                .isEqualTo("Node 'paid': deployment '" + deployment.id() + "' runs on LOCAL, which cannot rescale a"
                        + " running node; rescaling is built on KAFKA with worker processes (Workers.processes); to run"
                        + " it with another parallelism here, deploy the graph again");
        Reply noCount = post("/api/nodes/paid/parallelism", "{\"parallelism\": \"many\"}");
        assertThat(noCount.status()).isEqualTo(400);
        assertThat(noCount.body().get("error").asText())
                .isEqualTo("Node 'paid': the body must be {\"parallelism\": N} with N a whole number, found"
                        + " {\"parallelism\":\"many\"}");
        Reply unknownNode = post("/api/nodes/piad/parallelism", "{\"parallelism\": 3}");
        assertThat(unknownNode.status()).isEqualTo(404);
        assertThat(unknownNode.body().get("error").asText()).endsWith("did you mean 'paid'?");

        Reply noRoute = get("/api/nothing");
        assertThat(noRoute.status()).isEqualTo(404);
        assertThat(noRoute.body().get("error").asText()).startsWith("No route GET /api/nothing");
    }

    /** Counts words in its store; the counts are read over HTTP. */
    static final class CountWords implements io.sluice.Node<String, String> {
        private io.sluice.KeyValueStore<String, Long> counts;
        private io.sluice.KeyValueStore<Long, String> lengths;

        @Override
        public void open(io.sluice.NodeContext context) {
            counts = context.store("counts");
            lengths = context.store("lengths");
        }

        @Override
        public void process(String word, io.sluice.Emitter<String> out) {
            counts.put(word, counts.getOrDefault(word, 0L) + 1);
            lengths.put((long) word.length(), word);
            out.emit(word);
        }
    }

    private Deployment countWords() throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("words")
                .start("words", Sources.collection(List.of("a", "bb", "a", "ccc", "a")))
                .node("count", CountWords::new)
                .stores("counts", "lengths")
                .end("out", Sinks.collect())
                .edge("words -> count -> out")
                .build();
        Deployment words = graph.deploySystem(SystemType.LOCAL);
        assertThat(words.awaitCompletion(Duration.ofSeconds(30))).isTrue();
        return words;
    }

    @Test
    void stateIsReadByKeyOrListedUpToALimit() throws Exception {
        try (Deployment words = countWords();
                SluiceServer wordsServer = SluiceServer.start(words, ServerOptions.port(0))) {

            Reply a = get(wordsServer, "/api/nodes/count/state/counts?key=a");
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.text())
                    .isEqualTo(
                            "{\"node\":\"count\",\"store\":\"counts\",\"key\":\"a\",\"value\":3," + "\"instance\":0}");
            Reply three = get(wordsServer, "/api/nodes/count/state/lengths?key=3");
            assertThat(three.body().get("key").isNumber())
                    .as("the text '3' found the Long key 3")
                    .isTrue();
            assertThat(three.body().get("value").asText()).isEqualTo("ccc");

            Reply all = get(wordsServer, "/api/nodes/count/state/counts");
            assertThat(all.body().get("total").asInt()).isEqualTo(3);
            assertThat(all.body().get("entries")).hasSize(3);
            Reply one = get(wordsServer, "/api/nodes/count/state/counts?limit=1");
            assertThat(one.body().get("total").asInt()).isEqualTo(3);
            assertThat(one.body().get("entries")).hasSize(1);
            assertThat(one.body().get("entries").get(0).fieldNames())
                    .toIterable()
                    .containsExactly("key", "value", "instance");
            assertThat(get(wordsServer, "/api/graph")
                            .body()
                            .get("nodes")
                            .get(1)
                            .get("stores")
                            .toString())
                    .as("the graph names each node's stores, for the dashboard to ask for their size")
                    .isEqualTo("[{\"name\":\"counts\",\"backend\":\"memory\"},"
                            + "{\"name\":\"lengths\",\"backend\":\"memory\"}]");
        }
    }

    @Test
    void stateMistakesSayWhatIsMissing() throws Exception {
        try (Deployment words = countWords();
                SluiceServer wordsServer = SluiceServer.start(words, ServerOptions.port(0))) {

            Reply node = get(wordsServer, "/api/nodes/cuont/state/counts");
            assertThat(node.status()).isEqualTo(404);
            assertThat(node.body().get("error").asText())
                    .isEqualTo("Node 'cuont' is not defined in graph 'words'; defined nodes: [words, count, out];"
                            + " did you mean 'count'?");
            Reply store = get(wordsServer, "/api/nodes/count/state/cuonts?key=a");
            assertThat(store.status()).isEqualTo(404);
            assertThat(store.body().get("error").asText())
                    .isEqualTo("Node 'count' has no store 'cuonts'; its stores: [counts, lengths]; did you mean"
                            + " 'counts'?");
            Reply key = get(wordsServer, "/api/nodes/count/state/counts?key=zzz");
            assertThat(key.status()).isEqualTo(404);
            assertThat(key.body().get("error").asText())
                    .isEqualTo("Store 'counts' of node 'count' has no key 'zzz'; a key is matched as text, then as"
                            + " a number or true/false, then by each key's text");
            Reply limit = get(wordsServer, "/api/nodes/count/state/counts?limit=0");
            assertThat(limit.status()).isEqualTo(400);
            assertThat(limit.body().get("error").asText())
                    .isEqualTo("limit must be a whole number from 1 to 10000, found '0'");
        }
    }

    @Test
    void metricsAndHealthAnswerForProbes() throws Exception {
        post("/api/nodes/orders/items", "{\"id\":\"a\",\"cents\":5}");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> get("/metrics").text().contains("sluice_node_items_in{node=\"ledger\"} 1.0"));

        Reply metrics = get("/metrics");
        assertThat(metrics.text())
                .contains(
                        "# HELP sluice_node_items_out",
                        "sluice_node_queue_depth{node=\"paid\"}",
                        "sluice_deployment_running{deployment=\"" + deployment.id() + "\"} 1.0");
        assertThat(get("/health/live").status()).isEqualTo(200);
        assertThat(get("/health/ready").status()).isEqualTo(200);
    }

    @Test
    void stopEndsTheDeploymentAndReadinessFails() throws Exception {
        assertThat(post("/api/stop", "").status()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(10)).until(() -> deployment.status().state() == DeploymentState.CANCELLED);
        Reply ready = get("/health/ready");
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.body().get("state").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void resultStreamSendsNewResultsAsTheyArrive() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        HttpResponse<java.io.InputStream> stream = http.send(
                HttpRequest.newBuilder(server.uri().resolve("/api/nodes/ledger/results/stream"))
                        .header("Accept", "text/event-stream") // as a browser's EventSource sends it
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader lines =
                    new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("data: ")) {
                        events.add(line.substring(6));
                    }
                }
            } catch (Exception e) {
                // the stream ends when the server closes
            }
        });
        post("/api/nodes/orders/items", "[{\"id\":\"x\",\"cents\":7},{\"id\":\"y\",\"cents\":8}]");

        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 2);
        List<Long> cents = new ArrayList<>();
        for (String event : events) {
            cents.add(json.readTree(event).get("cents").asLong());
        }
        assertThat(cents).containsExactlyInAnyOrder(7L, 8L);
        assertThat(stream.statusCode()).isEqualTo(200);
        reader.interrupt();
    }

    @Test
    void resultsArePagedFromAPositionAndOnlyTheLatestAreKept() throws Exception {
        Inbox<Long> numbers = Inbox.of(Long.class, 10_000);
        ComputationalGraph graph = ComputationalGraph.builder("paged")
                .start("in", Sources.inbox(numbers))
                .end("out", Sinks.collect())
                .edge("in -> out")
                .build();
        try (Deployment paged = graph.deploy(
                        SystemType.LOCAL, io.sluice.LocalOptions.defaults().withKeptResults(2_000));
                SluiceServer pagedServer = SluiceServer.start(paged, ServerOptions.port(0))) {
            for (long i = 0; i < 5_000; i++) {
                numbers.offer(i, Duration.ofSeconds(10));
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> paged.latestResults("out", 1).total() == 5_000);

            Reply latest = get(pagedServer, "/api/nodes/out/results?limit=3");
            assertThat(latest.text())
                    .isEqualTo(
                            "{\"node\":\"out\",\"total\":5000,\"first\":4997,\"next\":5000,\"items\":[4997,4998,4999]}");
            Reply page = get(pagedServer, "/api/nodes/out/results?from=4000&limit=2");
            assertThat(page.body().get("first").asLong()).isEqualTo(4000);
            assertThat(page.body().get("items").toString()).isEqualTo("[4000,4001]");
            Reply letGo = get(pagedServer, "/api/nodes/out/results?from=0&limit=2");
            assertThat(letGo.body().get("first").asLong())
                    .as("results before the kept ones were let go: the page starts at the oldest kept")
                    .isGreaterThan(0);
            assertThat(letGo.body().get("items").get(0).asLong())
                    .isEqualTo(letGo.body().get("first").asLong());
        }
    }

    @Test
    void aBadParameterIsA400NeverIgnored() throws Exception {
        RawHttp.Answer badEncoding =
                RawHttp.send(server.port(), "GET", "/api/nodes/ledger/results?limit=%ZZ", null, null);
        assertThat(badEncoding.status()).isEqualTo(400);
        assertThat(badEncoding.json().get("error").asText())
                .isEqualTo("the query string has a bad percent-encoding at '%ZZ'; a '%' must be followed by two hex"
                        + " digits (%25 for '%' itself)");
        Reply typo = get("/api/nodes/ledger/results?limt=5");
        assertThat(typo.body().get("error").asText())
                .isEqualTo("GET /api/nodes/{id}/results takes the parameters [from, limit]; found 'limt'");
        Reply twice = get("/api/nodes/ledger/results?limit=1&limit=2");
        assertThat(twice.body().get("error").asText()).isEqualTo("parameter 'limit' is given twice; give it once");
        Reply tooMany = get("/api/nodes/ledger/results?limit=10001");
        assertThat(tooMany.body().get("error").asText())
                .isEqualTo("limit must be a whole number from 1 to 10000, found '10001'");
        Reply negative = get("/api/history?from=-1");
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.body().get("error").asText()).isEqualTo("from must be a whole number ≥ 0, found '-1'");
        Reply wrongMethod = post("/api/graph", "{}");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.body().get("error").asText())
                .isEqualTo("Route /api/graph does not take POST; see docs/api.md for its method");
    }

    @Test
    void theServerReadsTheStatusOncePerRequestAndPerScrape() throws Exception {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        Deployment counted = new CountingDeployment(deployment, reads);
        try (SluiceServer countedServer = SluiceServer.start(counted, ServerOptions.port(0))) {
            // two scrapes in a row: each reads its own status, neither a cached one nor two
            for (String path : List.of("/api/nodes", "/api/nodes/paid", "/metrics", "/metrics", "/health/ready")) {
                reads.set(0);
                assertThat(get(countedServer, path).status()).isEqualTo(200);
                assertThat(reads.get()).as(path).isEqualTo(1);
            }
        }
    }

    /** A deployment that counts how often its status is read. */
    private record CountingDeployment(Deployment delegate, java.util.concurrent.atomic.AtomicInteger reads)
            implements Deployment {
        @Override
        public String id() {
            return delegate.id();
        }

        @Override
        public ComputationalGraph graph() {
            return delegate.graph();
        }

        @Override
        public SystemType system() {
            return delegate.system();
        }

        @Override
        public io.sluice.DeploymentStatus status() {
            if (!Thread.currentThread().getName().equals("sluice-server-history")) {
                reads.incrementAndGet(); // the history's sampler reads on its own timer: not a request's reading
            }
            return delegate.status();
        }

        @Override
        public <T> List<T> results(String endNodeId) {
            return delegate.results(endNodeId);
        }

        @Override
        public io.sluice.StoreView store(String nodeId, String store) {
            return delegate.store(nodeId, store);
        }

        @Override
        public DeploymentState awaitTermination(Duration timeout) throws InterruptedException {
            return delegate.awaitTermination(timeout);
        }

        @Override
        public java.util.Optional<io.sluice.NodeFailedException> failure() {
            return delegate.failure();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
