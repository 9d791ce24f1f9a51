package io.sluice.cloud.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A node's HTTP face: {@code GET /status} (JSON: peers, subscriptions, stored objects by type, counters) and {@code
 * GET /metrics} (the counters in Prometheus text form). Read-only, so it needs no token.
 */
final class StatusServer implements AutoCloseable {

    private final HttpServer http;

    StatusServer(NodeCore node, int port) {
        try {
            http = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cloud node '" + node.id() + "': cannot serve status on port " + port + ": " + e.getMessage(), e);
        }
        http.createContext(
                "/status",
                exchange -> answer(
                        exchange,
                        "application/json",
                        Wire.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node.status())));
        http.createContext("/metrics", exchange -> {
            StringBuilder text = new StringBuilder();
            @SuppressWarnings("unchecked")
            Map<String, Long> counters = (Map<String, Long>) node.status().get("counters");
            counters.forEach((name, value) -> text.append("# TYPE sluice_cloud_objects_")
                    .append(name)
                    .append("_total counter\nsluice_cloud_objects_")
                    .append(name)
                    .append("_total{node=\"")
                    .append(node.id())
                    .append("\"} ")
                    .append(value)
                    .append('\n'));
            text.append("# TYPE sluice_cloud_objects_stored gauge\nsluice_cloud_objects_stored{node=\"")
                    .append(node.id())
                    .append("\"} ")
                    .append(node.status().get("storedTotal"))
                    .append('\n');
            answer(exchange, "text/plain; version=0.0.4", text.toString().getBytes(StandardCharsets.UTF_8));
        });
        http.start();
    }

    private static void answer(HttpExchange exchange, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
