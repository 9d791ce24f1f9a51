package io.sluice.server;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import io.sluice.RequestFailedException;
import io.sluice.RequestGraph;
import io.sluice.RequestResult;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link RequestGraph} behind HTTP: {@code POST /api/evaluate} with a JSON object as the context evaluates the
 * graph once and answers with every node's output, the merged view, and the optional nodes that failed.
 *
 * <p>Answers: 200 with {@code {"merged": …, "outputs": …, "failures": {node: message}}}; 400 for a body that is not
 * a JSON object; 502 when a node failed and 504 when the request timed out, each with the node and the reason.
 */
public final class RequestServer implements AutoCloseable {

    private final RequestGraph<Map<String, Object>> graph;
    private final ObjectMapper json = new ObjectMapper();
    private final ServerOptions options;
    private final Javalin app;

    private RequestServer(RequestGraph<Map<String, Object>> graph, ServerOptions options) {
        this.graph = graph;
        this.options = options;
        this.app = Javalin.create(config -> {
            config.jsonMapper(new JavalinJackson(json, false));
            config.jetty.host = options.host();
            config.jetty.port = options.port();
            config.startup.showJavalinBanner = false;
            config.routes.post("/api/evaluate", this::evaluate);
            config.routes.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
        });
    }

    /** Starts serving {@code graph}. */
    public static RequestServer start(RequestGraph<Map<String, Object>> graph, ServerOptions options) {
        RequestServer server = new RequestServer(graph, options);
        server.app.start();
        return server;
    }

    public int port() {
        return app.port();
    }

    public URI uri() {
        return URI.create("http://" + options.host() + ":" + port());
    }

    private void evaluate(Context ctx) {
        Map<String, Object> context;
        try {
            context = json.readValue(ctx.body(), new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            ctx.status(HttpStatus.BAD_REQUEST)
                    .json(Map.of(
                            "error",
                            "the body must be a JSON object, the request's" + " context: "
                                    + e.getMessage().lines().findFirst().orElse("")));
            return;
        }
        if (context == null) {
            context = Map.of();
        }
        try {
            RequestResult result = graph.evaluate(context);
            Map<String, Object> failures = new LinkedHashMap<>();
            result.failures().forEach((node, error) -> failures.put(node, String.valueOf(error.getMessage())));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("merged", result.merged());
            body.put("outputs", result.outputs());
            body.put("failures", failures);
            ctx.json(body);
        } catch (RequestFailedException e) {
            boolean timedOut = e.getMessage().contains("timed out");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", e.getMessage());
            body.put("node", e.nodeId().orElse(null));
            ctx.status(timedOut ? HttpStatus.GATEWAY_TIMEOUT : HttpStatus.BAD_GATEWAY)
                    .json(body);
        }
    }

    @Override
    public void close() {
        app.stop();
    }
}
