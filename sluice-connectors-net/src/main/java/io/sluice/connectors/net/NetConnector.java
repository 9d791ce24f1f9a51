package io.sluice.connectors.net;

import io.sluice.EndNode;
import io.sluice.StartNode;
import io.sluice.connectors.net.internal.SettingValues;
import io.sluice.spi.Connector;
import io.sluice.spi.Connectors;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The {@link Connector} of {@code tcp://HOST:PORT}, {@code http://…} and {@code https://…} locations, so that a
 * pipeline's {@code source: tcp://0.0.0.0:9000} is a {@link Tcp} source and {@code source:
 * https://example.com/feed.json} an {@link Http} polling source. Found with {@link java.util.ServiceLoader} once this
 * module is on the class path. It only reads: asked for a sink it says so.
 *
 * <p><b>Settings of {@code tcp://}</b> (see {@link TcpOptions}): {@value #FRAMING} ({@code lines}, the default, or
 * {@code length-prefixed}), {@value #PAYLOAD} ({@code bytes}, the default, or {@code text}, for length-prefixed
 * frames), {@value #MAX_FRAME} (bytes: {@code 65536}, {@code 64KiB}, {@code 1MiB}), {@value #MAX_CONNECTIONS},
 * {@value #CAPACITY}, {@value #LOG_DIR}.
 *
 * <p><b>Settings of {@code http://} and {@code https://}</b> (see {@link HttpPollOptions}): {@value #INTERVAL} and
 * {@value #TIMEOUT} and {@value #BACKOFF} (durations: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code
 * PT30S}), {@value #FORMAT} ({@code text}, the default, {@code lines}, {@code json} or {@code json-lines}), {@value
 * #COUNT}, {@value #RETRIES}, {@value #MAX_BODY}.
 *
 * <p>A value that does not fit, or a setting of the other kind of location, is an {@link IllegalArgumentException}
 * naming the location, the setting, what it takes and what was found.
 */
public final class NetConnector implements Connector {

    /** Setting of tcp: how frames are cut, {@code lines} or {@code length-prefixed}. */
    public static final String FRAMING = "framing";

    /** Setting of tcp: what a length-prefixed frame's item is, {@code bytes} or {@code text}. */
    public static final String PAYLOAD = "payload";

    /** Setting of tcp: the largest frame in bytes. */
    public static final String MAX_FRAME = "max-frame";

    /** Setting of tcp: how many clients may be connected at once. */
    public static final String MAX_CONNECTIONS = "max-connections";

    /** Setting of tcp: how many logged frames may wait to be pulled. */
    public static final String CAPACITY = "capacity";

    /** Setting of tcp: the directory of the durable log. */
    public static final String LOG_DIR = "log-dir";

    /** Setting of http and https: the time between polls. */
    public static final String INTERVAL = "interval";

    /** Setting of http and https: what items are made of a body. */
    public static final String FORMAT = "format";

    /** Setting of http and https: how long one request may take. */
    public static final String TIMEOUT = "timeout";

    /** Setting of http and https: how many polls before the source ends. */
    public static final String COUNT = "count";

    /** Setting of http and https: how many failed attempts in a row are tried again. */
    public static final String RETRIES = "retries";

    /** Setting of http and https: the wait before the first retry. */
    public static final String BACKOFF = "backoff";

    /** Setting of http and https: the largest body taken, in bytes. */
    public static final String MAX_BODY = "max-body";

    private static final Set<String> TCP_SETTINGS =
            Set.of(FRAMING, PAYLOAD, MAX_FRAME, MAX_CONNECTIONS, CAPACITY, LOG_DIR);
    private static final Set<String> HTTP_SETTINGS =
            Set.of(INTERVAL, FORMAT, TIMEOUT, COUNT, RETRIES, BACKOFF, MAX_BODY);

    @Override
    public String name() {
        return "net";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("tcp", "http", "https");
    }

    @Override
    public Set<String> settings() {
        Set<String> all = new TreeSet<>(TCP_SETTINGS);
        all.addAll(HTTP_SETTINGS);
        return all;
    }

    /**
     * A {@link Tcp} source for {@code tcp://HOST:PORT}, an {@link Http} polling source for {@code http(s)://…}.
     *
     * @throws IllegalArgumentException if the location or a setting is malformed, naming it
     */
    @Override
    public Supplier<? extends StartNode<?>> source(String location, Map<String, String> settings) {
        String scheme = Connectors.scheme(location);
        if ("tcp".equals(scheme)) {
            only(location, settings, TCP_SETTINGS, "a tcp source");
            return tcp(location, new SettingValues(location, settings));
        }
        if ("http".equals(scheme) || "https".equals(scheme)) {
            only(location, settings, HTTP_SETTINGS, "an http or https source");
            return http(location, new SettingValues(location, settings));
        }
        throw new IllegalArgumentException(
                "'" + location + "': the net connector reads tcp://, http:// and https:// locations, not this one");
    }

    /** Refused: this connector only reads. */
    @Override
    public Supplier<? extends EndNode<?>> sink(String location, Map<String, String> settings) {
        throw new UnsupportedOperationException("'" + location + "': the net connector only reads; tcp://, http:// and"
                + " https:// locations are sources, not sinks");
    }

    private static void only(String location, Map<String, String> settings, Set<String> allowed, String kind) {
        for (String key : settings.keySet()) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException("'" + location + "': setting '" + key + "' is not a setting of "
                        + kind + "; its settings: " + new TreeSet<>(allowed));
            }
        }
    }

    private static TcpSource<?> tcp(String location, SettingValues values) {
        URI uri;
        try {
            uri = new URI(location);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "'" + location + "': expected tcp://HOST:PORT, such as tcp://0.0.0.0:9000, but it is not a URI: "
                            + e.getMessage());
        }
        boolean bare = (uri.getRawPath() == null
                        || uri.getRawPath().isEmpty()
                        || uri.getRawPath().equals("/"))
                && uri.getRawQuery() == null
                && uri.getRawFragment() == null
                && uri.getRawUserInfo() == null;
        if (uri.getHost() == null || uri.getPort() < 0 || uri.getPort() > 65_535 || !bare) {
            throw new IllegalArgumentException("'" + location + "': expected tcp://HOST:PORT, such as"
                    + " tcp://0.0.0.0:9000 (every interface) or tcp://127.0.0.1:0 (a free port, this machine only),"
                    + " with a port from 0 to 65535 and nothing after it");
        }
        String host = uri.getHost().startsWith("[")
                ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        String framing = values.choice(FRAMING, List.of("lines", "length-prefixed"), "lines");
        String payload = values.choice(PAYLOAD, List.of("bytes", "text"), "bytes");
        if (framing.equals("lines") && values.has(PAYLOAD)) {
            throw values.problem(
                    PAYLOAD, "lines are always text; payload is for framing: length-prefixed, found framing: lines");
        }
        TcpOptions options = TcpOptions.listen(host, uri.getPort())
                .withMaxFrame(values.bytes(MAX_FRAME, TcpOptions.DEFAULT_MAX_FRAME))
                .withMaxConnections(
                        (int) values.number(MAX_CONNECTIONS, 1, 100_000, TcpOptions.DEFAULT_MAX_CONNECTIONS))
                .withCapacity((int) values.number(CAPACITY, 1, 10_000_000, TcpOptions.DEFAULT_CAPACITY));
        if (values.has(LOG_DIR)) {
            options = options.withLogDir(path(values, LOG_DIR));
        }
        if (framing.equals("lines")) {
            return Tcp.lines(options);
        }
        return payload.equals("text") ? Tcp.lengthPrefixedText(options) : Tcp.lengthPrefixed(options);
    }

    private static Path path(SettingValues values, String name) {
        String value = values.text(name);
        try {
            if (!value.isBlank()) {
                return Path.of(value);
            }
        } catch (InvalidPathException e) {
            throw values.problem(name, "expected a directory but found '" + value + "': " + e.getReason());
        }
        throw values.problem(name, "expected a directory but found an empty value");
    }

    private static Supplier<? extends StartNode<?>> http(String location, SettingValues values) {
        URI url;
        try {
            url = new URI(location);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + location + "': expected a URL, such as"
                    + " https://example.com/feed.json, but it is not one: " + e.getMessage());
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new IllegalArgumentException(
                    "'" + location + "': expected a URL with a host, such as" + " https://example.com/feed.json");
        }
        HttpPollOptions options = HttpPollOptions.of(url);
        options = options.withInterval(values.duration(INTERVAL, options.interval()))
                .withTimeout(values.duration(TIMEOUT, options.timeout()))
                .withBackoff(values.duration(BACKOFF, options.backoff()))
                .withCount(values.number(COUNT, 1, Long.MAX_VALUE, HttpPollOptions.UNBOUNDED))
                .withRetries((int) values.number(RETRIES, 0, 1_000_000, options.retries()))
                .withMaxBody(values.bytes(MAX_BODY, options.maxBody()));
        return switch (values.choice(FORMAT, List.of("text", "lines", "json", "json-lines"), "text")) {
            case "lines" -> Http.pollLines(options);
            case "json" -> Http.pollJson(options);
            case "json-lines" -> Http.pollJsonLines(options);
            default -> Http.poll(options);
        };
    }
}
