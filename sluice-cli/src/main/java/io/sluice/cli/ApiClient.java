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

/**
 * Talks to a running deployment's HTTP API for {@code sluice status}, {@code sluice results}, {@code sluice state} and
 * {@code sluice scale},
 * sending the API token, when there is one, with every request.
 */
final class ApiClient {

    private final URI base;
    private final String token;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    /** @param token the bearer token; {@code null} for none (enough to read an API on loopback) */
    ApiClient(String base, String token) {
        this.base = URI.create(base.endsWith("/") ? base : base + "/");
        this.token = token;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = send(request(path).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 400) {
            throw new IllegalArgumentException(error(response.statusCode(), response.body()));
        }
        return json.readTree(response.body());
    }

    /** Posts a JSON body; an answer of 400 or above is an error with the API's words. */
    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        HttpResponse<String> response = send(
                request(path)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 400) {
            throw new IllegalArgumentException(error(response.statusCode(), response.body()));
        }
        return json.readTree(response.body());
    }

    /** Opens the results stream of a node; an answer other than the stream is an error with the API's words. */
    HttpResponse<java.io.InputStream> stream(String path) throws IOException, InterruptedException {
        HttpResponse<java.io.InputStream> response = send(
                request(path).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() >= 400) {
            try (java.io.InputStream body = response.body()) {
                throw new IllegalArgumentException(error(
                        response.statusCode(),
                        new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
            }
        }
        return response;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    /** The API's own message; for a 401, also where the token comes from. */
    private String error(int status, String body) {
        String message;
        try {
            JsonNode error = json.readTree(body).get("error");
            message = error != null ? error.asText() : "the API answered " + status;
        } catch (IOException e) {
            message = "the API answered " + status;
        }
        if (status == 401) {
            message += token == null
                    ? "; give the token with --token or SLUICE_API_TOKEN"
                    : "; check the token given with --token or SLUICE_API_TOKEN";
        }
        return message;
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
