package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.Inbox;
import io.sluice.LocalOptions;
import io.sluice.Partitioning;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Hostile HTTP against a real server on a real LOCAL deployment with an inbox: {@value #REQUESTS} requests, eight at a
 * time, over every route — random methods and paths, Host, Origin, Authorization, Content-Type and charset, lying
 * Content-Length, chunks, bodies truncated, doubled, nested deep, with nulls, huge numbers, wrong types, too large, bad
 * percent-encoding — made from a seed ({@code -Dsluice.fuzz.seed=N} to replay one).
 *
 * <p>It holds when: nothing is a 5xx but the documented 503; every error is JSON {@code {"error": "…"}} with the
 * security headers; nothing stops or ends the deployment (every such request is hostile); the server is alive
 * afterwards with no stream left open; and the end node's results are exactly the items the server acknowledged (a
 * 202's items, and the {@code accepted} first items of a 503) — each once, nothing else.
 */
class HttpFuzzTest {

    static final int REQUESTS = 1_500;
    private static final String TOKEN = "fuzz-token-0123456789abcdef";

    /** An item as clients post it. */
    public record Item(String id, long n) {}

    /** The server's reading of a body, to know what a 202 took: strict JSON, Jackson's conversion. */
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final long seed = Long.getLong("sluice.fuzz.seed", 20_261_201L);
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Item, Integer> acknowledged = new ConcurrentHashMap<>();
    private final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<Integer, Integer> statuses = new java.util.concurrent.ConcurrentSkipListMap<>();
    private int port;

    /** One request: its bytes, what the server reads as its body, and whether it may go unanswered. */
    private record Attempt(String method, String target, byte[] bytes, byte[] bodyRead, boolean broken) {
        boolean ingest() {
            String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
            try {
                path = java.net.URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                // not decodable: not a route either
            }
            return method.equals("POST") && path.matches("/api/nodes/orders/items/?");
        }

        boolean stream() {
            return target.contains("/results/stream");
        }

        @Override
        public String toString() {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            return text.length() > 400 ? text.substring(0, 400) + "…(" + text.length() + " bytes)" : text;
        }
    }

    @Test
    void hostileRequestsNeverBreakTheServerNorLoseOrInventAnItem() throws Exception {
        Inbox<Item> inbox = Inbox.of(Item.class, 8);
        ComputationalGraph graph = ComputationalGraph.builder("fuzzed")
                .start("orders", Sources.inbox(inbox))
                .map("pass", (Item i) -> {
                    java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // slower than ingest: 503s happen
                    return i;
                })
                .parallelism(2)
                .end("out", Sinks.collect())
                .edge("orders -> pass", Partitioning.keyed((Item i) -> String.valueOf(i.id())))
                .edge("pass -> out", Partitioning.global())
                .build();
        ServerOptions options = ServerOptions.port(0)
                .withToken(TOKEN)
                .withIngestTimeout(Duration.ofMillis(50))
                .withMaxBodyBytes(64 * 1024)
                .withMaxStreams(4)
                .withIdleTimeout(Duration.ofSeconds(2));
        Random random = new Random(seed);
        // Small batches and queues: the inbox feels the slow node at once, so some requests are answered 503.
        LocalOptions local = LocalOptions.defaults().withBatchSize(4).withQueueCapacity(2);
        try (Deployment deployment = graph.deploy(SystemType.LOCAL, local);
                SluiceServer server = SluiceServer.start(deployment, options)) {
            port = server.port();
            List<Attempt> attempts = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                attempts.add(attempt(random));
            }
            long started = System.nanoTime();
            ExecutorService clients = Executors.newFixedThreadPool(8);
            List<Future<?>> done = new ArrayList<>();
            for (Attempt attempt : attempts) {
                done.add(clients.submit(() -> {
                    send(attempt);
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
            clients.shutdown();
            System.out.printf(
                    "HTTP fuzz (seed %d): %,d requests in %,d ms; %,d items acknowledged; answers by status (0: none)"
                            + " %s%n",
                    seed,
                    attempts.size(),
                    (System.nanoTime() - started) / 1_000_000,
                    acknowledged.values().stream().mapToInt(Integer::intValue).sum(),
                    statuses);

            assertThat(violations).as("seed " + seed).isEmpty();
            assertThat(RawHttp.send(port, "GET", "/health/live", null, null).status())
                    .as("alive")
                    .isEqualTo(200);
            assertThat(deployment.status().state()).as("no request stopped it").isEqualTo(DeploymentState.RUNNING);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.openStreams() == 0);

            assertThat(RawHttp.send(port, "POST", "/api/nodes/orders/end", TOKEN, null)
                            .status())
                    .isEqualTo(202);
            assertThat(deployment.awaitTermination(Duration.ofSeconds(30))).isEqualTo(DeploymentState.COMPLETED);
            Map<Item, Integer> delivered = new HashMap<>();
            for (Item item : deployment.<Item>results("out")) {
                delivered.merge(item, 1, Integer::sum);
            }
            assertThat(delivered)
                    .as("each acknowledged item exactly once, nothing else (seed " + seed + ")")
                    .isEqualTo(new HashMap<>(acknowledged));
        }
    }

    private void send(Attempt attempt) {
        RawHttp.Answer answer;
        try {
            answer = RawHttp.exchange(port, attempt.bytes(), attempt.stream(), 10_000);
        } catch (Exception e) {
            violations.add("no answer (" + e + ") to:\n" + attempt);
            return;
        }
        statuses.merge(answer.status(), 1, Integer::sum);
        if (answer.status() == 0) {
            if (!attempt.broken()) {
                violations.add("closed without an answer:\n" + attempt);
            }
            return;
        }
        String problem = check(attempt, answer);
        if (problem != null) {
            violations.add(problem + "\n  answer: " + answer + "\n  to:\n" + attempt);
        }
    }

    /** What is wrong with the answer, or null. */
    private String check(Attempt attempt, RawHttp.Answer answer) {
        int status = answer.status();
        if (status >= 500 && status != 503) {
            return "a " + status;
        }
        for (Map.Entry<String, String> header : Security.HEADERS.entrySet()) {
            if (!header.getValue().equals(answer.header(header.getKey()))) {
                return "no " + header.getKey() + " header";
            }
        }
        if (status >= 400 && !attempt.method().equals("HEAD")) {
            JsonNode body = answer.json();
            if (!String.valueOf(answer.header("Content-Type")).startsWith("application/json")
                    || body == null
                    || !body.path("error").isTextual()
                    || body.path("error").asText().isBlank()) {
                return "an error that is not {\"error\": \"…\"}";
            }
        }
        boolean control =
                attempt.target().startsWith("/api/stop") || attempt.target().contains("/end");
        if (control && status < 300) {
            return "a hostile stop or end was obeyed";
        }
        if (attempt.ingest() && (status == 202 || status == 503)) {
            List<Item> items = itemsIn(attempt.bodyRead());
            int accepted = answer.json().path("accepted").asInt(-1);
            if (items == null) {
                return "accepted a body that is not a valid item or array of items";
            }
            if (status == 202 && accepted != items.size() || accepted < 0 || accepted > items.size()) {
                return "accepted " + accepted + " of " + items.size() + " items";
            }
            for (Item item : items.subList(0, accepted)) {
                acknowledged.merge(item, 1, Integer::sum);
            }
        }
        return null;
    }

    private static List<Item> itemsIn(byte[] body) {
        try {
            JsonNode json = STRICT.readTree(body);
            if (json == null || json.isMissingNode()) {
                return null;
            }
            List<Item> items = new ArrayList<>();
            for (JsonNode element : json.isArray() ? json : List.of(json)) {
                Item item = element.isNull() ? null : STRICT.treeToValue(element, Item.class);
                if (item == null) {
                    return null;
                }
                items.add(item);
            }
            return items;
        } catch (Exception e) {
            return null;
        }
    }

    // ---- the requests ----

    private static <T> T pick(Random random, List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    private Attempt attempt(Random random) {
        boolean wellMeant = random.nextInt(4) == 0; // a quarter are valid ingest, so that much is acknowledged
        String method = wellMeant ? "POST" : method(random);
        String path = wellMeant ? "/api/nodes/orders/items" : path(random);
        String query = wellMeant || random.nextInt(2) == 0 ? "" : "?" + pick(random, QUERIES);
        String target = path + query;
        byte[] body = wellMeant
                ? validItems(random)
                : method.equals("POST") || random.nextInt(6) == 0 ? body(random) : new byte[0];

        List<String> headers = new ArrayList<>();
        headers.addAll(wellMeant ? List.of("Host: 127.0.0.1:" + port) : host(random));
        boolean control = path.equals("/api/stop") || path.endsWith("/end");
        int hostility = control ? random.nextInt(3) : -1; // a stop or end is always refused for one reason
        if (hostility == 0 || (!wellMeant && random.nextInt(4) == 0)) {
            headers.add("Origin: "
                    + (hostility == 0
                            ? pick(random, List.of("http://evil.example", "null", "http://localhost:1"))
                            : pick(random, ORIGINS).replace("PORT", Integer.toString(port))));
        }
        if (hostility == 1) {
            headers.add(pick(random, List.of("Authorization: Bearer wrong-token-0123456789", "X-Nothing: 1")));
        } else if (wellMeant || random.nextInt(10) < 6) {
            headers.add("Authorization: Bearer " + TOKEN);
        } else {
            headers.add(pick(random, AUTHORIZATIONS).replace("TOKEN", TOKEN));
        }
        if (hostility == 2) {
            headers.add("Content-Type: text/plain");
            if (body.length == 0) {
                body = "{}".getBytes(StandardCharsets.UTF_8);
            }
        } else if (body.length > 0 || random.nextInt(5) == 0) {
            headers.add(
                    wellMeant || random.nextInt(10) < 6
                            ? "Content-Type: application/json"
                            : pick(random, CONTENT_TYPES));
        }
        if (!wellMeant && random.nextInt(12) == 0) {
            headers.add(pick(random, ODD_HEADERS));
        }
        if (!wellMeant && random.nextInt(10) == 0 && target.contains("stream")) {
            headers.add("Last-Event-ID: " + pick(random, List.of("3", "-7", "x", "99999999999999999999")));
        }

        byte[] bodyRead = body;
        boolean broken = false;
        int framing = wellMeant ? 0 : random.nextInt(20);
        if (framing == 1) { // shorter than the body: the rest is garbage the server reads as a next request
            int declared = body.length / 2;
            headers.add("Content-Length: " + declared);
            bodyRead = Arrays.copyOf(body, declared);
        } else if (framing == 2) { // longer than the body: the server waits, then finds the end
            headers.add("Content-Length: " + (body.length + 10));
            bodyRead = null;
            broken = true;
        } else if (framing == 3) {
            headers.add("Content-Length: " + pick(random, List.of("-1", "abc", "99999999999999999999", "1, 2")));
            bodyRead = null;
            broken = true;
        } else if (framing == 4) {
            headers.add("Transfer-Encoding: chunked");
            body = chunked(body, random.nextInt(4) == 0);
            broken = true; // bad chunks may end the connection
        } else if (framing == 5) { // no length: no body, and the bytes are a next request
            bodyRead = new byte[0];
        } else {
            headers.add("Content-Length: " + body.length);
        }
        return new Attempt(method, target, RawHttp.request(method, target, headers, body), bodyRead, broken);
    }

    private static String method(Random random) {
        int roll = random.nextInt(20);
        if (roll < 8) {
            return "GET";
        }
        if (roll < 15) {
            return "POST";
        }
        return pick(random, List.of("PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO", "get", "PRI"));
    }

    private static String path(Random random) {
        String node =
                pick(random, List.of("orders", "pass", "out", "nope", "ORDERS", "or%64ers", "%20", "x".repeat(300)));
        return pick(
                random,
                List.of(
                        "/",
                        "/dashboard.js",
                        "/dashboard.css",
                        "/api/graph",
                        "/api/nodes",
                        "/api/history",
                        "/vendor/uPlot.iife.min.js",
                        "/api/nodes/" + node,
                        "/api/nodes/" + node + "/results",
                        "/api/nodes/" + node + "/results",
                        "/api/nodes/" + node + "/results/stream",
                        "/api/nodes/" + node + "/state/" + pick(random, List.of("counts", "nope", "%2e%2e")),
                        "/api/nodes/" + node + "/items",
                        "/api/nodes/orders/items",
                        "/api/nodes/orders/items",
                        "/api/nodes/" + node + "/end",
                        "/api/stop",
                        "/metrics",
                        "/health/live",
                        "/health/ready",
                        "/api",
                        "/api/nodes/",
                        "//api//nodes",
                        "/api/nodes/%ZZ/results",
                        "/api/nodes/%00/items",
                        "/../../etc/passwd",
                        "/%",
                        "/api/nodes/orders/items/../end",
                        "/api/nodes/orders%2Fitems",
                        "/caf\u00e9",
                        "/api/nodes/" + "a".repeat(5_000),
                        "*",
                        "http://evil.example/api/graph",
                        "/api/graph#fragment"));
    }

    private List<String> host(Random random) {
        if (random.nextInt(10) < 8) {
            return List.of("Host: 127.0.0.1:" + port);
        }
        return pick(
                random,
                List.of(
                        List.of("Host: evil.example"),
                        List.of("Host: localhost:" + port),
                        List.of("Host: LOCALHOST:" + port),
                        List.of("Host: [::1]:" + port),
                        List.of("Host: 127.0.0.1.nip.io:" + port),
                        List.of("Host: "),
                        List.of(),
                        List.of("Host: 127.0.0.1:" + port, "Host: evil.example"),
                        List.of("Host: 127.0.0.1:notaport"),
                        List.of("Host: 127.0.0.1:" + port + "/x")));
    }

    private static final List<String> QUERIES = List.of(
            "limit=5",
            "limit=0",
            "limit=-1",
            "limit=abc",
            "limit=%ZZ",
            "limit=%",
            "limit=%35",
            "limit=1e3",
            "limit=99999999999999999999",
            "limit=10001",
            "from=0",
            "from=-5",
            "from=%41",
            "from=3&limit=2",
            "limit=5&limit=6",
            "key=a",
            "key=%E0%A4%A",
            "key=%C3%28",
            "limt=5",
            "=",
            "&&&",
            "limit",
            "%FF=1",
            "from=9223372036854775807");

    private static final List<String> ORIGINS = List.of(
            "http://127.0.0.1:PORT", "https://127.0.0.1:PORT", "http://localhost:PORT", "http://evil.example", "null");

    private static final List<String> AUTHORIZATIONS = List.of(
            "Authorization: Bearer wrong-token-0123456789",
            "Authorization: Basic dXNlcjpwYXNz",
            "Authorization: Bearer ",
            "Authorization: bearer TOKEN",
            "Authorization: TOKEN",
            "X-No-Authorization: 1");

    private static final List<String> CONTENT_TYPES = List.of(
            "Content-Type: application/json; charset=utf-8",
            "Content-Type: application/json; charset=UTF-8",
            "Content-Type: application/json; charset=\"utf-8\"",
            "Content-Type: application/json; charset=",
            "Content-Type: application/json; charset=x-unknown",
            "Content-Type: application/json; charset=utf-16",
            "Content-Type: application/json;;;",
            "Content-Type: application/jsonx",
            "Content-Type: text/plain",
            "Content-Type: application/x-www-form-urlencoded",
            "Content-Type: multipart/form-data; boundary=x",
            "Content-Type: ",
            "Content-Type: application/json\r\nContent-Type: text/plain");

    private static final List<String> ODD_HEADERS = List.of(
            "X-Long: " + "x".repeat(10_000),
            "X-Control: a\u0001b",
            "Expect: 100-continue",
            "Accept: text/event-stream",
            "Accept-Charset: x-unknown",
            "Connection: keep-alive, Upgrade",
            "Upgrade: websocket",
            "X-Forwarded-Host: evil.example",
            "Sec-Fetch-Site: cross-site");

    private byte[] validItems(Random random) {
        if (random.nextInt(3) == 0) {
            return item().getBytes(StandardCharsets.UTF_8);
        }
        List<String> items = new ArrayList<>();
        for (int i = random.nextInt(50) == 0 ? 3_000 : random.nextInt(40); i >= 0; i--) {
            items.add(item());
        }
        return ("[" + String.join(",", items) + "]").getBytes(StandardCharsets.UTF_8);
    }

    private String item() {
        int id = ids.incrementAndGet();
        return "{\"id\":\"i" + id + "\",\"n\":" + id + "}";
    }

    private byte[] body(Random random) {
        String one = item();
        String text =
                switch (random.nextInt(24)) {
                    case 0 -> one;
                    case 1 -> "[" + one + "," + item() + "]";
                    case 2 -> "[]";
                    case 3 -> "[" + one + "," + one + "]"; // the same item twice: both are items
                    case 4 -> one.substring(0, one.length() / 2);
                    case 5 -> one + one;
                    case 6 -> "[" + one + "] trailing";
                    case 7 -> "[".repeat(5_000) + "]".repeat(5_000);
                    case 8 -> "null";
                    case 9 -> "[" + one + ",null," + item() + "]";
                    case 10 -> "{\"id\":\"big\",\"n\":1e999999}";
                    case 11 -> "{\"id\":\"big\",\"n\":123456789012345678901234567890}";
                    case 12 -> "{\"id\":5,\"n\":\"x\"}";
                    case 13 -> "{\"id\":\"f" + ids.incrementAndGet() + "\",\"n\":1.5}";
                    case 14 -> "{\"id\":\"a\",\"n\":1,\"extra\":2}";
                    case 15 -> "{\"id\":\"a\",\"id\":\"b\",\"n\":1}";
                    case 16 -> "\"text\"";
                    case 17 -> "5";
                    case 18 -> "{}";
                    case 19 -> "   ";
                    case 20 -> "[" + ("{\"id\":\"" + "z".repeat(1000) + "\",\"n\":1},").repeat(100) + "{}]";
                    case 21 -> "\ufeff" + one;
                    case 22 -> "{\"id\":\"" + "\\ud800" + "\",\"n\":2}";
                    default -> "";
                };
        if (random.nextInt(30) == 0) {
            return new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'};
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] chunked(byte[] body, boolean bad) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int half = body.length / 2;
        for (byte[] chunk : List.of(Arrays.copyOfRange(body, 0, half), Arrays.copyOfRange(body, half, body.length))) {
            if (chunk.length == 0) {
                continue;
            }
            out.writeBytes(
                    ((bad ? "zz" : Integer.toHexString(chunk.length)) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(chunk);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
