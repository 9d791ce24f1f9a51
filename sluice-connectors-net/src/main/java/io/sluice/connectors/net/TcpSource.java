package io.sluice.connectors.net;

import io.sluice.StartNode;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The factory of a TCP source's start node, made by {@link Tcp}; pass it to {@code ComputationalGraph.Builder#start}.
 * It also tells where the running node listens, which is how a test or a log learns a port chosen by the system
 * ({@code port 0}).
 *
 * @param <T> the items: {@code String} for lines and text frames, {@code byte[]} for binary frames
 */
public final class TcpSource<T> implements Supplier<StartNode<T>> {

    private final TcpOptions options;
    private final Function<Consumer<InetSocketAddress>, StartNode<T>> nodes;
    private final AtomicReference<InetSocketAddress> address = new AtomicReference<>();

    TcpSource(TcpOptions options, Function<Consumer<InetSocketAddress>, StartNode<T>> nodes) {
        this.options = options;
        this.nodes = nodes;
    }

    /** The options it listens with. */
    public TcpOptions options() {
        return options;
    }

    /**
     * Where the node made last listens — the port the system chose when {@link TcpOptions#port()} is 0 — from the
     * moment its deployment opened it until it closes; empty before and after. Thread-safe.
     */
    public Optional<InetSocketAddress> address() {
        return Optional.ofNullable(address.get());
    }

    /** A new start node; a deployment makes one (the source runs with parallelism 1). */
    @Override
    public StartNode<T> get() {
        AtomicReference<InetSocketAddress> mine = new AtomicReference<>();
        return nodes.apply(bound -> {
            if (bound != null) {
                mine.set(bound);
                address.set(bound);
            } else {
                address.compareAndSet(mine.get(), null); // unless a newer node listens already
            }
        });
    }
}
