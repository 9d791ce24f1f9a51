package io.sluice;

/** Where a node is in its life; for a node with several instances, the state that speaks for all of them. */
public enum NodeState {
    /** Deployed, not yet opened. */
    CREATED,
    /** Open and taking items. */
    RUNNING,
    /** Its inputs ended, it emitted what it held and closed. */
    COMPLETED,
    /** Its code threw; see the deployment's failure. */
    FAILED,
    /** Stopped before it completed, because the deployment was closed or another node failed. */
    CANCELLED;

    /**
     * The state that speaks for all instances of a node: FAILED if any failed, else RUNNING if any runs, else CREATED
     * if any has not started, else CANCELLED if any was stopped, else COMPLETED.
     */
    public static NodeState summarize(java.util.Collection<NodeState> instances) {
        for (NodeState candidate : java.util.List.of(FAILED, RUNNING, CREATED, CANCELLED)) {
            if (instances.contains(candidate)) {
                return candidate;
            }
        }
        return COMPLETED;
    }
}
