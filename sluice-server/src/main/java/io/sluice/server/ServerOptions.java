package io.sluice.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link SluiceServer} (and of a {@link RequestServer}): where it listens, and the limits that keep a
 * hostile or careless client from hurting it or other clients.
 *
 * @param host the address to listen on; {@code 127.0.0.1} unless the API should be reachable from elsewhere
 * @param port the port; 0 picks a free one (see {@link SluiceServer#port()})
 * @param ingestTimeout how long {@code POST /api/nodes/{id}/items} waits for room in a full inbox before answering 503
 * @param resultLimit the most results {@code GET …/results}, or store entries {@code GET …/state/{store}}, returns when
 *     the request names no {@code limit}
 * @param maxBodyBytes the largest request body accepted; a larger one is a 413
 * @param idleTimeout how long a connection may send or take nothing — while its headers arrive too — before it is
 *     closed
 */
public record ServerOptions(
        String host, int port, Duration ingestTimeout, int resultLimit, long maxBodyBytes, Duration idleTimeout) {

    public ServerOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(ingestTimeout, "ingestTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (host.isBlank()) {
            throw new IllegalArgumentException("ServerOptions.host: must name an address, found '" + host + "'");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("ServerOptions.port: must be from 0 to 65535, found " + port);
        }
        if (ingestTimeout.isNegative()) {
            throw new IllegalArgumentException("ServerOptions.ingestTimeout: must be ≥ 0, found " + ingestTimeout);
        }
        if (resultLimit < 1 || resultLimit > SluiceServer.MAX_LIMIT) {
            throw new IllegalArgumentException("ServerOptions.resultLimit: must be from 1 to " + SluiceServer.MAX_LIMIT
                    + ", found " + resultLimit);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("ServerOptions.maxBodyBytes: must be ≥ 1, found " + maxBodyBytes);
        }
        if (idleTimeout.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("ServerOptions.idleTimeout: must be ≥ 100 ms, found " + idleTimeout);
        }
    }

    /** Loopback, the given port, a 1 s ingest wait, 100 results, bodies up to 1 MiB, connections idle for 30 s closed. */
    public static ServerOptions port(int port) {
        return new ServerOptions("127.0.0.1", port, Duration.ofSeconds(1), 100, 1 << 20, Duration.ofSeconds(30));
    }

    public ServerOptions withHost(String host) {
        return new ServerOptions(host, port, ingestTimeout, resultLimit, maxBodyBytes, idleTimeout);
    }

    public ServerOptions withIngestTimeout(Duration ingestTimeout) {
        return new ServerOptions(host, port, ingestTimeout, resultLimit, maxBodyBytes, idleTimeout);
    }

    public ServerOptions withResultLimit(int resultLimit) {
        return new ServerOptions(host, port, ingestTimeout, resultLimit, maxBodyBytes, idleTimeout);
    }

    public ServerOptions withMaxBodyBytes(long maxBodyBytes) {
        return new ServerOptions(host, port, ingestTimeout, resultLimit, maxBodyBytes, idleTimeout);
    }

    public ServerOptions withIdleTimeout(Duration idleTimeout) {
        return new ServerOptions(host, port, ingestTimeout, resultLimit, maxBodyBytes, idleTimeout);
    }
}
