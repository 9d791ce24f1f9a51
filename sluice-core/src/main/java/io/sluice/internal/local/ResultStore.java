package io.sluice.internal.local;

import io.sluice.ResultPage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The results end nodes keep, by node id: appended by node threads, read by pages or copied whole by readers. Each
 * node's results are numbered from 0 for the life of the deployment; when more than {@code kept} are held, the oldest
 * are let go a segment at a time, so memory stays bounded and a page never copies what it does not return.
 */
final class ResultStore {

    private static final int SEGMENT = 1024;

    private final long kept;
    private final Map<String, Results> byNode = new ConcurrentHashMap<>();

    ResultStore(long kept) {
        this.kept = kept;
    }

    void add(String nodeId, Object item) {
        byNode.computeIfAbsent(nodeId, id -> new Results()).add(item, kept);
    }

    List<Object> snapshot(String nodeId) {
        Results results = byNode.get(nodeId);
        return results == null ? List.of() : results.page(0, Integer.MAX_VALUE).items();
    }

    ResultPage<Object> page(String nodeId, long from, int limit) {
        Results results = byNode.get(nodeId);
        return results == null ? new ResultPage<>(0, 0, List.of()) : results.page(from, limit);
    }

    ResultPage<Object> latest(String nodeId, int limit) {
        Results results = byNode.get(nodeId);
        return results == null ? new ResultPage<>(0, 0, List.of()) : results.latest(limit);
    }

    /** One node's results: full segments of {@link #SEGMENT} items, the last one filling. */
    private static final class Results {
        private final ArrayDeque<Object[]> segments = new ArrayDeque<>();
        private long dropped; // items let go from the front, always whole segments
        private long total;

        synchronized void add(Object item, long kept) {
            int at = (int) (total % SEGMENT);
            if (at == 0) {
                segments.addLast(new Object[SEGMENT]);
            }
            segments.peekLast()[at] = item;
            total++;
            while (total - dropped - SEGMENT >= kept) {
                segments.removeFirst();
                dropped += SEGMENT;
            }
        }

        synchronized ResultPage<Object> latest(int limit) {
            return page(Math.max(0, total - limit), limit);
        }

        synchronized ResultPage<Object> page(long from, int limit) {
            long first = Math.min(Math.max(from, dropped), total);
            long end = Math.min(total, first + limit);
            List<Object> items = new ArrayList<>((int) (end - first));
            int segment = (int) ((first - dropped) / SEGMENT);
            int at = (int) ((first - dropped) % SEGMENT);
            var it = segments.iterator();
            for (int i = 0; i < segment; i++) {
                it.next();
            }
            Object[] current = it.hasNext() ? it.next() : null;
            for (long n = first; n < end; n++) {
                if (at == SEGMENT) {
                    current = it.next();
                    at = 0;
                }
                items.add(current[at++]);
            }
            return new ResultPage<>(total, first, items);
        }
    }
}
