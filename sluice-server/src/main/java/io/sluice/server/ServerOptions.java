package io.sluice.server;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Settings of a {@link SluiceServer} (and of a {@link RequestServer}): where it listens, the token that guards it, and
 * the limits that keep a hostile or careless client from hurting it or other clients.
 *
 * <pre>{@code
 * ServerOptions.port(8080).withToken(System.getenv("MY_TOKEN")).withMaxStreams(16)
 * }</pre>
 *
 * @param host the address to listen on; {@code 127.0.0.1} unless the API should be reachable from elsewhere. Bound
 *     beyond loopback, every route but the dashboard page and the health probes needs the token
 * @param port the port; 0 picks a free one (see {@link SluiceServer#port()})
 * @param ingestTimeout how long one {@code POST /api/nodes/{id}/items} may wait, in all, for room in a full inbox
 *     before it answers 503
 * @param resultLimit the most results {@code GET …/results}, or store entries {@code GET …/state/{store}}, returns when
 *     the request names no {@code limit}
 * @param token the bearer token clients send ({@code Authorization: Bearer TOKEN}); when empty, the {@code
 *     SLUICE_API_TOKEN} environment variable, else a random token made at start and printed once, with the address
 *     to open, on standard error
 * @param allowedHosts host names accepted in the {@code Host} header besides the bound address (and, bound to
 *     loopback, {@code localhost}, {@code 127.0.0.1} and {@code [::1]}): the names a proxy or DNS gives the server.
 *     Bound to a wildcard address (0.0.0.0), any host is accepted unless some are named here
 * @param maxStreams how many result streams (server-sent events) may be open at once; one more is a 503
 * @param maxBodyBytes the largest request body accepted; a larger one is a 413
 * @param idleTimeout how long a connection may send or take nothing — while its headers arrive too — before it is
 *     closed
 * @param historyInterval how often the server samples the status for {@code GET /api/history} and the dashboard's
 *     charts
 * @param historySamples how many samples it keeps, the oldest let go first: with {@code historyInterval}, how far back
 *     the charts reach. Memory is fixed when the server starts, about 32 bytes per node and sample
 */
public record ServerOptions(
        String host,
        int port,
        Duration ingestTimeout,
        int resultLimit,
        Optional<String> token,
        Set<String> allowedHosts,
        int maxStreams,
        long maxBodyBytes,
        Duration idleTimeout,
        Duration historyInterval,
        int historySamples) {

    /** The shortest token accepted: a guessable token guards nothing. */
    public static final int MIN_TOKEN_LENGTH = 16;

    /** The most samples of history a server keeps: a day at one a second. */
    public static final int MAX_HISTORY_SAMPLES = 86_400;

    public ServerOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(ingestTimeout, "ingestTimeout");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(allowedHosts, "allowedHosts");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(historyInterval, "historyInterval");
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
        token.ifPresent(ServerOptions::checkToken);
        TreeSet<String> hosts = new TreeSet<>();
        for (String name : allowedHosts) {
            hosts.add(HostNames.normalize(name));
        }
        allowedHosts = Set.copyOf(hosts);
        if (maxStreams < 0) {
            throw new IllegalArgumentException("ServerOptions.maxStreams: must be ≥ 0, found " + maxStreams);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("ServerOptions.maxBodyBytes: must be ≥ 1, found " + maxBodyBytes);
        }
        if (idleTimeout.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("ServerOptions.idleTimeout: must be ≥ 100 ms, found " + idleTimeout);
        }
        if (historyInterval.compareTo(Duration.ofMillis(10)) < 0) {
            throw new IllegalArgumentException(
                    "ServerOptions.historyInterval: must be ≥ 10 ms, found " + historyInterval);
        }
        if (historySamples < 1 || historySamples > MAX_HISTORY_SAMPLES) {
            throw new IllegalArgumentException("ServerOptions.historySamples: must be from 1 to " + MAX_HISTORY_SAMPLES
                    + ", found " + historySamples);
        }
    }

    /**
     * Loopback, the given port, a 1 s ingest wait, 100 results, a token from {@code SLUICE_API_TOKEN} or made at start,
     * 64 result streams, bodies up to 1 MiB, connections idle for 30 s closed, and a history of one sample a second
     * for the last ten minutes.
     */
    public static ServerOptions port(int port) {
        return new ServerOptions(
                "127.0.0.1",
                port,
                Duration.ofSeconds(1),
                100,
                Optional.empty(),
                Set.of(),
                64,
                1 << 20,
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                600);
    }

    public ServerOptions withHost(String host) {
        return new ServerOptions(
                host,
                port,
                ingestTimeout,
                resultLimit,
                token,
                allowedHosts,
                maxStreams,
                maxBodyBytes,
                idleTimeout,
                historyInterval,
                historySamples);
    }

    /**
     * The bearer token clients must send: at least {@value #MIN_TOKEN_LENGTH} visible ASCII characters. {@code null}
     * means none given: the server then takes {@code SLUICE_API_TOKEN} or makes one.
     */
    public ServerOptions withToken(String token) {
        return new ServerOptions(
                host,
                port,
                ingestTimeout,
                resultLimit,
                Optional.ofNullable(token),
                allowedHosts,
                maxStreams,
                maxBodyBytes,
                idleTimeout,
                historyInterval,
                historySamples);
    }

    public ServerOptions withAllowedHosts(String... names) {
        return new ServerOptions(
                host,
                port,
                ingestTimeout,
                resultLimit,
                token,
                Set.of(names),
                maxStreams,
                maxBodyBytes,
                idleTimeout,
                historyInterval,
                historySamples);
    }

    public ServerOptions withIngestTimeout(Duration ingestTimeout) {
        return new ServerOptions(
                host,
                port,
                ingestTimeout,
                resultLimit,
                token,
                allowedHosts,
                maxStreams,
                maxBodyBytes,
                idleTimeout,
                historyInterval,
                historySamples);
    }

    public ServerOptions withResultLimit(int resultLimit) {
        return new ServerOptions(
                host,
                port,
                ingestTimeout,
                resultLimit,
                token,
                allowedHosts,
                maxStreams,
                maxBodyBytes,
                idleTimeout,
                historyInterval,
                historySamples);
    }

    public ServerOptions withMaxStreams(int maxStreams) {
        return new ServerOptions(
                host,
                port,
                ingestTimeout,
                resultLimit,
                token,
                allowedHosts,
                maxStreams,
                maxBodyBytes,
                idleTimeout,
                historyInterval,
                historySamples);
    }

    public ServerOptions withMaxBodyBytes(long maxBodyBytes) {
        return new ServerOptions(
                host,
                port,
                ingestTimeout,
                resultLimit,
                token,
                allowedHosts,
                maxStreams,
                maxBodyBytes,
                idleTimeout,
                historyInterval,
                historySamples);
    }

    public ServerOptions withIdleTimeout(Duration idleTimeout) {
        return new ServerOptions(
                host,
                port,
                ingestTimeout,
                resultLimit,
                token,
                allowedHosts,
                maxStreams,
                maxBodyBytes,
                idleTimeout,
                historyInterval,
                historySamples);
    }

    /**
     * Samples the status every {@code interval} and keeps the latest {@code samples}, for {@code GET /api/history} and
     * the dashboard's charts: {@code withHistory(Duration.ofSeconds(5), 720)} reaches an hour back.
     */
    public ServerOptions withHistory(Duration interval, int samples) {
        return new ServerOptions(
                host,
                port,
                ingestTimeout,
                resultLimit,
                token,
                allowedHosts,
                maxStreams,
                maxBodyBytes,
                idleTimeout,
                interval,
                samples);
    }

    /** Never the token itself: options end up in logs. */
    @Override
    public String toString() {
        return "ServerOptions[host=" + host + ", port=" + port + ", ingestTimeout=" + ingestTimeout + ", resultLimit="
                + resultLimit + ", token=" + (token.isPresent() ? "(given)" : "(none)") + ", allowedHosts="
                + allowedHosts + ", maxStreams=" + maxStreams + ", maxBodyBytes=" + maxBodyBytes + ", idleTimeout="
                + idleTimeout + ", historyInterval=" + historyInterval + ", historySamples=" + historySamples + "]";
    }

    static void checkToken(String token) {
        if (token.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException("ServerOptions.token: must be at least " + MIN_TOKEN_LENGTH
                    + " characters, found " + token.length() + "; leave it out and the server makes a random one");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw new IllegalArgumentException("ServerOptions.token: must be visible ASCII (it travels in a header"
                        + " and a URL), found " + String.format(Locale.ROOT, "U+%04X", (int) c) + " at " + i);
            }
        }
    }
}
