package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.RequestGraph;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /api/evaluate against a real server on port 0. */
class RequestServerTest {

    private RequestServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        RequestGraph<Map<String, Object>> graph = RequestGraph.<Map<String, Object>>builder("greet")
                .node("name", (context, in) -> String.valueOf(context.get("name")))
                .node(
                        "greeting",
                        (context, in) -> {
                            if (in.get("name").equals("boom")) {
                                throw new IllegalStateException("cannot greet boom");
                            }
                            if (in.get("name").equals("sleepy")) {
                                Thread.sleep(5_000);
                            }
                            return Map.of("greeting", "hello " + in.get("name"));
                        },
                        "name")
                .timeout(Duration.ofMillis(200))
                .build();
        server = RequestServer.start(graph, ServerOptions.port(0));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private record Reply(int status, JsonNode body) {}

    private Reply evaluate(String context) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(server.uri().resolve("/api/evaluate"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(context))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), new ObjectMapper().readTree(response.body()));
    }

    @Test
    void evaluatesTheGraphWithTheJsonContext() throws Exception {
        Reply reply = evaluate("{\"name\":\"ada\"}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().get("merged").get("greeting").asText()).isEqualTo("hello ada");
        assertThat(reply.body().get("outputs").get("name").asText()).isEqualTo("ada");
    }

    @Test
    void failuresAndTimeoutsNameTheNode() throws Exception {
        Reply failed = evaluate("{\"name\":\"boom\"}");
        assertThat(failed.status()).isEqualTo(502);
        assertThat(failed.body().get("error").asText())
                .isEqualTo("Request to graph 'greet' failed: node 'greeting'"
                        + " failed: IllegalStateException: cannot greet boom");
        assertThat(failed.body().get("node").asText()).isEqualTo("greeting");

        Reply slow = evaluate("{\"name\":\"sleepy\"}");
        assertThat(slow.status()).isEqualTo(504);
        assertThat(slow.body().get("error").asText())
                .isEqualTo("Request to graph 'greet' failed: node 'greeting' timed out after 200 ms");

        Reply bad = evaluate("[1, 2]");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().get("error").asText())
                .startsWith("the body must be a JSON object, the request's context");
    }

    private RawHttp.Answer raw(String contentType, String body) throws Exception {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return RawHttp.exchange(
                server.port(),
                RawHttp.request(
                        "POST",
                        "/api/evaluate",
                        java.util.List.of(
                                "Host: 127.0.0.1:" + server.port(),
                                "Content-Type: " + contentType,
                                "Content-Length: " + bytes.length),
                        bytes),
                false,
                10_000);
    }

    @Test
    void aBodyNotInJsonAndUtf8IsRefusedInJson() throws Exception {
        for (String charset : java.util.List.of("x-unknown", "")) {
            RawHttp.Answer answer = raw("application/json; charset=" + charset, "{\"name\":\"ada\"}");
            assertThat(answer.status()).as(charset).isEqualTo(415);
            assertThat(answer.json().get("error").asText())
                    .isEqualTo("the body must be JSON in UTF-8, found charset '" + charset
                            + "'; send it as UTF-8 (or name no charset)");
        }
        assertThat(raw("text/plain", "{\"name\":\"ada\"}").status()).isEqualTo(415);
        RawHttp.Answer two = raw("application/json", "{\"name\":\"ada\"}{\"name\":\"bob\"}");
        assertThat(two.status()).isEqualTo(400);
        assertThat(two.json().get("error").asText()).startsWith("the body is not JSON: Trailing token");
        RawHttp.Answer unknown = raw("application/json", "{}");
        assertThat(unknown.status()).isEqualTo(200);
    }

    @Test
    void aTokenGivenIsRequired() throws Exception {
        RequestGraph<Map<String, Object>> graph = RequestGraph.<Map<String, Object>>builder("echo")
                .node("echo", (context, in) -> context.get("x"))
                .build();
        try (RequestServer guarded =
                RequestServer.start(graph, ServerOptions.port(0).withToken("request-token-0123456789"))) {
            assertThat(RawHttp.send(guarded.port(), "POST", "/api/evaluate", null, "{\"x\":1}")
                            .status())
                    .isEqualTo(401);
            RawHttp.Answer answer =
                    RawHttp.send(guarded.port(), "POST", "/api/evaluate", "request-token-0123456789", "{\"x\":1}");
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().get("outputs").get("echo").asInt()).isEqualTo(1);
        }
    }
}
