package io.sluice.server;

import java.time.Duration;

/**
 * Settings of a {@link SluiceServer}.
 *
 * @param host the address to listen on; {@code 127.0.0.1} unless the API should be reachable from elsewhere
 * @param port the port; 0 picks a free one (see {@link SluiceServer#port()})
 * @param ingestTimeout how long {@code POST /api/nodes/{id}/items} waits for room in a full inbox before answering 503
 * @param resultLimit the most results {@code GET …/results}, or store entries {@code GET …/state/{store}}, returns when
 *     the request names no {@code limit}
 */
public record ServerOptions(String host, int port, Duration ingestTimeout, int resultLimit) {

    public ServerOptions {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("ServerOptions.port: must be from 0 to 65535, found " + port);
        }
        if (resultLimit < 1) {
            throw new IllegalArgumentException("ServerOptions.resultLimit: must be ≥ 1, found " + resultLimit);
        }
    }

    /** Loopback, the given port, a 1 s ingest wait, 100 results. */
    public static ServerOptions port(int port) {
        return new ServerOptions("127.0.0.1", port, Duration.ofSeconds(1), 100);
    }

    public ServerOptions withHost(String host) {
        return new ServerOptions(host, port, ingestTimeout, resultLimit);
    }
}
