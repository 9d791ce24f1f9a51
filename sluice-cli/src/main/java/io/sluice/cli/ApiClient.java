package io.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Talks to a running deployment's HTTP API for {@code sluice status}, {@code sluice results} and {@code sluice state}. */
final class ApiClient {

    private final URI base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    ApiClient(String base) {
        this.base = URI.create(base.endsWith("/") ? base : base + "/");
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = json.readTree(response.body());
        if (response.statusCode() >= 400) {
            throw new IllegalArgumentException(
                    body.has("error") ? body.get("error").asText() : "the API answered " + response.statusCode());
        }
        return body;
    }

    /** Opens the results stream of a node. */
    HttpResponse<java.io.InputStream> stream(String path) throws IOException, InterruptedException {
        return send(
                HttpRequest.newBuilder(base.resolve(path))
                        .header("Accept", "text/event-stream")
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        try {
            return http.send(request, handler);
        } catch (ConnectException e) {
            throw new IllegalStateException(
                    "cannot reach the Sluice API at " + base + "; is a deployment serving" + " it (--api-port)?", e);
        }
    }
}
