package io.sluice.cloud.internal;

import io.sluice.Emitter;
import io.sluice.NodeContext;
import io.sluice.StartNode;
import io.sluice.cloud.CloudClient;
import io.sluice.cloud.CloudObject;
import io.sluice.cloud.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The start node of a {@code cloud://} source: one subscription per instance, objects emitted as JSON text and
 * acknowledged at the next pull, once the items of the previous one have gone downstream.
 */
public final class CloudSource implements StartNode<String> {

    private final String node;
    private final String type;
    private final String group;
    private final String token;
    private final java.nio.file.Path trusted;
    private final long count;
    private final BlockingQueue<CloudObject> arrived = new ArrayBlockingQueue<>(2 * NodeCore.MAX_IN_FLIGHT);
    private final List<CloudObject> emitted = new ArrayList<>();
    private CloudClient client;
    private Subscription subscription;
    private long seen;

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
        emitted.forEach(CloudObject::ack);
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
        if (count > 0 && seen + emitted.size() > count) {
            emitted.subList((int) (count - seen), emitted.size()).clear(); // the rest stays unacknowledged
        }
        for (CloudObject object : emitted) {
            emitter.emit(object.object().toString());
        }
        seen += emitted.size();
        return true;
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
