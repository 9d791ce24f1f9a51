package io.sluice.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Reads a node's {@code GET /status}; a node that does not answer has a missing status. */
final class Status {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Status() {}

    static JsonNode of(int statusPort) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + statusPort + "/status"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (Exception e) {
            return MissingNode.getInstance();
        }
    }

    static boolean peerUp(int statusPort) {
        for (JsonNode peer : of(statusPort).path("peers")) {
            if (peer.path("up").asBoolean()) {
                return true;
            }
        }
        return false;
    }

    /** A types file with Order and Invoice, each {@code id} (string) and {@code amount} (number), both required. */
    static Path typesFile(Path dir) throws java.io.IOException {
        Path file = dir.resolve("types.json");
        Files.writeString(file, """
                {
                  "Order":   {"required": ["id", "amount"],
                              "properties": {"id": {"type": "string"}, "amount": {"type": "number"}}},
                  "Invoice": {"required": ["id", "amount"],
                              "properties": {"id": {"type": "string"}, "amount": {"type": "number"}}}
                }
                """, StandardCharsets.UTF_8);
        return file;
    }
}
