package io.sluice.server;

import io.javalin.http.sse.SseClient;
import io.sluice.Deployment;
import io.sluice.SluiceException;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/nodes/{id}/results/stream}: new results as server-sent events, from the moment of subscription on —
 * or from result index {@code ?from=N}, so that a client that has read the first N results misses none in between.
 */
final class ResultStreams implements AutoCloseable {

    private static final long PERIOD_MS = 250;

    private final Deployment deployment;
    private final ScheduledExecutorService pusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "sluice-server-streams");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<SseClient, Integer> subscribers = new ConcurrentHashMap<>();

    ResultStreams(Deployment deployment) {
        this.deployment = deployment;
    }

    void start() {
        pusher.scheduleWithFixedDelay(this::push, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    void subscribe(SseClient client) {
        String node = client.ctx().pathParam("id");
        try {
            int size = deployment.results(node).size();
            String from = client.ctx().queryParam("from");
            subscribers.put(client, from == null ? size : Math.min(size, Math.max(0, Integer.parseInt(from))));
        } catch (NumberFormatException e) {
            client.sendEvent(
                    "error",
                    "from must be a result index, found '" + client.ctx().queryParam("from") + "'");
            client.close();
            return;
        } catch (SluiceException e) {
            client.sendEvent("error", e.getMessage());
            client.close();
            return;
        }
        client.onClose(() -> subscribers.remove(client));
        client.keepAlive();
        client.sendComment("results of node " + node); // sends the headers now, before the first result
    }

    private void push() {
        // One read per node per tick, however many clients follow it: on KAFKA a read is a pass over a topic.
        Map<String, List<Object>> byNode = new HashMap<>();
        for (Map.Entry<SseClient, Integer> subscriber : subscribers.entrySet()) {
            SseClient client = subscriber.getKey();
            if (client.terminated()) {
                subscribers.remove(client);
                continue;
            }
            try {
                List<Object> all = byNode.computeIfAbsent(client.ctx().pathParam("id"), deployment::results);
                for (int i = subscriber.getValue(); i < all.size(); i++) {
                    client.sendEvent("result", Json.MAPPER.writeValueAsString(all.get(i)));
                }
                subscribers.put(client, all.size());
            } catch (IOException | RuntimeException e) {
                client.close();
                subscribers.remove(client);
            }
        }
    }

    @Override
    public void close() {
        pusher.shutdownNow();
        subscribers.keySet().forEach(SseClient::close);
    }
}
