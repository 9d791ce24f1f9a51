package io.sluice;

/** Where a deployment is in its life. */
public enum DeploymentState {
    /** Nodes are running, or (LOCAL single-thread mode) waiting to be driven. */
    RUNNING,
    /** Every bounded input was processed to the end and every node closed. */
    COMPLETED,
    /** A node failed; the others were stopped. */
    FAILED,
    /** Stopped by {@link Deployment#close()} before it completed. */
    CANCELLED;

    /** Whether the deployment has ended, one way or another. */
    public boolean isFinal() {
        return this != RUNNING;
    }
}
