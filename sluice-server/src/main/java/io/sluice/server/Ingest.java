package io.sluice.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.Inbox;
import io.sluice.Sources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Items pushed over HTTP into the inbox behind a start node made by {@link Sources#inbox}, and the end of that inbox.
 *
 * <p>What a client is told is what happened:
 *
 * <ul>
 *   <li>The whole request is read and every item converted before any enters the graph: one bad item (a {@code
 *       null}, a wrong type) is a 400 naming its index, and nothing of the request is taken — a retry duplicates
 *       nothing.
 *   <li>One deadline per request ({@link ServerOptions#ingestTimeout()}), not per item. Requests to one inbox take
 *       turns, so a request's items stay together and in order.
 *   <li>If the inbox stays full past the deadline, the answer is 503 with {@code Retry-After} and {@code accepted}: how
 *       many items, from the first, are in the graph. Core's {@link Inbox} can neither take a batch whole nor say how
 *       much room it has, so this prefix cannot always be empty; a client sends the items from index {@code accepted}
 *       on again.
 *   <li>Once the deployment has ended, is being stopped through the API, or the inbox was ended, the answer is 409
 *       with the {@code state}, and nothing is taken. A stop waits for the requests already being taken in.
 * </ul>
 */
final class Ingest {

    private final Deployment deployment;
    private final ServerOptions options;
    private final Map<String, ReentrantLock> turns = new ConcurrentHashMap<>();
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private volatile boolean stopping;

    Ingest(Deployment deployment, ServerOptions options) {
        this.deployment = deployment;
        this.options = options;
    }

    /** {@code POST /api/nodes/{id}/items}: a JSON item, or an array of items. */
    void items(Context ctx) throws InterruptedException {
        String node = ctx.pathParam("id");
        Inbox<Object> inbox = inbox(node);
        requireOpen(node, inbox);
        List<Object> items = items(Json.body(ctx, options.maxBodyBytes()), inbox.type());
        long deadline = System.nanoTime() + options.ingestTimeout().toNanos();
        int accepted = 0;
        gate.readLock().lock();
        try {
            ReentrantLock turn = turns.computeIfAbsent(node, id -> new ReentrantLock());
            if (!turn.tryLock(left(deadline), TimeUnit.NANOSECONDS)) {
                throw behind(node, 0);
            }
            try {
                requireOpen(node, inbox);
                for (Object item : items) {
                    if (!inbox.offer(item, java.time.Duration.ofNanos(left(deadline)))) {
                        throw behind(node, accepted);
                    }
                    accepted++;
                }
            } catch (IllegalStateException e) { // the inbox was closed from Java meanwhile
                throw new ApiException(409, "Node '" + node + "': " + e.getMessage() + "; accepted " + accepted)
                        .with("accepted", accepted)
                        .with("state", "ENDED");
            } finally {
                turn.unlock();
            }
        } finally {
            gate.readLock().unlock();
        }
        Json.write(ctx, 202, Map.of("accepted", accepted));
    }

    /** {@code POST /api/nodes/{id}/end}: no more items; the start node ends once it has passed on what it holds. */
    void end(Context ctx) {
        String node = ctx.pathParam("id");
        Inbox<Object> inbox = inbox(node);
        ReentrantLock turn = turns.computeIfAbsent(node, id -> new ReentrantLock());
        turn.lock(); // after the request being taken in, if any
        try {
            inbox.close();
        } finally {
            turn.unlock();
        }
        Json.write(ctx, 202, Map.of("ended", node));
    }

    /** Called by {@code POST /api/stop} before the deployment is closed: nothing is taken in from now on. */
    void stop() {
        gate.writeLock().lock();
        try {
            stopping = true;
        } finally {
            gate.writeLock().unlock();
        }
    }

    private void requireOpen(String node, Inbox<Object> inbox) {
        if (stopping) {
            throw closed(node, "the deployment is being stopped", DeploymentState.CANCELLED);
        }
        if (inbox.isClosed()) {
            throw closed(node, "its inbox was ended (POST /api/nodes/" + node + "/end)", "ENDED");
        }
        DeploymentState state = deployment.status().state();
        if (state.isFinal()) {
            throw closed(node, "the deployment is " + state, state);
        }
    }

    private static ApiException closed(String node, String why, Object state) {
        return new ApiException(409, "Node '" + node + "' takes no more items: " + why + "; nothing was accepted")
                .with("accepted", 0)
                .with("state", state);
    }

    /** Every item converted, or a 400 naming the first that cannot be. */
    private static List<Object> items(JsonNode body, Class<?> type) {
        List<Object> items = new ArrayList<>();
        for (JsonNode element : body.isArray() ? body : List.of(body)) {
            int index = items.size();
            if (element.isNull()) {
                throw ApiException.badRequest("item " + index + " is null; every item must be a " + type.getSimpleName()
                        + " — nothing was accepted");
            }
            Object item;
            try {
                item = Json.MAPPER.treeToValue(element, type);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                throw ApiException.badRequest("item " + index + " is not a " + type.getSimpleName() + ": "
                        + Json.firstLine(e.getMessage()) + " — nothing was accepted");
            }
            if (item == null) {
                throw ApiException.badRequest(
                        "item " + index + " is null as a " + type.getSimpleName() + " — nothing was accepted");
            }
            items.add(item);
        }
        return items;
    }

    private ApiException behind(String node, int accepted) {
        return new ApiException(
                        503,
                        "Node '" + node + "' is behind: its inbox stayed full for "
                                + options.ingestTimeout().toMillis() + " ms; accepted " + accepted + " of the items,"
                                + " from the first; send the rest again later")
                .with("accepted", accepted)
                .header("Retry-After", "1");
    }

    private static long left(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    @SuppressWarnings("unchecked")
    private Inbox<Object> inbox(String nodeId) {
        return (Inbox<Object>) deployment
                .graph()
                .inbox(nodeId)
                .orElseThrow(() -> ApiException.badRequest(
                        "Node '" + nodeId + "' does not take items over HTTP; only a start node made"
                                + " with Sources.inbox(inbox) does"));
    }
}
