package io.sluice.connectors.net;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a TCP source listens and the limits it keeps. Immutable; the {@code with…} methods return a copy.
 *
 * <pre>{@code
 * TcpOptions.listen("0.0.0.0", 9000).withMaxFrame(1 << 20).withLogDir(Path.of("/var/lib/sluice"))
 * }</pre>
 *
 * @param host the address to bind: {@code 0.0.0.0} (or {@code ::}) for every interface, {@code 127.0.0.1} for this
 *     machine only, or a host name
 * @param port 0 to 65535; 0 takes a free port, which {@link TcpSource#address()} then tells
 * @param maxFrame the largest frame, in bytes: a line without its line end, or the body of a length-prefixed frame
 *     ({@value #DEFAULT_MAX_FRAME} by default)
 * @param maxConnections how many clients may be connected at once; one more is told so and closed ({@value
 *     #DEFAULT_MAX_CONNECTIONS} by default)
 * @param capacity how many frames may wait in the log, acknowledged but not yet pulled by the graph, before clients
 *     wait for their acknowledgements (backpressure; {@value #DEFAULT_CAPACITY} by default). They are held in memory
 *     too, so {@code capacity × maxFrame} bounds what they take
 * @param logDir the directory of the durable log, {@code <logDir>/<graph>.<node>.log}; {@code sluice-tcp} under the
 *     working directory by default. One deployment at a time may use a log
 */
public record TcpOptions(String host, int port, int maxFrame, int maxConnections, int capacity, Path logDir) {

    /** The largest frame unless set otherwise, in bytes: 64 KiB. */
    public static final int DEFAULT_MAX_FRAME = 65_536;

    /** How many clients may be connected at once unless set otherwise. */
    public static final int DEFAULT_MAX_CONNECTIONS = 64;

    /** How many logged frames may wait to be pulled unless set otherwise. */
    public static final int DEFAULT_CAPACITY = 1_024;

    public TcpOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("TcpOptions.host: expected an address to listen on, such as 0.0.0.0 or"
                    + " 127.0.0.1, but found " + (host == null ? "null" : "'" + host + "'"));
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("TcpOptions.port: expected 0 (a free port) to 65535 but found " + port);
        }
        if (maxFrame < 1) {
            throw new IllegalArgumentException("TcpOptions.maxFrame: expected at least 1 byte but found " + maxFrame);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException(
                    "TcpOptions.maxConnections: expected at least 1 but found " + maxConnections);
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("TcpOptions.capacity: expected at least 1 but found " + capacity);
        }
        Objects.requireNonNull(logDir, "logDir");
    }

    /**
     * Listens on {@code host:port}, with frames of at most {@value #DEFAULT_MAX_FRAME} bytes, {@value
     * #DEFAULT_MAX_CONNECTIONS} connections, {@value #DEFAULT_CAPACITY} frames waiting, the log under {@code
     * sluice-tcp}.
     */
    public static TcpOptions listen(String host, int port) {
        return new TcpOptions(
                host, port, DEFAULT_MAX_FRAME, DEFAULT_MAX_CONNECTIONS, DEFAULT_CAPACITY, Path.of("sluice-tcp"));
    }

    public TcpOptions withHost(String host) {
        return new TcpOptions(host, port, maxFrame, maxConnections, capacity, logDir);
    }

    public TcpOptions withPort(int port) {
        return new TcpOptions(host, port, maxFrame, maxConnections, capacity, logDir);
    }

    public TcpOptions withMaxFrame(int maxFrame) {
        return new TcpOptions(host, port, maxFrame, maxConnections, capacity, logDir);
    }

    public TcpOptions withMaxConnections(int maxConnections) {
        return new TcpOptions(host, port, maxFrame, maxConnections, capacity, logDir);
    }

    public TcpOptions withCapacity(int capacity) {
        return new TcpOptions(host, port, maxFrame, maxConnections, capacity, logDir);
    }

    public TcpOptions withLogDir(Path logDir) {
        return new TcpOptions(host, port, maxFrame, maxConnections, capacity, logDir);
    }
}
