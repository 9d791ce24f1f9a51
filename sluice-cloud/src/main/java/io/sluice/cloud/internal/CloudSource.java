package io.sluice.cloud.internal;

import io.sluice.Emitter;
import io.sluice.NodeContext;
import io.sluice.Resumable;
import io.sluice.StartNode;
import io.sluice.cloud.CloudClient;
import io.sluice.cloud.CloudObject;
import io.sluice.cloud.Subscription;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The start node of a {@code cloud://} source: one subscription per instance, objects emitted as JSON text. Where the
 * runtime commits positions (KAFKA, LOCAL with checkpoints) an object is acknowledged once a commit covers it ({@link
 * #committed}): a crash before that leaves it unacknowledged, and the node delivers it again, to the restarted
 * instance or another member of its group. Elsewhere nothing is ever committed, and objects are acknowledged at the
 * next pull, once those of the previous one have gone downstream.
 *
 * <p>Its position is how many objects it has emitted in all runs, which a restart resumes from so that {@code count}
 * still bounds the whole run, and the ids of the objects of the last two commits: the objects themselves come back
 * from the node, not from the position, and one the node delivers again although a commit covered it (its
 * acknowledgement was lost with a killed worker) is acknowledged and dropped, not emitted twice.
 */
public final class CloudSource implements StartNode<String>, Resumable {

    /**
     * For the crash test's power check only: {@code ack-at-pull} acknowledges objects at the next pull even where the
     * runtime commits positions, as this source did before, which loses the objects of a killed worker's last pulls.
     */
    static final String FAULT_PROPERTY = "sluice.cloud.fault";

    private final String node;
    private final String type;
    private final String group;
    private final String token;
    private final java.nio.file.Path trusted;
    private final long count;
    private final BlockingQueue<CloudObject> arrived = new ArrayBlockingQueue<>(2 * NodeCore.MAX_IN_FLIGHT);
    private final List<CloudObject> emitted = new ArrayList<>();
    private final Deque<CloudObject> uncommitted = new ArrayDeque<>(); // emitted, waiting for a commit to cover them
    private final List<String> acknowledged = new ArrayList<>(); // ids the last commit covered, acknowledged since
    private final java.util.Set<String> committedBefore = new java.util.HashSet<>(); // ids a resumed position names
    private CloudClient client;
    private Subscription subscription;
    private boolean ackOnCommit;
    private long seen; // objects emitted in all runs: the position

    public CloudSource(String node, String type, String group, String token, java.nio.file.Path trusted, long count) {
        this.trusted = trusted;
        this.node = node;
        this.type = type;
        this.group = group;
        this.token = token;
        this.count = count;
    }

    @Override
    public void open(NodeContext context) {
        boolean ackAtPull = System.getProperty(FAULT_PROPERTY, "").contains("ack-at-pull");
        if (ackAtPull) {
            org.slf4j.LoggerFactory.getLogger(CloudSource.class)
                    .warn(
                            "Injecting a fault for a crash test ({}=ack-at-pull): node '{}' acknowledges objects"
                                    + " before a commit covers them",
                            FAULT_PROPERTY,
                            context.nodeId());
        }
        ackOnCommit = context.positionsCommitted() && !ackAtPull;
        client = CloudClient.connect(node, token, trusted);
        String chosen = group != null ? group : context.graph() + "." + context.nodeId();
        subscription = client.subscribe(type, chosen, object -> {
            try {
                arrived.put(object);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Override
    public boolean pull(Emitter<String> emitter) throws InterruptedException {
        if (ackOnCommit) {
            uncommitted.addAll(emitted);
        } else {
            emitted.forEach(CloudObject::ack);
        }
        emitted.clear();
        if (count > 0 && seen >= count) {
            return false;
        }
        if (subscription.ended().isCompletedExceptionally()) {
            subscription.ended().join(); // the node went away or refused: the deployment fails with its message
        }
        CloudObject first = arrived.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
            return true;
        }
        emitted.add(first);
        arrived.drainTo(emitted, 499);
        if (!committedBefore.isEmpty()) {
            dropCommittedBefore();
        }
        if (count > 0 && seen + emitted.size() > count) {
            emitted.subList((int) (count - seen), emitted.size()).clear(); // the rest stays unacknowledged
        }
        for (CloudObject object : emitted) {
            emitter.emit(object.object().toString());
        }
        seen += emitted.size();
        return true;
    }

    /**
     * Acknowledges and drops the objects a commit of the run before this one covered: the node delivers them again
     * when that run's acknowledgements were lost with it.
     */
    private void dropCommittedBefore() {
        for (Iterator<CloudObject> objects = emitted.iterator(); objects.hasNext(); ) {
            CloudObject object = objects.next();
            if (committedBefore.remove(object.id())) {
                object.ack();
                objects.remove();
            }
        }
    }

    /**
     * How many objects it emitted in all runs, then the ids of the objects the commit that keeps this position covers
     * and of those the commit before covered, whose acknowledgements a kill may have kept from the node: {@code
     * 1234; ,…}.
     */
    @Override
    public String position() {
        StringBuilder position = new StringBuilder(Long.toString(seen)).append(';');
        String separator = "";
        for (String id : acknowledged) {
            position.append(separator).append(id);
            separator = ",";
        }
        for (Iterable<CloudObject> objects : List.of(uncommitted, emitted)) {
            for (CloudObject object : objects) {
                position.append(separator).append(object.id());
                separator = ",";
            }
        }
        return position.toString();
    }

    @Override
    public void resume(String position) {
        int ids = position.indexOf(';');
        seen = Long.parseLong(ids < 0 ? position : position.substring(0, ids));
        if (ids >= 0 && ids + 1 < position.length()) {
            committedBefore.addAll(List.of(position.substring(ids + 1).split(",")));
        }
    }

    /** Acknowledges the objects a commit now covers: those emitted before {@code position}. */
    @Override
    public void committed(String position) {
        int ids = position.indexOf(';');
        long covered = Long.parseLong(ids < 0 ? position : position.substring(0, ids));
        uncommitted.addAll(emitted); // a commit between two pulls covers the last pull's objects too
        emitted.clear();
        acknowledged.clear();
        for (long at = seen - uncommitted.size(); at < covered && !uncommitted.isEmpty(); at++) {
            CloudObject object = uncommitted.poll();
            object.ack();
            acknowledged.add(object.id());
        }
    }

    @Override
    public void close() {
        if (subscription != null) {
            subscription.close();
        }
        if (client != null) {
            client.close();
        }
    }
}
