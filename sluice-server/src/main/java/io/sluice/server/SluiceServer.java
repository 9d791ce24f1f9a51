package io.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.sse.SseClient;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.DeploymentStatus;
import io.sluice.Edge;
import io.sluice.Inbox;
import io.sluice.ItemTracking;
import io.sluice.NodeSpec;
import io.sluice.NodeStatus;
import io.sluice.NotDefinedException;
import io.sluice.SluiceException;
import io.sluice.Sources;
import io.sluice.StartNodeSpec;
import io.sluice.StoreView;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

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

    private static final long STREAM_PERIOD_MS = 250;
    private static final String ERROR = "sluice.error";

    private final Deployment deployment;
    private final ServerOptions options;
    private final ObjectMapper json = new ObjectMapper();
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ScheduledExecutorService streams = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "sluice-server-streams");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<SseClient, Integer> subscribers = new ConcurrentHashMap<>();
    private final Javalin app;
    private volatile StatusSnapshot snapshot = new StatusSnapshot(null, 0);

    private SluiceServer(Deployment deployment, ServerOptions options) {
        this.deployment = deployment;
        this.options = options;
        registerMetrics();
        this.app = Javalin.create(config -> {
            config.jsonMapper(new JavalinJackson(json, false));
            config.jetty.host = options.host();
            config.jetty.port = options.port();
            config.startup.showJavalinBanner = false;
            config.routes.get("/", ctx -> ctx.html(dashboard()));
            config.routes.get("/api/graph", ctx -> ctx.json(graphJson()));
            config.routes.get("/api/nodes", ctx -> ctx.json(nodesJson(deployment.status())));
            config.routes.get(
                    "/api/nodes/{id}",
                    ctx -> ctx.json(nodeJson(deployment.status().node(ctx.pathParam("id")))));
            config.routes.get("/api/nodes/{id}/results", this::results);
            config.routes.sse("/api/nodes/{id}/results/stream", this::stream);
            config.routes.get("/api/nodes/{id}/state/{store}", this::state);
            config.routes.post("/api/nodes/{id}/items", this::ingest);
            config.routes.post("/api/nodes/{id}/end", this::end);
            config.routes.post("/api/stop", this::stop);
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4")
                    .result(metrics.scrape()));
            config.routes.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
            config.routes.get("/health/ready", this::ready);
            config.routes.exception(
                    SluiceException.class,
                    (e, ctx) -> error(
                            ctx,
                            e instanceof NotDefinedException ? HttpStatus.NOT_FOUND : HttpStatus.BAD_REQUEST,
                            e.getMessage()));
            config.routes.exception(BadRequest.class, (e, ctx) -> error(ctx, e.status, e.getMessage()));
            config.routes.error(404, "*", ctx -> {
                if (ctx.attribute(ERROR) == null) {
                    error(
                            ctx,
                            HttpStatus.NOT_FOUND,
                            "No route " + ctx.method() + " " + ctx.path() + "; see the routes"
                                    + " under /api, /metrics and /health");
                }
            });
        });
    }

    /** Starts serving {@code deployment}; the server does not own it: closing the server leaves it running. */
    public static SluiceServer start(Deployment deployment, ServerOptions options) {
        SluiceServer server = new SluiceServer(deployment, options);
        server.app.start();
        server.streams.scheduleWithFixedDelay(
                server::pushResults, STREAM_PERIOD_MS, STREAM_PERIOD_MS, TimeUnit.MILLISECONDS);
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
        streams.shutdownNow();
        subscribers.keySet().forEach(SseClient::close);
        app.stop();
        metrics.close();
    }

    // ---- graph and status ----

    /** The dashboard: one static page that draws the graph and polls {@code /api/nodes}; no build step. */
    private static String dashboard() throws IOException {
        try (java.io.InputStream page = SluiceServer.class.getResourceAsStream("dashboard.html")) {
            if (page == null) {
                throw new IOException("dashboard.html is missing from the sluice-server jar");
            }
            return new String(page.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private Map<String, Object> graphJson() {
        ComputationalGraph graph = deployment.graph();
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (NodeSpec node : graph.nodes()) {
            nodes.add(ordered(
                    "id",
                    node.id(),
                    "kind",
                    node.kind(),
                    "parallelism",
                    node.parallelism(),
                    "ports",
                    List.copyOf(node.ports())));
        }
        List<Map<String, Object>> edges = new ArrayList<>();
        for (Edge edge : graph.edges()) {
            edges.add(ordered(
                    "from",
                    edge.from(),
                    "port",
                    edge.port(),
                    "to",
                    edge.to(),
                    "partitioning",
                    edge.partitioning().label()));
        }
        return ordered(
                "name",
                graph.name(),
                "deployment",
                deployment.id(),
                "system",
                deployment.system(),
                "nodes",
                nodes,
                "edges",
                edges);
    }

    private static Map<String, Object> nodesJson(DeploymentStatus status) {
        return ordered(
                "deployment",
                status.id(),
                "system",
                status.system(),
                "state",
                status.state(),
                "failure",
                status.failure().orElse(null),
                "nodes",
                status.nodes().values().stream().map(SluiceServer::nodeJson).toList(),
                "tracking",
                status.tracking().map(SluiceServer::trackingJson).orElse(null));
    }

    /** What the deployment knows of its items, under a robustness level above NONE. */
    private static Map<String, Object> trackingJson(ItemTracking tracking) {
        return ordered(
                "level",
                tracking.level(),
                "introduced",
                tracking.introduced(),
                "completed",
                tracking.completed(),
                "pending",
                tracking.pending(),
                "failed",
                tracking.failed(),
                "replays",
                tracking.replays(),
                "deadLettered",
                tracking.deadLettered(),
                "allProcessed",
                tracking.allProcessed(),
                "recentFailures",
                tracking.recentFailures().stream()
                        .map(f -> ordered(
                                "node",
                                f.node(),
                                "item",
                                f.item(),
                                "error",
                                f.error(),
                                "time",
                                f.time().toString(),
                                "attempt",
                                f.attempt()))
                        .toList());
    }

    private static Map<String, Object> nodeJson(NodeStatus node) {
        return ordered(
                "id",
                node.id(),
                "kind",
                node.kind(),
                "state",
                node.state(),
                "instances",
                node.instances(),
                "itemsIn",
                node.itemsIn(),
                "itemsOut",
                node.itemsOut(),
                "errors",
                node.errors(),
                "queueDepth",
                node.queueDepth(),
                "lastActivity",
                node.lastActivity().map(Object::toString).orElse(null));
    }

    private void ready(Context ctx) {
        DeploymentState state = deployment.status().state();
        boolean ready = state == DeploymentState.RUNNING || state == DeploymentState.COMPLETED;
        ctx.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .json(Map.of("status", ready ? "UP" : "DOWN", "state", state));
    }

    // ---- results ----

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
        throw new BadRequest(HttpStatus.BAD_REQUEST, "limit must be a positive integer, found '" + text + "'");
    }

    /**
     * New results as events, from the moment of subscription on — or from result index {@code ?from=N}, so that a
     * client that has read the first N results misses none in between.
     */
    private void stream(SseClient client) {
        String node = client.ctx().pathParam("id");
        try {
            int size = deployment.results(node).size();
            String from = client.ctx().queryParam("from");
            subscribers.put(client, from == null ? size : Math.min(size, Math.max(0, Integer.parseInt(from))));
        } catch (NumberFormatException e) {
            client.sendEvent(
                    "error",
                    "from must be a result index, found '" + client.ctx().queryParam("from") + "'");
            client.close();
            return;
        } catch (SluiceException e) {
            client.sendEvent("error", e.getMessage());
            client.close();
            return;
        }
        client.onClose(() -> subscribers.remove(client));
        client.keepAlive();
        client.sendComment("results of node " + node); // sends the headers now, before the first result
    }

    private void pushResults() {
        // One read per node per tick, however many clients follow it: on KAFKA a read is a pass over a topic.
        Map<String, List<Object>> byNode = new java.util.HashMap<>();
        for (Map.Entry<SseClient, Integer> subscriber : subscribers.entrySet()) {
            SseClient client = subscriber.getKey();
            if (client.terminated()) {
                subscribers.remove(client);
                continue;
            }
            try {
                List<Object> all = byNode.computeIfAbsent(client.ctx().pathParam("id"), deployment::results);
                for (int i = subscriber.getValue(); i < all.size(); i++) {
                    client.sendEvent("result", json.writeValueAsString(all.get(i)));
                }
                subscribers.put(client, all.size());
            } catch (IOException | RuntimeException e) {
                client.close();
                subscribers.remove(client);
            }
        }
    }

    // ---- state ----

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
                        .orElseThrow(() -> new BadRequest(
                                HttpStatus.NOT_FOUND,
                                "Store '" + store + "' of node '" + node + "' has no key '" + key + "'; a key is"
                                        + " matched as text, then as a number or true/false, then by each key's"
                                        + " text"));
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
            throw new BadRequest(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        }
    }

    // ---- ingest and control ----

    private void ingest(Context ctx) throws InterruptedException {
        Inbox<Object> inbox = inbox(ctx.pathParam("id"));
        JsonNode body;
        try {
            body = json.readTree(ctx.body());
        } catch (IOException e) {
            throw new BadRequest(
                    HttpStatus.BAD_REQUEST,
                    "the body is not JSON: "
                            + e.getMessage().lines().findFirst().orElse(""));
        }
        if (body == null || body.isMissingNode()) {
            throw new BadRequest(HttpStatus.BAD_REQUEST, "the body is empty; send a JSON item or an array of items");
        }
        List<Object> items = new ArrayList<>();
        for (JsonNode element : body.isArray() ? body : List.of(body)) {
            try {
                items.add(json.treeToValue(element, inbox.type()));
            } catch (IOException e) {
                throw new BadRequest(
                        HttpStatus.BAD_REQUEST,
                        "item " + items.size() + " is not a " + inbox.type().getSimpleName() + ": "
                                + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        int accepted = 0;
        for (Object item : items) {
            boolean taken;
            try {
                taken = inbox.offer(item, options.ingestTimeout());
            } catch (IllegalStateException e) {
                throw new BadRequest(HttpStatus.CONFLICT, "Node '" + ctx.pathParam("id") + "': " + e.getMessage());
            }
            if (!taken) {
                ctx.status(HttpStatus.SERVICE_UNAVAILABLE)
                        .json(ordered(
                                "error",
                                "Node '" + ctx.pathParam("id")
                                        + "' is behind: its inbox stayed full for "
                                        + options.ingestTimeout().toMillis() + " ms; retry"
                                        + " later",
                                "accepted",
                                accepted));
                return;
            }
            accepted++;
        }
        ctx.status(HttpStatus.ACCEPTED).json(Map.of("accepted", accepted));
    }

    private void end(Context ctx) {
        inbox(ctx.pathParam("id")).close();
        ctx.status(HttpStatus.ACCEPTED).json(Map.of("ended", ctx.pathParam("id")));
    }

    @SuppressWarnings("unchecked")
    private Inbox<Object> inbox(String nodeId) {
        NodeSpec node = deployment.graph().node(nodeId);
        if (node instanceof StartNodeSpec start && start.factory() instanceof Sources.InboxSource<?> source) {
            return (Inbox<Object>) source.inbox();
        }
        throw new BadRequest(
                HttpStatus.BAD_REQUEST,
                "Node '" + nodeId + "' does not take items over HTTP; only a start"
                        + " node made with Sources.inbox(inbox) does");
    }

    private void stop(Context ctx) {
        Thread.ofVirtual().name("sluice-server-stop").start(deployment::close);
        ctx.status(HttpStatus.ACCEPTED).json(Map.of("stopping", deployment.id()));
    }

    // ---- metrics ----

    private void registerMetrics() {
        for (NodeSpec node : deployment.graph().nodes()) {
            gauge("sluice_node_items_in", "Items the node has taken", node.id(), NodeStatus::itemsIn);
            gauge("sluice_node_items_out", "Items the node has emitted", node.id(), NodeStatus::itemsOut);
            gauge("sluice_node_errors", "Failures of the node's code", node.id(), NodeStatus::errors);
            gauge(
                    "sluice_node_queue_depth",
                    "Items waiting for the node (queue or consumer lag)",
                    node.id(),
                    NodeStatus::queueDepth);
        }
        Gauge.builder("sluice_deployment_running", () -> status().state() == DeploymentState.RUNNING ? 1 : 0)
                .description("1 while the deployment runs")
                .tag("deployment", deployment.id())
                .register(metrics);
    }

    private void gauge(String name, String description, String node, ToDoubleFunction<NodeStatus> value) {
        Gauge.builder(name, () -> value.applyAsDouble(status().node(node)))
                .description(description)
                .tag("node", node)
                .register(metrics);
    }

    /** One status per scrape rather than one per gauge. */
    private DeploymentStatus status() {
        StatusSnapshot current = snapshot;
        long now = System.nanoTime();
        if (current.status == null || now - current.takenNanos > 100_000_000L) {
            current = new StatusSnapshot(deployment.status(), now);
            snapshot = current;
        }
        return current.status;
    }

    private record StatusSnapshot(DeploymentStatus status, long takenNanos) {}

    // ---- errors ----

    /** A client mistake with the status it deserves. */
    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient HttpStatus status;

        BadRequest(HttpStatus status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private static void error(Context ctx, HttpStatus status, String message) {
        ctx.attribute(ERROR, true);
        ctx.status(status).json(Map.of("error", message));
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
