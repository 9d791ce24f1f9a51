package io.sluice.testkit;

import io.sluice.Emitter;
import io.sluice.KeyValueStore;
import io.sluice.Node;
import io.sluice.NodeContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A stateful node whose output a crash test can judge whatever the order: for item {@code i} it counts key {@code i %
 * keys} in the store {@value #STORE} and emits {@code "key:n"} for the key's n-th item. The multiset of what it emits
 * is fixed by the input ({@link #expected}), so a count lost or repeated in a restart shows as a wrong or doubled
 * entry.
 */
public final class RunningCounts implements Node<Long, String> {

    /** The store the counts live in; declare it on the node. */
    public static final String STORE = "counts";

    private final int keys;
    private KeyValueStore<Long, Long> counts;

    public RunningCounts(int keys) {
        this.keys = keys;
    }

    @Override
    public void open(NodeContext context) {
        counts = context.store(STORE);
    }

    @Override
    public void process(Long item, Emitter<String> out) {
        long key = item % keys;
        long n = counts.getOrDefault(key, 0L) + 1;
        counts.put(key, n);
        out.emit(key + ":" + n);
    }

    /** What the node emits for items {@code 0 … items-1}, sorted. */
    public static List<String> expected(long items, int keys) {
        List<String> all = new ArrayList<>();
        long[] counts = new long[keys];
        for (long i = 0; i < items; i++) {
            int key = (int) (i % keys);
            all.add(key + ":" + ++counts[key]);
        }
        Collections.sort(all);
        return all;
    }
}
