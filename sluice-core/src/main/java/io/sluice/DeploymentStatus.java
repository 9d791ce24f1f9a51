package io.sluice;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a deployment and of each of its nodes.
 *
 * @param id the deployment's id
 * @param system where it runs
 * @param state where it is in its life
 * @param nodes every node's status, by id, in the order the graph defines them
 * @param failure why the deployment failed, when it did: the node, the item and the cause
 * @param tracking what the deployment knows of its items, from {@link Robustness.Level#CONFIRM} up
 * @param workers the deployment's worker processes, where it has some (KAFKA with {@code Workers.processes}); empty
 *     where nodes run on threads
 */
public record DeploymentStatus(
        String id,
        SystemType system,
        DeploymentState state,
        Map<String, NodeStatus> nodes,
        Optional<String> failure,
        Optional<ItemTracking> tracking,
        List<WorkerStatus> workers) {

    public DeploymentStatus {
        nodes = Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
        Objects.requireNonNull(tracking, "tracking");
        workers = List.copyOf(workers);
    }

    /** The status of a deployment without worker processes. */
    public DeploymentStatus(
            String id,
            SystemType system,
            DeploymentState state,
            Map<String, NodeStatus> nodes,
            Optional<String> failure,
            Optional<ItemTracking> tracking) {
        this(id, system, state, nodes, failure, tracking, List.of());
    }

    /** This status with {@code workers}. */
    public DeploymentStatus withWorkers(List<WorkerStatus> workers) {
        return new DeploymentStatus(id, system, state, nodes, failure, tracking, workers);
    }

    /** This status with {@code nodes} in place of its nodes' statuses. */
    public DeploymentStatus withNodes(Map<String, NodeStatus> nodes) {
        return new DeploymentStatus(id, system, state, nodes, failure, tracking, workers);
    }

    /** The status of a deployment that does not track its items. */
    public DeploymentStatus(
            String id,
            SystemType system,
            DeploymentState state,
            Map<String, NodeStatus> nodes,
            Optional<String> failure) {
        this(id, system, state, nodes, failure, Optional.empty());
    }

    /**
     * The status of one node.
     *
     * @throws NotDefinedException if the graph has no such node, listing those it has
     */
    public NodeStatus node(String nodeId) {
        NodeStatus status = nodes.get(nodeId);
        if (status == null) {
            throw new NotDefinedException(
                    "Node '" + nodeId + "' is not defined; defined nodes: " + List.copyOf(nodes.keySet()));
        }
        return status;
    }
}
