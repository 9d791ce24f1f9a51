package io.sluice;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A start node: no inbound edge; each instance pulls items from outside.
 *
 * @param id the node's id
 * @param factory makes one {@link StartNode} per instance
 * @param parallelism how many instances run
 * @param stores the stores its instances keep state in
 */
public record StartNodeSpec(
        String id, Supplier<? extends StartNode<?>> factory, int parallelism, List<StoreSpec> stores)
        implements NodeSpec {

    public StartNodeSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(factory, "factory");
        stores = List.copyOf(stores);
    }

    public StartNodeSpec(String id, Supplier<? extends StartNode<?>> factory, int parallelism) {
        this(id, factory, parallelism, List.of());
    }

    @Override
    public Set<String> ports() {
        return Set.of(Emitter.DEFAULT_PORT);
    }

    @Override
    public NodeKind kind() {
        return NodeKind.START;
    }

    @Override
    public StartNodeSpec withParallelism(int parallelism) {
        return new StartNodeSpec(id, factory, parallelism, stores);
    }

    @Override
    public StartNodeSpec withId(String id) {
        return new StartNodeSpec(id, factory, parallelism, stores);
    }

    @Override
    public StartNodeSpec withStores(StoreSpec... added) {
        return new StartNodeSpec(id, factory, parallelism, NodeSpec.concat(stores, added));
    }
}
