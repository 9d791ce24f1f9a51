package io.sluice.kafka.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

/**
 * How often a supervisor may restart its node's worker: at most {@code limit} restarts within any {@code window}.
 * Restarts older than the window are forgotten, so rare deaths over a long life never add up to a failure, while a
 * worker that keeps dying is given up on quickly. The clock is given, so that the counting can be tested without
 * waiting. Used by one supervisor thread.
 */
final class RestartLimit {

    private final int limit;
    private final Duration window;
    private final LongSupplier nanoTime;
    private final Deque<Long> restarts = new ArrayDeque<>(); // when each restart within the window was granted

    RestartLimit(int limit, Duration window, LongSupplier nanoTime) {
        this.limit = limit;
        this.window = window;
        this.nanoTime = nanoTime;
    }

    /** A worker died just now: grants a restart and counts it, or returns {@code false} if the limit is reached. */
    boolean allowRestart() {
        long now = nanoTime.getAsLong();
        long windowNanos = window.toNanos();
        while (!restarts.isEmpty() && now - restarts.peekFirst() >= windowNanos) {
            restarts.pollFirst();
        }
        if (restarts.size() >= limit) {
            return false;
        }
        restarts.addLast(now);
        return true;
    }

    /** The restarts granted within the window, as of the last {@link #allowRestart}. */
    int restartsInWindow() {
        return restarts.size();
    }

    /** Why the deployment fails once {@link #allowRestart} said no: every death within the window, counted. */
    String exhausted(String nodeId, int lastExit, Path log) {
        return "Node '" + nodeId + "': its worker died " + times(restarts.size() + 1) + " within " + describe(window)
                + " (last exit code " + lastExit + "), more than the " + limit + " restart" + (limit == 1 ? "" : "s")
                + " allowed in that window; see " + log + "; if the node is expected to die this often, raise"
                + " Workers.withRestartLimit(restarts, window)";
    }

    /** For log lines: {@code 3 of 10 within 5 min}. */
    String progress() {
        return restarts.size() + " of " + limit + " within " + describe(window);
    }

    private static String times(int n) {
        return n == 1 ? "once" : n + " times";
    }

    /** A duration as people write it: {@code 5 min}, {@code 30 s}, {@code 1500 ms}. */
    static String describe(Duration duration) {
        long millis = duration.toMillis();
        if (millis >= 3_600_000 && millis % 3_600_000 == 0) {
            return millis / 3_600_000 + " h";
        }
        if (millis >= 60_000 && millis % 60_000 == 0) {
            return millis / 60_000 + " min";
        }
        if (millis >= 1000 && millis % 1000 == 0) {
            return millis / 1000 + " s";
        }
        return millis + " ms";
    }
}
