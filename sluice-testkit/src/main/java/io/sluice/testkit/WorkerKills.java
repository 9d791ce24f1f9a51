package io.sluice.testkit;

import io.sluice.Deployment;
import io.sluice.NodeKind;
import io.sluice.NodeStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Kills the process workers of a running KAFKA deployment with SIGKILL at random moments, the way a crash test needs
 * it: each kill takes a worker that has been up for a while and moved at least {@value #PROGRESS} items since it
 * started (so that it restored, processed and committed — on a loaded machine a fixed time is not enough), the first
 * kills take one worker of each node named, in an order the random source picks, and the rest any of them.
 */
public final class WorkerKills {

    /** Items a worker moves (a start node emits, another takes) after it started before it may be killed. */
    static final long PROGRESS = 2_000;

    private WorkerKills() {}

    /** What a worker had moved when it was first seen, and whether it has moved enough since. */
    private static final class Sighting {
        private final long nanos;
        private long base;

        Sighting(long nanos, long moved) {
            this.nanos = nanos;
            this.base = moved;
        }

        boolean ready(long now, long moved, Duration upBeforeKill) {
            if (moved < base) {
                base = moved; // the node's counters started again with the new worker
            }
            return now - nanos > upBeforeKill.toNanos() && moved - base >= PROGRESS;
        }
    }

    private static long moved(Deployment deployment, String node) {
        NodeStatus status = deployment.status().node(node);
        return status.kind() == NodeKind.START ? status.itemsOut() : status.itemsIn();
    }

    /**
     * Kills {@code count} workers of {@code nodes}, or fewer if the deployment ends first, and returns the nodes
     * killed, in order.
     *
     * @param logs the workers' log directory, which says which process runs a node now
     * @param upBeforeKill how long a worker runs before it may be killed, at the least
     */
    public static List<String> kill(
            Deployment deployment, Path logs, List<String> nodes, int count, Random random, Duration upBeforeKill)
            throws IOException, InterruptedException {
        List<String> kills = new ArrayList<>();
        List<String> order = new ArrayList<>(nodes);
        Collections.shuffle(order, random);
        Map<Long, Sighting> firstSeen = new HashMap<>();
        WorkerLogs workers = WorkerLogs.in(logs);
        while (kills.size() < count && !deployment.status().state().isFinal()) {
            Thread.sleep(100 + random.nextInt(400)); // a random moment, not a wait for a result
            List<String> candidates = kills.size() < order.size() ? List.of(order.get(kills.size())) : order;
            List<ProcessHandle> ready = new ArrayList<>();
            List<String> readyNodes = new ArrayList<>();
            long now = System.nanoTime();
            for (String node : candidates) {
                ProcessHandle handle = workers.liveWorker(node);
                if (handle != null) {
                    long moved = moved(deployment, node);
                    Sighting seen = firstSeen.computeIfAbsent(handle.pid(), pid -> new Sighting(now, moved));
                    if (seen.ready(now, moved, upBeforeKill)) {
                        ready.add(handle);
                        readyNodes.add(node);
                    }
                }
            }
            if (ready.isEmpty()) {
                continue;
            }
            int pick = random.nextInt(ready.size());
            ProcessHandle victim = ready.get(pick);
            victim.destroyForcibly(); // kill -9
            try {
                victim.onExit().get(1, TimeUnit.MINUTES);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("worker " + victim.pid() + " outlived its kill -9 by a minute", e);
            }
            kills.add(readyNodes.get(pick));
        }
        return kills;
    }
}
