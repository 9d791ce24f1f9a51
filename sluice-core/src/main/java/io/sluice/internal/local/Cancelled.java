package io.sluice.internal.local;

/**
 * Thrown inside a task when the deployment is stopping (closed, or another node failed) to unwind the task's stack
 * from wherever it waits. Not a failure: no stack trace is kept.
 */
final class Cancelled extends RuntimeException {

    private static final long serialVersionUID = 1L;

    static final Cancelled INSTANCE = new Cancelled();

    private Cancelled() {
        super("deployment stopping", null, false, false);
    }
}
