package io.sluice.server;

import static io.sluice.server.Json.ordered;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.util.JavalinBindException;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.ResultPage;
import io.sluice.SluiceException;
import io.sluice.Sources;
import io.sluice.StoreView;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The HTTP face of a deployment, LOCAL or KAFKA alike: its graph, every node's status, the end nodes' results (paged,
 * and as a live stream), items pushed into inbox start nodes, Prometheus metrics, health probes, stop, and a dashboard.
 *
 * <pre>{@code
 * try (Deployment deployment = graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withKeptResults(100_000));
 *         SluiceServer server = SluiceServer.start(deployment, ServerOptions.port(8080))) {
 *     deployment.awaitTermination(Duration.ofHours(1));
 * }
 * }</pre>
 *
 * <p>Guarded by a bearer token ({@link ServerOptions#token()}): every request that may change something needs it, and
 * every request when the server listens beyond loopback, but for the dashboard page and the health probes. A token not
 * given is made at start and printed once, with the address to open ({@code http://127.0.0.1:8080/#token=…}), on
 * standard error. The Host and Origin headers are checked too, bodies must be {@code application/json}, and every
 * response carries security headers; see docs/api.md.
 *
 * <p>Routes — every error is JSON {@code {"error": "…"}}: a client's mistake is a 4xx naming it, never a 500.
 *
 * <ul>
 *   <li>{@code GET /}: the dashboard — the graph drawn left to right with each node's live figures and charts
 *   <li>{@code GET /api/graph}; {@code GET /api/nodes}; {@code GET /api/nodes/{id}}
 *   <li>{@code GET /api/history?from=N}: every node's rates and queue depth over the last minutes, sampled by the
 *       server ({@link ServerOptions#withHistory})
 *   <li>{@code GET /api/nodes/{id}/results?limit=N} (the latest N) or {@code ?from=P&limit=N} (N from position P);
 *       {@code GET /api/nodes/{id}/results/stream?from=P} (server-sent events, one {@code result} event per result)
 *   <li>{@code GET /api/nodes/{id}/state/{store}?key=K}: one entry of a node's store; without {@code key}, up to
 *       {@code ?limit=N} entries and the total ({@link Deployment#store})
 *   <li>{@code POST /api/nodes/{id}/items} (a JSON item or array, for a start node made by {@link Sources#inbox});
 *       {@code POST /api/nodes/{id}/end}
 *   <li>{@code GET /metrics}; {@code GET /health/live}; {@code GET /health/ready}; {@code POST /api/stop}
 * </ul>
 *
 * <p>Thread-safe; the server does not own the deployment: closing the server leaves it running.
 */
public final class SluiceServer implements AutoCloseable {

    /** The most results or store entries one request returns. */
    public static final int MAX_LIMIT = 10_000;

    private static final Set<String> OPEN_PATHS = Set.of(
            "/",
            "/dashboard.js",
            "/dashboard.css",
            "/vendor/uPlot.iife.min.js",
            "/vendor/uPlot.min.css",
            "/health/live",
            "/health/ready");

    private final Deployment deployment;
    private final ServerOptions options;
    private final Security.Token token;
    private final Metrics metrics;
    private final Ingest ingest;
    private final ResultStreams streams;
    private final History history;
    private final Map<String, byte[]> pages;
    private final Javalin app;

    private SluiceServer(Deployment deployment, ServerOptions options) {
        this.deployment = deployment;
        this.options = options;
        this.token = Security.Token.resolve(options.token());
        Security security = new Security(options, Optional.of(token.value()), OPEN_PATHS);
        this.pages = Map.of(
                "dashboard.html", resource("dashboard.html"),
                "dashboard.js", resource("dashboard.js"),
                "dashboard.css", resource("dashboard.css"),
                "uPlot.iife.min.js", resource("vendor/uPlot.iife.min.js"),
                "uPlot.min.css", resource("vendor/uPlot.min.css"));
        this.metrics = new Metrics(deployment);
        this.ingest = new Ingest(deployment, options);
        this.streams = new ResultStreams(deployment, options);
        this.history = new History(deployment, options.historyInterval().toMillis(), options.historySamples());
        this.app = Javalin.create(config -> {
            Container.configure(config, options);
            ApiErrors.install(config);
            config.routes.before(security::check);
            Routes routes = new Routes(config);
            routes.get("/", List.of(), (ctx, query) -> page(ctx, "dashboard.html", "text/html"));
            routes.get("/dashboard.js", List.of(), (ctx, query) -> page(ctx, "dashboard.js", "text/javascript"));
            routes.get("/dashboard.css", List.of(), (ctx, query) -> page(ctx, "dashboard.css", "text/css"));
            routes.get(
                    "/vendor/uPlot.iife.min.js",
                    List.of(),
                    (ctx, query) -> page(ctx, "uPlot.iife.min.js", "text/javascript"));
            routes.get("/vendor/uPlot.min.css", List.of(), (ctx, query) -> page(ctx, "uPlot.min.css", "text/css"));
            routes.get("/api/graph", List.of(), (ctx, query) -> Json.write(ctx, 200, StatusViews.graph(deployment)));
            routes.get(
                    "/api/nodes",
                    List.of(),
                    (ctx, query) -> Json.write(ctx, 200, StatusViews.nodes(deployment.status())));
            routes.get(
                    "/api/nodes/{id}",
                    List.of(),
                    (ctx, query) -> Json.write(
                            ctx, 200, StatusViews.node(deployment.status().node(ctx.pathParam("id")))));
            routes.get(
                    "/api/history",
                    List.of("from"),
                    (ctx, query) -> Json.write(ctx, 200, history.view(query.number("from", 0, Long.MAX_VALUE, 0))));
            routes.get("/api/nodes/{id}/results", List.of("from", "limit"), this::results);
            routes.get("/api/nodes/{id}/results/stream", List.of("from"), streams::stream);
            routes.get("/api/nodes/{id}/state/{store}", List.of("key", "limit"), this::state);
            routes.post("/api/nodes/{id}/items", (ctx, query) -> ingest.items(ctx));
            routes.post("/api/nodes/{id}/end", (ctx, query) -> ingest.end(ctx));
            routes.post("/api/nodes/{id}/parallelism", (ctx, query) -> scale(ctx));
            routes.post("/api/stop", (ctx, query) -> stop(ctx));
            routes.get(
                    "/metrics", List.of(), (ctx, query) -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                            .result(metrics.scrape()));
            routes.get("/health/live", List.of(), (ctx, query) -> Json.write(ctx, 200, Map.of("status", "UP")));
            routes.get("/health/ready", List.of(), (ctx, query) -> ready(ctx));
        });
    }

    /**
     * Starts serving {@code deployment}: listening once this returns. The server does not own the deployment.
     *
     * @throws SluiceException if the server cannot listen on the host and port asked for (the port is taken, the host
     *     is not an address of this machine); nothing is left running then
     * @throws IllegalArgumentException if {@code SLUICE_API_TOKEN} is set to a token too weak to be used
     */
    public static SluiceServer start(Deployment deployment, ServerOptions options) {
        SluiceServer server = new SluiceServer(deployment, options);
        try {
            server.app.start();
        } catch (RuntimeException e) {
            server.close();
            throw new SluiceException(
                    "Cannot serve the HTTP API on " + options.host() + ":" + options.port() + ": " + why(e), e);
        }
        server.streams.start();
        server.history.start();
        if (server.token.generated()) {
            // The one place the token is shown, as Jupyter does: whoever started the server opens this address.
            System.err.println("Sluice API: open " + server.dashboardUri()
                    + " (a token made for this run; give one with --token or SLUICE_API_TOKEN)");
        }
        return server;
    }

    private static String why(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JavalinBindException || t instanceof BindException) {
                return "the port is taken (or the host is not an address of this machine); choose another port, or"
                        + " 0 for any free one";
            }
        }
        return e.getMessage();
    }

    /** The port it listens on. */
    public int port() {
        return app.port();
    }

    /** The base address, {@code http://host:port}; bound to every address, the loopback one. */
    public URI uri() {
        String host = options.host();
        try {
            InetAddress address = InetAddress.getByName(host);
            if (address.isAnyLocalAddress()) {
                host = "127.0.0.1";
            } else if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
                host = "[" + host + "]";
            }
        } catch (UnknownHostException e) {
            // the server could not have started on it
        }
        return URI.create("http://" + host + ":" + port());
    }

    /**
     * The address that opens the dashboard with the token: {@code http://host:port/#token=…}. The token is in the
     * fragment, which the browser does not send; the page keeps it for the tab and sends it with every call.
     */
    public URI dashboardUri() {
        return URI.create(uri() + "/#token=" + URLEncoder.encode(token.value(), StandardCharsets.UTF_8));
    }

    /** Result streams open now. */
    int openStreams() {
        return streams.open();
    }

    /** The status history behind {@code GET /api/history}. */
    History history() {
        return history;
    }

    /** Stops listening, sampling and the result streams; the deployment goes on. */
    @Override
    public void close() {
        history.close();
        streams.close();
        app.stop();
        metrics.close();
    }

    // ---- the routes that need more than a line ----

    private void page(Context ctx, String name, String mediaType) {
        ctx.contentType(mediaType + ";charset=utf-8").result(pages.get(name));
    }

    private static byte[] resource(String name) {
        try (InputStream in = SluiceServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the sluice-server jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name + " from the sluice-server jar", e);
        }
    }

    private void ready(Context ctx) {
        DeploymentState state = deployment.status().state();
        boolean ready = state == DeploymentState.RUNNING || state == DeploymentState.COMPLETED;
        Json.write(ctx, ready ? 200 : 503, ordered("status", ready ? "UP" : "DOWN", "state", state));
    }

    /**
     * The latest {@code limit} results, or {@code limit} from position {@code from}: a page read from the deployment,
     * never a copy of all it kept.
     */
    private void results(Context ctx, Query query) {
        String node = ctx.pathParam("id");
        int limit = (int) query.number("limit", 1, MAX_LIMIT, options.resultLimit());
        long from = query.number("from", 0, Long.MAX_VALUE, -1);
        ResultPage<Object> page =
                from < 0 ? deployment.latestResults(node, limit) : deployment.results(node, from, limit);
        Json.write(
                ctx,
                200,
                ordered(
                        "node", node,
                        "total", page.total(),
                        "first", page.first(),
                        "next", page.next(),
                        "items", page.items()));
    }

    /**
     * A node's store: the entry of {@code ?key=K} (matched as {@link StoreView#find} says), or up to {@code ?limit=N}
     * entries with the total. A store that cannot be read now (a KAFKA changelog missing or slow) is a 503.
     */
    private void state(Context ctx, Query query) {
        String node = ctx.pathParam("id");
        String store = ctx.pathParam("store");
        StoreView view = deployment.store(node, store);
        String key = query.text("key").orElse(null);
        int limit = (int) query.number("limit", 1, MAX_LIMIT, options.resultLimit());
        try {
            if (key != null) {
                StoreView.Entry entry = view.find(key)
                        .orElseThrow(() -> ApiException.notFound("Store '" + store + "' of node '" + node
                                + "' has no key '" + key + "'; a key is matched as text, then as a number or"
                                + " true/false, then by each key's text"));
                Json.write(
                        ctx,
                        200,
                        ordered(
                                "node", node,
                                "store", store,
                                "key", entry.key(),
                                "value", entry.value(),
                                "instance", entry.instance()));
                return;
            }
            StoreView.Entries entries = view.entries(limit);
            Json.write(
                    ctx,
                    200,
                    ordered(
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

    /**
     * Rescales a running node: {@code {"parallelism": 5}}; answers once the node runs again with the new instance
     * count (see {@link io.sluice.Deployment#scale}). A refusal is a 400 saying why; an unknown node a 404.
     */
    private void scale(Context ctx) {
        String node = ctx.pathParam("id");
        com.fasterxml.jackson.databind.JsonNode body = Json.body(ctx, options.maxBodyBytes());
        com.fasterxml.jackson.databind.JsonNode parallelism = body.get("parallelism");
        if (parallelism == null || !parallelism.canConvertToInt() || !parallelism.isIntegralNumber()) {
            throw ApiException.badRequest("Node '" + node + "': the body must be {\"parallelism\": N} with N a whole"
                    + " number, found " + Json.firstLine(body.toString()));
        }
        int from = deployment.graph().node(node).parallelism();
        deployment.scale(node, parallelism.intValue());
        Json.write(
                ctx,
                200,
                ordered(
                        "node", node,
                        "from", from,
                        "parallelism", deployment.graph().node(node).parallelism()));
    }

    private void stop(Context ctx) {
        ingest.stop();
        Thread.ofVirtual().name("sluice-server-stop").start(deployment::close);
        Json.write(ctx, 202, Map.of("stopping", deployment.id()));
    }
}
