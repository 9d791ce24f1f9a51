package io.sluice;

import java.time.Instant;
import java.util.Optional;

/**
 * A snapshot of one node of a deployment, summed over its instances.
 *
 * @param id the node's id
 * @param kind start, processing or end
 * @param state where the node is in its life
 * @param instances how many instances run
 * @param itemsIn items taken so far (0 for a start node)
 * @param itemsOut items emitted so far, on every port (0 for an end node)
 * @param errors failures of the node's code so far
 * @param queueDepth items waiting in the node's input queues (LOCAL); 0 when it is chained to its upstream node
 * @param lastActivity when the node last took or emitted an item; empty if it never has
 * @param rescaling while the node is being rescaled ({@link Deployment#scale}), the move: {@code from 2 to 5};
 *     empty otherwise
 * @param elastic whether the node's instances share its input by consumer-group membership (KAFKA's elastic nodes),
 *     so that extra members can join it while it runs
 * @param extraMembers of an elastic node, the extra members that have joined it beyond its {@code instances} (those
 *     running, and those that ran and left); 0 otherwise
 */
public record NodeStatus(
        String id,
        NodeKind kind,
        NodeState state,
        int instances,
        long itemsIn,
        long itemsOut,
        long errors,
        long queueDepth,
        Optional<Instant> lastActivity,
        Optional<String> rescaling,
        boolean elastic,
        int extraMembers) {

    public NodeStatus {
        java.util.Objects.requireNonNull(lastActivity, "lastActivity");
        java.util.Objects.requireNonNull(rescaling, "rescaling");
        if (extraMembers < 0 || (extraMembers > 0 && !elastic)) {
            throw new IllegalArgumentException("NodeStatus '" + id + "': extraMembers must be ≥ 0, and 0 unless the"
                    + " node is elastic; found " + extraMembers + (elastic ? "" : " on a static node"));
        }
    }

    /** The status of a static node. */
    public NodeStatus(
            String id,
            NodeKind kind,
            NodeState state,
            int instances,
            long itemsIn,
            long itemsOut,
            long errors,
            long queueDepth,
            Optional<Instant> lastActivity,
            Optional<String> rescaling) {
        this(id, kind, state, instances, itemsIn, itemsOut, errors, queueDepth, lastActivity, rescaling, false, 0);
    }

    /** The status of a node that is not being rescaled. */
    public NodeStatus(
            String id,
            NodeKind kind,
            NodeState state,
            int instances,
            long itemsIn,
            long itemsOut,
            long errors,
            long queueDepth,
            Optional<Instant> lastActivity) {
        this(id, kind, state, instances, itemsIn, itemsOut, errors, queueDepth, lastActivity, Optional.empty());
    }

    /** This status, showing the node being rescaled from {@code from} to {@code to} instances. */
    public NodeStatus rescaling(int from, int to) {
        return new NodeStatus(
                id,
                kind,
                state,
                instances,
                itemsIn,
                itemsOut,
                errors,
                queueDepth,
                lastActivity,
                Optional.of("from " + from + " to " + to),
                elastic,
                extraMembers);
    }
}
