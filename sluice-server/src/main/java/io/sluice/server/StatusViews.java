package io.sluice.server;

import static io.sluice.server.Json.ordered;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentStatus;
import io.sluice.Edge;
import io.sluice.ItemTracking;
import io.sluice.NodeSpec;
import io.sluice.NodeStatus;
import io.sluice.WorkerStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the graph and of a status, as {@code /api/graph} and {@code /api/nodes} answer them. */
final class StatusViews {

    private StatusViews() {}

    static Map<String, Object> graph(Deployment deployment) {
        ComputationalGraph graph = deployment.graph();
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (NodeSpec node : graph.nodes()) {
            nodes.add(ordered(
                    "id", node.id(),
                    "kind", node.kind(),
                    "parallelism", node.parallelism(),
                    "ports", List.copyOf(node.ports()),
                    "stores",
                            node.stores().stream()
                                    .map(store -> ordered("name", store.name(), "backend", store.backend()))
                                    .toList(),
                    "robustness", graph.robustness().levelOf(node.id())));
        }
        List<Map<String, Object>> edges = new ArrayList<>();
        for (Edge edge : graph.edges()) {
            edges.add(ordered(
                    "from", edge.from(),
                    "port", edge.port(),
                    "to", edge.to(),
                    "partitioning", edge.partitioning().label()));
        }
        return ordered(
                "name", graph.name(),
                "deployment", deployment.id(),
                "system", deployment.system(),
                "nodes", nodes,
                "edges", edges);
    }

    static Map<String, Object> nodes(DeploymentStatus status) {
        return ordered(
                "deployment", status.id(),
                "system", status.system(),
                "state", status.state(),
                "failure", status.failure().orElse(null),
                "nodes", status.nodes().values().stream().map(StatusViews::node).toList(),
                "tracking", status.tracking().map(StatusViews::tracking).orElse(null),
                "workers", status.workers().stream().map(StatusViews::worker).toList());
    }

    /** A worker process: its node, whether it runs, its pid, how often it started, its log. */
    private static Map<String, Object> worker(WorkerStatus worker) {
        return ordered(
                "node", worker.node(),
                "alive", worker.alive(),
                "pid", worker.pid(),
                "starts", worker.starts(),
                "restarts", worker.restarts(),
                "log", worker.log().orElse(null));
    }

    /** What the deployment knows of its items, under a robustness level above NONE. */
    private static Map<String, Object> tracking(ItemTracking tracking) {
        return ordered(
                "level", tracking.level(),
                "introduced", tracking.introduced(),
                "completed", tracking.completed(),
                "pending", tracking.pending(),
                "failed", tracking.failed(),
                "replays", tracking.replays(),
                "deadLettered", tracking.deadLettered(),
                "allProcessed", tracking.allProcessed(),
                "recentFailures",
                        tracking.recentFailures().stream()
                                .map(f -> ordered(
                                        "node", f.node(),
                                        "item", f.item(),
                                        "error", f.error(),
                                        "time", f.time().toString(),
                                        "attempt", f.attempt()))
                                .toList());
    }

    static Map<String, Object> node(NodeStatus node) {
        Map<String, Object> view = ordered(
                "id", node.id(),
                "kind", node.kind(),
                "state", node.state(),
                "instances", node.instances(),
                "itemsIn", node.itemsIn(),
                "itemsOut", node.itemsOut(),
                "errors", node.errors(),
                "queueDepth", node.queueDepth(),
                "lastActivity", node.lastActivity().map(Object::toString).orElse(null));
        node.rescaling().ifPresent(move -> view.put("rescaling", move)); // "from 2 to 5", while it moves
        if (node.elastic()) {
            view.put("elastic", true);
            view.put("extraMembers", node.extraMembers());
        }
        return view;
    }
}
