package io.sluice.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.DeploymentStatus;
import io.sluice.NodeSpec;
import io.sluice.NodeStatus;
import java.util.function.ToDoubleFunction;

/**
 * {@code GET /metrics}: every node's counters and whether the deployment runs, for Prometheus (Micrometer). Each scrape
 * reads the status once and every gauge answers from that one reading, so the figures of one scrape belong together.
 */
final class Metrics implements AutoCloseable {

    private final Deployment deployment;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private DeploymentStatus status; // guarded by this: set, then read by the gauges, within one scrape

    Metrics(Deployment deployment) {
        this.deployment = deployment;
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
        Gauge.builder(
                        "sluice_deployment_running",
                        this,
                        metrics -> metrics.status.state() == DeploymentState.RUNNING ? 1 : 0)
                .description("1 while the deployment runs")
                .tag("deployment", deployment.id())
                .register(registry);
    }

    private void gauge(String name, String description, String node, ToDoubleFunction<NodeStatus> value) {
        Gauge.builder(name, this, metrics -> value.applyAsDouble(metrics.status.node(node)))
                .description(description)
                .tag("node", node)
                .register(registry);
    }

    /** The Prometheus text of one status. */
    synchronized String scrape() {
        status = deployment.status();
        return registry.scrape();
    }

    @Override
    public void close() {
        registry.close();
    }
}
