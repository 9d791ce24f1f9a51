package io.sluice.spi;

import io.sluice.DeploymentState;
import io.sluice.ItemFailure;
import io.sluice.NodeFailedException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The life of a deployment, shared by every runtime so that all systems report and wait alike: RUNNING until every
 * part (task, worker, supervised process) has ended — then COMPLETED — unless the first failure makes it FAILED or a
 * stop makes it CANCELLED first. Thread-safe.
 */
public final class Lifecycle {

    private final Object lock = new Object();
    private volatile DeploymentState state = DeploymentState.RUNNING;
    private volatile NodeFailedException failure;
    private int running; // guarded by lock

    public Lifecycle(int parts) {
        this.running = parts;
    }

    /** A failure of something that is not the user's code inside a node (a client, a thread), named by the node. */
    public static NodeFailedException failureOf(String nodeId, String where, Throwable error) {
        if (error instanceof NodeFailedException f) {
            return f;
        }
        return new NodeFailedException(
                nodeId, "Node '" + nodeId + "' (" + where + ") failed: " + ItemFailure.errorOf(error), error);
    }

    public DeploymentState state() {
        return state;
    }

    public boolean isRunning() {
        return state == DeploymentState.RUNNING;
    }

    /** The first failure's message, if the deployment failed. */
    public Optional<String> failureMessage() {
        return Optional.ofNullable(failure).map(Throwable::getMessage);
    }

    /** The first failure, if the deployment failed. */
    public Optional<NodeFailedException> failure() {
        return Optional.ofNullable(failure);
    }

    /** Records the first failure; returns {@code true} if this call moved the deployment to FAILED. */
    public boolean fail(NodeFailedException error) {
        synchronized (lock) {
            if (state != DeploymentState.RUNNING) {
                return false;
            }
            failure = error;
            state = DeploymentState.FAILED;
            lock.notifyAll();
            return true;
        }
    }

    /** Stops a running deployment; returns {@code true} if this call moved it to CANCELLED. */
    public boolean cancel() {
        synchronized (lock) {
            if (state != DeploymentState.RUNNING) {
                return false;
            }
            state = DeploymentState.CANCELLED;
            lock.notifyAll();
            return true;
        }
    }

    /** A part has ended; the last one to end completes a deployment that is still running. */
    public void partEnded() {
        synchronized (lock) {
            if (--running == 0 && state == DeploymentState.RUNNING) {
                state = DeploymentState.COMPLETED;
            }
            lock.notifyAll();
        }
    }

    /** Waits up to {@code timeout} for every part to end; returns whether they all have. */
    public boolean awaitPartsEnded(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (running > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    /**
     * The contract of {@link io.sluice.Deployment#awaitTermination}: waits until the deployment is no longer running.
     *
     * @return the state it ended in, or RUNNING if the timeout passed first
     */
    public DeploymentState awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (state == DeploymentState.RUNNING) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return state;
        }
    }
}
