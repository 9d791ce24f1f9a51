package io.sluice.cloud;

import io.sluice.cloud.internal.NodeCore;
import java.util.Map;

/**
 * A node of the typed-object cloud: serves clients and other nodes over gRPC (HTTP/2), keeps the objects it holds in
 * a durable store, and moves each object to where a client wants it.
 *
 * <p><b>What it does with an object.</b> A client publishes an object of a known {@link ObjectType}; the node checks
 * it against the type, stores it (forced to disk) and only then answers with its id. The object is owed to every
 * group that subscribes to its type (each group gets every object; subscribers of one group compete, as Kafka
 * consumers of one group do). For a group with a subscriber here, the node delivers the object to one of them and
 * keeps it until it is acknowledged — a subscriber that leaves without acknowledging gives its objects back to the
 * others of its group. For a group whose subscribers are at a peer, the node forwards the object to that peer and
 * drops it once the peer has stored it. An object whose type nobody subscribes to yet is held until someone does,
 * here or at a peer. Nodes tell each other every 250 ms which types and groups their clients subscribe to; a peer that
 * does not answer is left out until it answers again.
 *
 * <pre>{@code
 * try (CloudNode node = CloudNode.start(CloudNodeOptions.of("A", Path.of("data/a")).withPort(7000)
 *         .withPeers(List.of("localhost:7001")))) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close} stops serving; the store keeps what the node held for its next start.
 */
public final class CloudNode implements AutoCloseable {

    private final NodeCore core;

    private CloudNode(NodeCore core) {
        this.core = core;
    }

    /**
     * Starts a node: replays its store, serves on its port, connects to its peers.
     *
     * @throws java.io.UncheckedIOException if the port is taken or the store cannot be read, naming the node
     */
    public static CloudNode start(CloudNodeOptions options) {
        return new CloudNode(NodeCore.start(options));
    }

    /** The node's id. */
    public String id() {
        return core.id();
    }

    /** The gRPC port it serves on. */
    public int port() {
        return core.port();
    }

    /** The {@code host:port} peers reach it at. */
    public String address() {
        return core.address();
    }

    /** The HTTP status port, or -1 if it serves none. */
    public int statusPort() {
        return core.statusPort();
    }

    /**
     * A snapshot of what the node knows, as {@code GET /status} answers it: {@code peers} (address, id, up,
     * subscriptions), {@code subscriptions} (subscribers per {@code type/group}), {@code stored} (objects held per
     * type), {@code storedTotal}, {@code types}, {@code groups} and {@code counters}.
     */
    public Map<String, Object> status() {
        return core.status();
    }

    /** Stops serving and closes the store. */
    @Override
    public void close() {
        core.close();
    }
}
