package io.sluice.kafka.internal;

import io.sluice.ComputationalGraph;
import io.sluice.DeadLetter;
import io.sluice.Edge;
import io.sluice.ItemFailure;
import io.sluice.NodeFailedException;
import io.sluice.Robustness;
import io.sluice.kafka.TopicPlan;
import io.sluice.spi.InstanceStores;
import io.sluice.spi.NodeInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What a worker does with a record that fails, under the node's robustness level: replays it, gives it up, writes it
 * to the dead-letter topic, and keeps count. An attempt holds the node's emits in an outbox until it succeeded, so a
 * failed attempt leaves nothing behind. Runs on the worker's thread; the counters are read from any thread.
 */
final class Attempts {

    private static final int RECENT_FAILURES = 10;

    private final WorkerHost deployment;
    private final ComputationalGraph graph;
    private final Robustness.Level level;
    private volatile long replays;
    private volatile long givenUp;
    private volatile long deadLettered;
    private final Deque<ItemFailure> recentFailures = new ConcurrentLinkedDeque<>();

    // ---- the outbox: a record's emits are held until the record succeeded ----
    private boolean holding;
    private final List<Consumer<Object>> heldTargets = new ArrayList<>();
    private final List<Object> heldItems = new ArrayList<>();

    Attempts(WorkerHost deployment, Robustness.Level level) {
        this.deployment = deployment;
        this.graph = deployment.graph();
        this.level = level;
    }

    /**
     * Hands one record to the node. Under NONE a failure fails the deployment. Above it, the failure is the record's:
     * under REPLAY the record — the item's nearest durable ancestor — is processed again after a back-off, up to the
     * graph's attempts, then written to the dead-letter topic with every failure; under CONFIRM and TRACK it is given
     * up at once. Either way the offset moves on, so a poison record never blocks its partition.
     *
     * @param item the record, read
     * @param deadLetters where items given up go under REPLAY; {@code null} when they go nowhere
     */
    void process(
            NodeInstance node,
            InstanceStores stores,
            ConsumerRecord<byte[], byte[]> record,
            Object item,
            Consumer<DeadLetter> deadLetters) {
        if (level == Robustness.Level.NONE) {
            node.accept(item);
            return;
        }
        Robustness robustness = graph.robustness();
        List<ItemFailure> failures = new ArrayList<>();
        for (int attempt = 1; ; attempt++) {
            try {
                attempt(node, stores, item);
                return;
            } catch (NodeFailedException e) {
                if (!deployment.isRunning() || e.getCause() instanceof ItemTypeException) {
                    throw e; // an item KAFKA cannot move is the deployment's mistake, not this record's
                }
                ItemFailure failure = ItemFailure.of(e, attempt);
                failures.add(failure);
                if (level.compareTo(Robustness.Level.TRACK) >= 0) {
                    recentFailures.add(failure);
                    while (recentFailures.size() > RECENT_FAILURES) {
                        recentFailures.poll();
                    }
                }
                if (level == Robustness.Level.REPLAY && attempt < robustness.attempts()) {
                    replays++;
                    sleep(robustness.backoffBefore(attempt + 1));
                    continue;
                }
                givenUp++;
                if (level == Robustness.Level.REPLAY && deadLetters != null) {
                    String source = graph.edges().stream()
                            .filter(edge -> TopicPlan.outputTopic(graph.name(), edge.from(), edge.port())
                                    .equals(record.topic()))
                            .map(Edge::from)
                            .findFirst()
                            .orElse(record.topic());
                    deadLetters.accept(new DeadLetter(source, item, attempt, failures));
                    deadLettered++;
                }
                return;
            }
        }
    }

    /**
     * One attempt at a record: what the node emits is held and its store writes can be undone, so that a failed
     * attempt leaves nothing behind — not in the output, not in the changelog, not in the transaction.
     */
    private void attempt(NodeInstance node, InstanceStores stores, Object item) {
        holding = true;
        stores.beginAttempt();
        boolean succeeded = false;
        try {
            node.accept(item);
            succeeded = true;
        } finally {
            holding = false;
            stores.endAttempt(succeeded);
            if (succeeded) {
                for (int i = 0; i < heldItems.size(); i++) {
                    heldTargets.get(i).accept(heldItems.get(i));
                }
            }
            heldTargets.clear();
            heldItems.clear();
        }
    }

    /** Sends {@code item} to {@code target} now, or once the record under way has succeeded. */
    void hold(Consumer<Object> target, Object item) {
        if (holding) {
            heldTargets.add(target);
            heldItems.add(item);
        } else {
            target.accept(item);
        }
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.sluice.SluiceException("interrupted while waiting to replay", e);
        }
    }

    /** Records processed again under REPLAY. */
    long replays() {
        return replays;
    }

    /** Records given up on. */
    long givenUp() {
        return givenUp;
    }

    /** Records written to the dead-letter topic. */
    long deadLettered() {
        return deadLettered;
    }

    /** The most recent failures (under TRACK and REPLAY), oldest first. */
    List<ItemFailure> recentFailures() {
        return List.copyOf(recentFailures);
    }
}
