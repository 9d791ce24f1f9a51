package io.sluice;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * An end node: no outbound edge; each instance pushes items outside.
 *
 * @param id the node's id
 * @param factory makes one {@link EndNode} per instance
 * @param parallelism how many instances run
 * @param stores the stores its instances keep state in
 * @param maxParallelism the most instances a running deployment can rescale it to ({@link Deployment#scale}); 0 for
 *     its parallelism, as {@link #maxParallelism()} then answers
 */
public record EndNodeSpec(
        String id, Supplier<? extends EndNode<?>> factory, int parallelism, List<StoreSpec> stores, int maxParallelism)
        implements NodeSpec {

    public EndNodeSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(factory, "factory");
        stores = List.copyOf(stores);
    }

    public EndNodeSpec(String id, Supplier<? extends EndNode<?>> factory, int parallelism) {
        this(id, factory, parallelism, List.of());
    }

    /** An end node whose maximum parallelism is its parallelism. */
    public EndNodeSpec(String id, Supplier<? extends EndNode<?>> factory, int parallelism, List<StoreSpec> stores) {
        this(id, factory, parallelism, stores, 0);
    }

    @Override
    public int maxParallelism() {
        return maxParallelism == 0 ? parallelism : maxParallelism;
    }

    @Override
    public EndNodeSpec withMaxParallelism(int maxParallelism) {
        return new EndNodeSpec(id, factory, parallelism, stores, maxParallelism);
    }

    @Override
    public Set<String> ports() {
        return Set.of();
    }

    @Override
    public NodeKind kind() {
        return NodeKind.END;
    }

    @Override
    public EndNodeSpec withParallelism(int parallelism) {
        return new EndNodeSpec(id, factory, parallelism, stores, maxParallelism);
    }

    @Override
    public EndNodeSpec withId(String id) {
        return new EndNodeSpec(id, factory, parallelism, stores, maxParallelism);
    }

    @Override
    public EndNodeSpec withStores(StoreSpec... added) {
        return new EndNodeSpec(id, factory, parallelism, NodeSpec.concat(stores, added), maxParallelism);
    }
}
