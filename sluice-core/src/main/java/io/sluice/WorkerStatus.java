package io.sluice;

import java.util.Objects;
import java.util.Optional;

/**
 * A worker process of a deployment, as its supervisor sees it: on KAFKA with {@code Workers.processes}, one per node.
 *
 * @param node the node the worker runs
 * @param alive whether its process runs now
 * @param pid the process id of its latest process; 0 before the first started
 * @param starts how many times a process of it started: 1, and one more for each restart after a crash or kill
 * @param log the file its processes write their output to, where the runtime knows it
 */
public record WorkerStatus(String node, boolean alive, long pid, int starts, Optional<String> log) {

    public WorkerStatus {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(log, "log");
        if (starts < 0) {
            throw new IllegalArgumentException("WorkerStatus.starts: must be ≥ 0, found " + starts);
        }
    }

    /** How many times the worker was restarted: its starts after the first. */
    public int restarts() {
        return Math.max(0, starts - 1);
    }
}
