package io.sluice.server;

import static io.sluice.server.Json.ordered;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.SluiceException;
import io.sluice.Sources;
import io.sluice.StoreView;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The HTTP face of a deployment, LOCAL or KAFKA alike: its graph, every node's status, the end nodes' results (and a
 * live stream of them), items pushed into inbox start nodes, Prometheus metrics, health probes, and stop.
 *
 * <pre>{@code
 * try (Deployment deployment = graph.deploySystem(SystemType.LOCAL);
 *         SluiceServer server = SluiceServer.start(deployment, ServerOptions.port(8080))) {
 *     deployment.awaitCompletion(Duration.ofHours(1));
 * }
 * }</pre>
 *
 * <p>Routes — every error is JSON {@code {"error": "…"}}: a user's mistake is a 4xx naming the problem, never a 500.
 *
 * <ul>
 *   <li>{@code GET /}: the dashboard — the graph drawn left to right with each node's live figures
 *   <li>{@code GET /api/graph}; {@code GET /api/nodes}; {@code GET /api/nodes/{id}}
 *   <li>{@code GET /api/nodes/{id}/results?limit=N}; {@code GET /api/nodes/{id}/results/stream} (server-sent events, one
 *       {@code result} event per new result, from {@code ?from=N} if given; ask with {@code Accept: text/event-stream}, as {@code EventSource} does)
 *   <li>{@code GET /api/nodes/{id}/state/{store}?key=K}: one entry of a node's store; without {@code key}, up to
 *       {@code ?limit=N} entries and the total ({@link Deployment#store})
 *   <li>{@code POST /api/nodes/{id}/items} (a JSON item or array, for a start node made by {@link Sources#inbox});
 *       {@code POST /api/nodes/{id}/end}
 *   <li>{@code GET /metrics}; {@code GET /health/live}; {@code GET /health/ready}; {@code POST /api/stop}
 * </ul>
 */
public final class SluiceServer implements AutoCloseable {

    private final Deployment deployment;
    private final ServerOptions options;
    private final Metrics metrics;
    private final Ingest ingest;
    private final ResultStreams streams;
    private final Javalin app;

    private SluiceServer(Deployment deployment, ServerOptions options) {
        this.deployment = deployment;
        this.options = options;
        this.metrics = new Metrics(deployment);
        this.ingest = new Ingest(deployment, options);
        this.streams = new ResultStreams(deployment);
        this.app = Javalin.create(config -> {
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            config.jetty.host = options.host();
            config.jetty.port = options.port();
            config.startup.showJavalinBanner = false;
            config.routes.get("/", ctx -> ctx.html(dashboard()));
            config.routes.get("/api/graph", ctx -> ctx.json(StatusViews.graph(deployment)));
            config.routes.get("/api/nodes", ctx -> ctx.json(StatusViews.nodes(deployment.status())));
            config.routes.get(
                    "/api/nodes/{id}",
                    ctx -> ctx.json(StatusViews.node(deployment.status().node(ctx.pathParam("id")))));
            config.routes.get("/api/nodes/{id}/results", this::results);
            config.routes.sse("/api/nodes/{id}/results/stream", streams::subscribe);
            config.routes.get("/api/nodes/{id}/state/{store}", this::state);
            config.routes.post("/api/nodes/{id}/items", ingest::items);
            config.routes.post("/api/nodes/{id}/end", ingest::end);
            config.routes.post("/api/stop", this::stop);
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4")
                    .result(metrics.scrape()));
            config.routes.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
            config.routes.get("/health/ready", this::ready);
            ApiErrors.install(config);
        });
    }

    /** Starts serving {@code deployment}; the server does not own it: closing the server leaves it running. */
    public static SluiceServer start(Deployment deployment, ServerOptions options) {
        SluiceServer server = new SluiceServer(deployment, options);
        server.app.start();
        server.streams.start();
        return server;
    }

    /** The port it listens on. */
    public int port() {
        return app.port();
    }

    /** The base address, {@code http://host:port}. */
    public URI uri() {
        return URI.create("http://" + options.host() + ":" + port());
    }

    @Override
    public void close() {
        streams.close();
        app.stop();
        metrics.close();
    }

    /** The dashboard: one static page that draws the graph and polls {@code /api/nodes}; no build step. */
    private static String dashboard() throws IOException {
        try (java.io.InputStream page = SluiceServer.class.getResourceAsStream("dashboard.html")) {
            if (page == null) {
                throw new IOException("dashboard.html is missing from the sluice-server jar");
            }
            return new String(page.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private void ready(Context ctx) {
        DeploymentState state = deployment.status().state();
        boolean ready = state == DeploymentState.RUNNING || state == DeploymentState.COMPLETED;
        ctx.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .json(Map.of("status", ready ? "UP" : "DOWN", "state", state));
    }

    private void results(Context ctx) {
        String node = ctx.pathParam("id");
        int limit = limit(ctx.queryParam("limit"));
        List<Object> all = deployment.results(node);
        List<Object> last = all.subList(Math.max(0, all.size() - limit), all.size());
        ctx.json(ordered("node", node, "total", all.size(), "items", last));
    }

    private int limit(String text) {
        if (text == null) {
            return options.resultLimit();
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.badRequest("limit must be a positive integer, found '" + text + "'");
    }

    /**
     * A node's store: the entry of {@code ?key=K} (matched as {@link StoreView#find} says), or up to {@code ?limit=N}
     * entries with the total. A store that cannot be read now (a KAFKA changelog missing or slow) is a 503.
     */
    private void state(Context ctx) {
        String node = ctx.pathParam("id");
        String store = ctx.pathParam("store");
        StoreView view = deployment.store(node, store);
        String key = ctx.queryParam("key");
        try {
            if (key != null) {
                StoreView.Entry entry = view.find(key)
                        .orElseThrow(() -> ApiException.notFound("Store '" + store + "' of node '" + node
                                + "' has no key '" + key + "'; a key is matched as text, then as a number or"
                                + " true/false, then by each key's text"));
                ctx.json(ordered(
                        "node",
                        node,
                        "store",
                        store,
                        "key",
                        entry.key(),
                        "value",
                        entry.value(),
                        "instance",
                        entry.instance()));
                return;
            }
            StoreView.Entries entries = view.entries(limit(ctx.queryParam("limit")));
            ctx.json(ordered(
                    "node",
                    node,
                    "store",
                    store,
                    "total",
                    entries.total(),
                    "entries",
                    entries.entries().stream()
                            .map(e -> ordered("key", e.key(), "value", e.value(), "instance", e.instance()))
                            .toList()));
        } catch (SluiceException e) {
            throw new ApiException(503, e.getMessage());
        }
    }

    private void stop(Context ctx) {
        Thread.ofVirtual().name("sluice-server-stop").start(deployment::close);
        ctx.status(HttpStatus.ACCEPTED).json(Map.of("stopping", deployment.id()));
    }
}
