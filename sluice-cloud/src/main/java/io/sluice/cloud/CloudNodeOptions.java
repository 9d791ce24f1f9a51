package io.sluice.cloud;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link CloudNode} runs: its id, the port it serves clients and peers on, the peers it connects to, the
 * directory of its durable store, and the optional status port, token and types.
 *
 * <pre>{@code
 * CloudNodeOptions options = CloudNodeOptions.of("A", Path.of("data/a"))
 *         .withPort(7000)
 *         .withPeers(List.of("localhost:7001"))
 *         .withStatusPort(8000);
 * }</pre>
 *
 * @param id the node's name in messages and status, unique in the network
 * @param port the gRPC port for clients and peers; 0 picks a free one
 * @param peers other nodes, {@code host:port} each; more are learnt when they connect
 * @param dataDir where the node keeps the objects it holds
 * @param statusPort the HTTP status port; 0 picks a free one, -1 serves none
 * @param token if not null, the bearer token every client and peer must send
 * @param types the object types known from the start; clients may define more
 * @param advertise the {@code host:port} peers reach this node at; null means {@code localhost:PORT}
 * @param tls if not null, TLS for clients and peers; otherwise plain text
 */
public record CloudNodeOptions(
        String id,
        int port,
        List<String> peers,
        Path dataDir,
        int statusPort,
        String token,
        List<ObjectType> types,
        String advertise,
        CloudTls tls) {

    /** Checks the values. */
    public CloudNodeOptions {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(dataDir, "dataDir");
        if (id.isBlank()) {
            throw new IllegalArgumentException("cloud node id: must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("cloud node '" + id + "': port must be 0..65535 but found " + port);
        }
        if (statusPort < -1 || statusPort > 65535) {
            throw new IllegalArgumentException(
                    "cloud node '" + id + "': status port must be -1..65535 but found " + statusPort);
        }
        peers = List.copyOf(peers);
        for (String peer : peers) {
            int colon = peer.lastIndexOf(':');
            if (colon <= 0 || !peer.substring(colon + 1).matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException(
                        "cloud node '" + id + "': peer '" + peer + "' is not host:port, such as localhost:7001");
            }
        }
        types = List.copyOf(types);
    }

    /** Options for node {@code id} keeping its objects in {@code dataDir}: a free port, no peers, no status. */
    public static CloudNodeOptions of(String id, Path dataDir) {
        return new CloudNodeOptions(id, 0, List.of(), dataDir, -1, null, List.of(), null, null);
    }

    /** These options with the gRPC {@code port}. */
    public CloudNodeOptions withPort(int port) {
        return new CloudNodeOptions(id, port, peers, dataDir, statusPort, token, types, advertise, tls);
    }

    /** These options with {@code peers}, {@code host:port} each. */
    public CloudNodeOptions withPeers(List<String> peers) {
        return new CloudNodeOptions(id, port, peers, dataDir, statusPort, token, types, advertise, tls);
    }

    /** These options with the HTTP status port (0: a free one). */
    public CloudNodeOptions withStatusPort(int statusPort) {
        return new CloudNodeOptions(id, port, peers, dataDir, statusPort, token, types, advertise, tls);
    }

    /** These options requiring {@code token} from clients and peers. */
    public CloudNodeOptions withToken(String token) {
        return new CloudNodeOptions(id, port, peers, dataDir, statusPort, token, types, advertise, tls);
    }

    /** These options with {@code types} known from the start. */
    public CloudNodeOptions withTypes(List<ObjectType> types) {
        return new CloudNodeOptions(id, port, peers, dataDir, statusPort, token, types, advertise, tls);
    }

    /** These options telling peers to reach this node at {@code advertise}. */
    public CloudNodeOptions withAdvertise(String advertise) {
        return new CloudNodeOptions(id, port, peers, dataDir, statusPort, token, types, advertise, tls);
    }

    /** These options serving and connecting with {@code tls}. */
    public CloudNodeOptions withTls(CloudTls tls) {
        return new CloudNodeOptions(id, port, peers, dataDir, statusPort, token, types, advertise, tls);
    }
}
