package io.sluice;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A processing node: fed by one or more inbound edges, emitting on its output ports.
 *
 * @param id the node's id
 * @param factory makes one {@link Node} per instance
 * @param parallelism how many instances run
 * @param ports the output ports; every port needs at least one edge
 * @param stores the stores its instances keep state in
 * @param maxParallelism the most instances a running deployment can rescale it to ({@link Deployment#scale}); 0 for
 *     its parallelism, as {@link #maxParallelism()} then answers
 */
public record ProcessingNodeSpec(
        String id,
        Supplier<? extends Node<?, ?>> factory,
        int parallelism,
        Set<String> ports,
        List<StoreSpec> stores,
        int maxParallelism)
        implements NodeSpec {

    public ProcessingNodeSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(factory, "factory");
        ports = Collections.unmodifiableSet(new LinkedHashSet<>(ports)); // keeps declaration order
        stores = List.copyOf(stores);
    }

    public ProcessingNodeSpec(String id, Supplier<? extends Node<?, ?>> factory, int parallelism, Set<String> ports) {
        this(id, factory, parallelism, ports, List.of());
    }

    /** A processing node whose maximum parallelism is its parallelism. */
    public ProcessingNodeSpec(
            String id,
            Supplier<? extends Node<?, ?>> factory,
            int parallelism,
            Set<String> ports,
            List<StoreSpec> stores) {
        this(id, factory, parallelism, ports, stores, 0);
    }

    @Override
    public int maxParallelism() {
        return maxParallelism == 0 ? parallelism : maxParallelism;
    }

    @Override
    public ProcessingNodeSpec withMaxParallelism(int maxParallelism) {
        return new ProcessingNodeSpec(id, factory, parallelism, ports, stores, maxParallelism);
    }

    @Override
    public NodeKind kind() {
        return NodeKind.PROCESSING;
    }

    @Override
    public ProcessingNodeSpec withParallelism(int parallelism) {
        return new ProcessingNodeSpec(id, factory, parallelism, ports, stores, maxParallelism);
    }

    /** Returns a copy with named side-output ports added beside the current ones. */
    public ProcessingNodeSpec withPorts(String... sidePorts) {
        Set<String> all = new LinkedHashSet<>(ports);
        all.addAll(Arrays.asList(sidePorts));
        return new ProcessingNodeSpec(id, factory, parallelism, all, stores, maxParallelism);
    }

    /** Returns a copy whose ports are exactly {@code ports} — a route's branches, for instance. */
    public ProcessingNodeSpec withOnlyPorts(Set<String> ports) {
        return new ProcessingNodeSpec(id, factory, parallelism, ports, stores, maxParallelism);
    }

    @Override
    public ProcessingNodeSpec withId(String id) {
        return new ProcessingNodeSpec(id, factory, parallelism, ports, stores, maxParallelism);
    }

    @Override
    public ProcessingNodeSpec withStores(StoreSpec... added) {
        return new ProcessingNodeSpec(id, factory, parallelism, ports, NodeSpec.concat(stores, added), maxParallelism);
    }
}
