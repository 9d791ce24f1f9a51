package io.sluice.state.postgres.crash;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.Emitter;
import io.sluice.Flow;
import io.sluice.KeyValueStore;
import io.sluice.LocalOptions;
import io.sluice.Node;
import io.sluice.NodeContext;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.StoreSpec;
import io.sluice.SystemType;
import io.sluice.spi.InstanceStores;
import io.sluice.spi.StoreEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * A keyed count kept in a Postgres store, run on LOCAL with checkpoints: what {@link PostgresCrashTest} runs in a
 * child JVM and kills. Arguments: items, keys, JDBC url, table, checkpoint directory; the password comes from the
 * environment ({@code SLUICE_POSTGRES_PASSWORD}), as a deployment would take it.
 */
public final class PostgresCountingGraph {

    static final String GRAPH = "pgcount";
    static final String NODE = "count";
    static final int PARALLELISM = 2;

    private PostgresCountingGraph() {}

    static StoreSpec store(String url, String table) {
        return StoreSpec.of("counts", "postgres", Map.of("url", url, "user", "postgres", "table", table));
    }

    /** Counts the items of each key (the item modulo the number of keys) in its store. */
    static final class Count implements Node<Long, Long> {
        private final int keys;
        private KeyValueStore<Long, Long> counts;

        Count(int keys) {
            this.keys = keys;
        }

        @Override
        public void open(NodeContext context) {
            counts = context.store("counts");
        }

        @Override
        public void process(Long item, Emitter<Long> emitter) {
            long key = item % keys;
            counts.put(key, counts.getOrDefault(key, 0L) + 1);
        }
    }

    public static void main(String[] args) throws Exception {
        long items = Long.parseLong(args[0]);
        int keys = Integer.parseInt(args[1]);
        ComputationalGraph graph = withKeys(items, keys, store(args[2], args[3]));
        LocalOptions options = LocalOptions.defaults().withCheckpoints(Path.of(args[4]), Duration.ofMillis(100));
        try (Deployment deployment = graph.deploy(SystemType.LOCAL, options)) {
            DeploymentState state = deployment.awaitTermination(Duration.ofMinutes(5));
            System.exit(state == DeploymentState.COMPLETED ? 0 : 3);
        }
    }

    /** Every key's count, over the instances' stores of graph {@code graph}, as a fresh engine reads them. */
    static Map<Long, Long> counts(String graph, StoreSpec spec) {
        Map<Long, Long> counts = new TreeMap<>();
        for (int instance = 0; instance < PARALLELISM; instance++) {
            StoreEngine engine = InstanceStores.backend(NODE, spec).open(graph, NODE, instance, spec);
            try {
                engine.forEach((key, value) -> counts.merge((Long) key, (Long) value, Long::sum));
            } finally {
                engine.close();
            }
        }
        return counts;
    }

    static ComputationalGraph withKeys(long items, int keys, StoreSpec store) {
        return withKeys(GRAPH, items, keys, store);
    }

    static ComputationalGraph withKeys(String name, long items, int keys, StoreSpec store) {
        Flow flow = Flow.named(name);
        flow.read("numbers", Sources.generator(items, i -> i))
                .keyBy(i -> i % keys)
                .then(NODE, () -> new Count(keys))
                .stores(store)
                .parallelism(PARALLELISM)
                .to("out", Sinks.discard());
        return flow.build();
    }
}
