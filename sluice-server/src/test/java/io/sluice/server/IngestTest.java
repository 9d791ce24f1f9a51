package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.Inbox;
import io.sluice.LocalOptions;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code POST /api/nodes/{id}/items}: all of a request or nothing of it, one deadline, nothing after a stop. */
class IngestTest {

    /** An order, as clients post it. */
    public record Order(String id, long cents) {}

    private static final String TOKEN = "ingest-token-0123456789";

    /** Lets the graph's node go on: one permit per item. */
    private final Semaphore gate = new Semaphore(1_000_000_000);

    private Deployment deployment;
    private SluiceServer server;

    /** orders → hold (waits for the gate) → ledger; batches and queues of one, so a held node fills the inbox. */
    private void start(int inboxCapacity, Duration ingestTimeout) {
        ComputationalGraph graph = ComputationalGraph.builder("shop")
                .start("orders", Sources.inbox(Inbox.of(Order.class, inboxCapacity)))
                .map("hold", (Order o) -> {
                    gate.acquireUninterruptibly();
                    return o;
                })
                .end("ledger", Sinks.collect())
                .edge("orders -> hold -> ledger")
                .build();
        deployment = graph.deploy(
                SystemType.LOCAL, LocalOptions.defaults().withBatchSize(1).withQueueCapacity(1));
        server = SluiceServer.start(
                deployment, ServerOptions.port(0).withToken(TOKEN).withIngestTimeout(ingestTimeout));
    }

    @AfterEach
    void stop() {
        gate.release(1_000_000);
        server.close();
        deployment.close();
    }

    private RawHttp.Answer post(String path, String body) throws Exception {
        return RawHttp.send(server.port(), "POST", path, TOKEN, body);
    }

    private List<String> ledger() {
        return deployment.<Order>results("ledger").stream().map(Order::id).toList();
    }

    private static String orders(int from, int to) {
        return IntStream.range(from, to)
                .mapToObj(i -> "{\"id\":\"o" + i + "\",\"cents\":" + i + "}")
                .collect(Collectors.joining(",", "[", "]"));
    }

    @Test
    void aNullItemIsA400NamingItsIndexAndNothingOfTheRequestIsTaken() throws Exception {
        start(100, Duration.ofSeconds(1));

        RawHttp.Answer nulled =
                post("/api/nodes/orders/items", "[{\"id\":\"a\",\"cents\":1},null,{\"id\":\"b\",\"cents\":2}]");
        RawHttp.Answer wrong =
                post("/api/nodes/orders/items", "[{\"id\":\"a\",\"cents\":1},{\"id\":\"b\",\"cents\":\"many\"}]");
        RawHttp.Answer good = post("/api/nodes/orders/items", "{\"id\":\"c\",\"cents\":3}");

        assertThat(nulled.status()).isEqualTo(400);
        assertThat(nulled.json().get("error").asText())
                .isEqualTo("item 1 is null; every item must be a Order — nothing was accepted");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.json().get("error").asText()).startsWith("item 1 is not a Order: ");
        assertThat(good.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> ledger().contains("c"));
        assertThat(ledger()).as("neither a nor b entered the graph").containsExactly("c");
    }

    @Test
    void aCharsetThatIsNotUtf8IsA415AndTrailingContentA400() throws Exception {
        start(100, Duration.ofSeconds(1));
        byte[] body = "{\"id\":\"a\",\"cents\":1}".getBytes(StandardCharsets.UTF_8);

        for (String charset : List.of("x-unknown", "", "utf-16", "\"latin1\"")) {
            RawHttp.Answer answer = RawHttp.exchange(
                    server.port(),
                    RawHttp.request(
                            "POST",
                            "/api/nodes/orders/items",
                            List.of(
                                    "Host: 127.0.0.1:" + server.port(),
                                    "Authorization: Bearer " + TOKEN,
                                    "Content-Type: application/json; charset=" + charset,
                                    "Content-Length: " + body.length),
                            body),
                    false,
                    10_000);
            assertThat(answer.status()).as(charset).isEqualTo(415);
            assertThat(answer.json().get("error").asText())
                    .as(charset)
                    .startsWith("the body must be JSON in UTF-8, found charset '");
        }
        RawHttp.Answer two = post("/api/nodes/orders/items", "{\"id\":\"a\",\"cents\":1}{\"id\":\"b\",\"cents\":2}");
        assertThat(two.status()).isEqualTo(400);
        assertThat(two.json().get("error").asText()).startsWith("the body is not JSON: Trailing token");
        assertThat(deployment.status().node("orders").itemsOut()).isZero();
    }

    @Test
    void aBodyOverTheLimitIsA413InJson() throws Exception {
        start(100, Duration.ofSeconds(1));

        RawHttp.Answer large = post("/api/nodes/orders/items", orders(0, 60_000));

        assertThat(large.status()).isEqualTo(413);
        assertThat(large.json().get("error").asText())
                .startsWith("the body is too large: at most 1048576 bytes, found ")
                .endsWith("; send the items in smaller requests");
    }

    @Test
    void oneDeadlinePerRequestAndA503SaysHowManyWereTaken() throws Exception {
        gate.drainPermits(); // the node holds: room frees only as the gate lets items through
        start(5, Duration.ofMillis(300));

        long sent = System.nanoTime();
        RawHttp.Answer behind = post("/api/nodes/orders/items", orders(0, 100));
        long tookMillis = (System.nanoTime() - sent) / 1_000_000;

        assertThat(behind.status()).isEqualTo(503);
        assertThat(tookMillis).as("one deadline of 300 ms, not 300 ms per item").isLessThan(3_000);
        assertThat(behind.header("Retry-After")).isEqualTo("1");
        int accepted = behind.json().get("accepted").asInt();
        assertThat(accepted).isBetween(0, 99);
        assertThat(behind.json().get("error").asText())
                .isEqualTo("Node 'orders' is behind: its inbox stayed full for 300 ms; accepted " + accepted
                        + " of the items, from the first; send the rest again later");

        gate.release(1_000_000);
        RawHttp.Answer rest = post("/api/nodes/orders/items", orders(accepted, 100));
        assertThat(rest.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> ledger().size() >= 100);
        List<String> expected = new ArrayList<>();
        IntStream.range(0, 100).forEach(i -> expected.add("o" + i));
        assertThat(ledger()).as("each item once, in order").isEqualTo(expected);
    }

    @Test
    void afterAnEndNothingIsAccepted() throws Exception {
        start(100, Duration.ofSeconds(1));
        assertThat(post("/api/nodes/orders/end", null).status()).isEqualTo(202);

        RawHttp.Answer ended = post("/api/nodes/orders/items", "{\"id\":\"a\",\"cents\":1}");

        assertThat(ended.status()).isEqualTo(409);
        assertThat(ended.json().get("error").asText())
                .isEqualTo("Node 'orders' takes no more items: its inbox was ended (POST /api/nodes/orders/end);"
                        + " nothing was accepted");
        assertThat(ended.json().get("accepted").asInt()).isZero();
        assertThat(ended.json().get("state").asText()).isEqualTo("ENDED");
    }

    @Test
    void afterAStopNothingIsAcceptedAndTheStateIsSaid() throws Exception {
        start(100, Duration.ofSeconds(1));
        assertThat(post("/api/stop", null).status()).isEqualTo(202);

        RawHttp.Answer stopped = post("/api/nodes/orders/items", "{\"id\":\"b\",\"cents\":2}");

        assertThat(stopped.status()).isEqualTo(409);
        assertThat(stopped.json().get("error").asText())
                .isEqualTo("Node 'orders' takes no more items: the deployment is being stopped; nothing was accepted");
        assertThat(stopped.json().get("state").asText()).isEqualTo("CANCELLED");
        assertThat(deployment.awaitTermination(Duration.ofSeconds(10))).isEqualTo(DeploymentState.CANCELLED);
        assertThat(ledger()).isEmpty();
    }

    @Test
    void aDeploymentStoppedFromJavaTakesNothingEither() throws Exception {
        start(100, Duration.ofSeconds(1));
        deployment.close();

        RawHttp.Answer answer = post("/api/nodes/orders/items", "{\"id\":\"a\",\"cents\":1}");

        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.json().get("state").asText()).isEqualTo("CANCELLED");
        assertThat(answer.json().get("error").asText())
                .isEqualTo("Node 'orders' takes no more items: the deployment is CANCELLED; nothing was accepted");
    }
}
