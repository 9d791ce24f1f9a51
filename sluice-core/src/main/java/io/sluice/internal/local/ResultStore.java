package io.sluice.internal.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The results end nodes keep, by node id: appended by node threads, copied out by readers. */
final class ResultStore {

    private final Map<String, List<Object>> byNode = new ConcurrentHashMap<>();

    void add(String nodeId, Object item) {
        List<Object> items = byNode.computeIfAbsent(nodeId, id -> new ArrayList<>());
        synchronized (items) {
            items.add(item);
        }
    }

    List<Object> snapshot(String nodeId) {
        List<Object> items = byNode.get(nodeId);
        if (items == null) {
            return List.of();
        }
        synchronized (items) {
            return List.copyOf(items);
        }
    }
}
