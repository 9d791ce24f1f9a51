package io.sluice;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How hard a deployment works to process every item completely: a graph-wide {@link Level}, overridable per node, and
 * the settings of replay.
 *
 * <p>An item introduced by a start node is <i>completely processed</i> once every item derived from it, on every
 * branch, has reached an end node or been consumed by a node that emitted nothing for it — its tuple tree, as Storm
 * calls it. From {@link Level#CONFIRM} up, the runtime follows every tree (cheaply: the bookkeeping is paid per hop
 * between tasks and settled per batch) and a node that throws on an item fails that item, not the deployment.
 *
 * <pre>{@code
 * ComputationalGraph.builder("orders")
 *         ...
 *         .end("dead", Sinks.collect())
 *         .robustness(Robustness.replay(3).withBackoff(Duration.ofMillis(50)).withDeadLetter("dead"))
 *         .build();
 * }</pre>
 *
 * @param level the graph-wide level
 * @param nodeLevels levels that differ from {@code level}, by node id
 * @param attempts under {@link Level#REPLAY}, how many times an item is processed at most (the first time included)
 *     before it goes to the dead-letter output
 * @param backoff the wait before the first replay; it doubles with every further attempt, up to a minute
 * @param deadLetter the end node that takes the items given up under REPLAY, as {@link DeadLetter}s; it has no
 *     inbound edge. Without one, given-up items are counted and kept among the recent failures only
 * @param failuresKept under {@link Level#TRACK} and {@link Level#REPLAY}, how many recent failures status keeps
 */
public record Robustness(
        Level level,
        Map<String, Level> nodeLevels,
        int attempts,
        Duration backoff,
        Optional<String> deadLetter,
        int failuresKept) {

    /** The robustness levels, each including the ones before it. */
    public enum Level {
        /** No tracking: a node that throws fails the deployment. The fastest path, and the default. */
        NONE,
        /** The deployment knows whether every item introduced so far was completely processed, with counts. */
        CONFIRM,
        /** As CONFIRM, and status keeps the most recent failures: item, node, error, time and attempt. */
        TRACK,
        /** As TRACK, and a failed item is replayed from its source item, then sent to the dead-letter output. */
        REPLAY
    }

    private static final Duration DEFAULT_BACKOFF = Duration.ofMillis(100);
    private static final int DEFAULT_FAILURES_KEPT = 100;

    public Robustness {
        Objects.requireNonNull(level, "level");
        nodeLevels = Map.copyOf(nodeLevels);
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(deadLetter, "deadLetter");
        if (attempts < 1) {
            throw new IllegalArgumentException("Robustness.attempts: must be ≥ 1, found " + attempts);
        }
        if (backoff.isNegative()) {
            throw new IllegalArgumentException("Robustness.backoff: must not be negative, found " + backoff);
        }
        if (failuresKept < 0) {
            throw new IllegalArgumentException("Robustness.failuresKept: must be ≥ 0, found " + failuresKept);
        }
    }

    /** No tracking, the default. */
    public static Robustness none() {
        return of(Level.NONE);
    }

    /** Knows whether every item was completely processed. */
    public static Robustness confirm() {
        return of(Level.CONFIRM);
    }

    /** Confirms, and keeps the recent failures. */
    public static Robustness track() {
        return of(Level.TRACK);
    }

    /** Replays a failed item until it has been tried {@code attempts} times in all, then gives it up. */
    public static Robustness replay(int attempts) {
        return new Robustness(
                Level.REPLAY, Map.of(), attempts, DEFAULT_BACKOFF, Optional.empty(), DEFAULT_FAILURES_KEPT);
    }

    /** The graph-wide {@code level} with default settings (3 attempts under REPLAY). */
    public static Robustness of(Level level) {
        return new Robustness(level, Map.of(), 3, DEFAULT_BACKOFF, Optional.empty(), DEFAULT_FAILURES_KEPT);
    }

    /** The level of node {@code nodeId}: its own, or the graph's. */
    public Level levelOf(String nodeId) {
        return nodeLevels.getOrDefault(nodeId, level);
    }

    /** Whether any node is tracked, that is, whether the runtime follows tuple trees at all. */
    public boolean tracks() {
        return level != Level.NONE || nodeLevels.values().stream().anyMatch(l -> l != Level.NONE);
    }

    /** Whether any node replays, so that the graph has use for a dead-letter output. */
    public boolean replays() {
        return level == Level.REPLAY || nodeLevels.containsValue(Level.REPLAY);
    }

    /** The wait before attempt {@code attempt} (2 or more): the backoff, doubled for every attempt after the second. */
    public Duration backoffBefore(int attempt) {
        Duration wait = backoff;
        for (int i = 2; i < attempt && wait.compareTo(Duration.ofMinutes(1)) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : wait;
    }

    public Robustness withNode(String nodeId, Level nodeLevel) {
        Map<String, Level> levels = new TreeMap<>(nodeLevels);
        levels.put(Objects.requireNonNull(nodeId, "nodeId"), Objects.requireNonNull(nodeLevel, "level"));
        return new Robustness(level, levels, attempts, backoff, deadLetter, failuresKept);
    }

    public Robustness withAttempts(int attempts) {
        return new Robustness(level, nodeLevels, attempts, backoff, deadLetter, failuresKept);
    }

    public Robustness withBackoff(Duration backoff) {
        return new Robustness(level, nodeLevels, attempts, backoff, deadLetter, failuresKept);
    }

    public Robustness withDeadLetter(String endNodeId) {
        return new Robustness(level, nodeLevels, attempts, backoff, Optional.of(endNodeId), failuresKept);
    }

    public Robustness withFailuresKept(int failuresKept) {
        return new Robustness(level, nodeLevels, attempts, backoff, deadLetter, failuresKept);
    }
}
