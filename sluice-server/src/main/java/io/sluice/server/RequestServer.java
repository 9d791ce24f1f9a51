package io.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.sluice.RequestFailedException;
import io.sluice.RequestGraph;
import io.sluice.RequestResult;
import io.sluice.SluiceException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link RequestGraph} behind HTTP: {@code POST /api/evaluate} with a JSON object as the context evaluates the
 * graph once and answers with every node's output, the merged view, and the optional nodes that failed.
 *
 * <p>Answers: 200 with {@code {"merged": …, "outputs": …, "failures": {node: message}}}; 400 for a body that is not
 * one JSON object, 415 for one that is not {@code application/json} in UTF-8; 502 when a node failed and 504 when the
 * request timed out, each with the node and the reason. Every error is JSON {@code {"error": …}}.
 *
 * <p>A request graph is a service, so it asks for a token only when {@link ServerOptions#withToken} gives one; the
 * Host and Origin checks, the body limits and the security headers are those of {@link SluiceServer}.
 */
public final class RequestServer implements AutoCloseable {

    private final RequestGraph<Map<String, Object>> graph;
    private final ServerOptions options;
    private final Javalin app;

    private RequestServer(RequestGraph<Map<String, Object>> graph, ServerOptions options) {
        this.graph = graph;
        this.options = options;
        Security security = new Security(options, options.token(), Set.of("/health/live"));
        this.app = Javalin.create(config -> {
            Container.configure(config, options);
            ApiErrors.install(config);
            config.routes.before(security::check);
            Routes routes = new Routes(config);
            routes.post("/api/evaluate", (ctx, query) -> evaluate(ctx));
            routes.get("/health/live", List.of(), (ctx, query) -> Json.write(ctx, 200, Map.of("status", "UP")));
        });
    }

    /**
     * Starts serving {@code graph}.
     *
     * @throws SluiceException if the server cannot listen on the host and port asked for
     */
    public static RequestServer start(RequestGraph<Map<String, Object>> graph, ServerOptions options) {
        RequestServer server = new RequestServer(graph, options);
        try {
            server.app.start();
        } catch (RuntimeException e) {
            server.close();
            throw new SluiceException(
                    "Cannot serve the request graph on " + options.host() + ":" + options.port() + ": "
                            + e.getMessage(),
                    e);
        }
        return server;
    }

    public int port() {
        return app.port();
    }

    public URI uri() {
        return URI.create("http://" + options.host() + ":" + port());
    }

    @SuppressWarnings("unchecked")
    private void evaluate(Context ctx) {
        JsonNode body = Json.body(ctx, options.maxBodyBytes());
        if (!body.isObject() && !body.isNull()) {
            throw ApiException.badRequest(
                    "the body must be a JSON object, the request's context; found " + body.getNodeType());
        }
        Map<String, Object> context = body.isNull() ? Map.of() : Json.MAPPER.convertValue((ObjectNode) body, Map.class);
        try {
            RequestResult result = graph.evaluate(context);
            Map<String, Object> failures = new LinkedHashMap<>();
            result.failures().forEach((node, error) -> failures.put(node, String.valueOf(error.getMessage())));
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("merged", result.merged());
            answer.put("outputs", result.outputs());
            answer.put("failures", failures);
            Json.write(ctx, 200, answer);
        } catch (RequestFailedException e) {
            boolean timedOut = e.getMessage().contains("timed out");
            throw new ApiException(timedOut ? 504 : 502, e.getMessage())
                    .with("node", e.nodeId().orElse(null));
        }
    }

    @Override
    public void close() {
        app.stop();
    }
}
