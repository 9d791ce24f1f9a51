package io.sluice.connectors.net;

import io.sluice.StartNode;
import io.sluice.connectors.net.internal.HttpPollNode;
import io.sluice.connectors.net.internal.HttpPollNode.Format;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * HTTP polling sources: a GET of one resource every interval, its body emitted when it changed.
 *
 * <pre>{@code
 * builder.start("prices", Http.pollJson(HttpPollOptions.of("https://example.com/prices.json")
 *         .withInterval(Duration.ofSeconds(30))))
 * }</pre>
 *
 * <p><b>Change.</b> Each request is conditional: {@code If-None-Match} with the last {@code ETag}, {@code
 * If-Modified-Since} with the last {@code Last-Modified}. A {@code 304 Not Modified} emits nothing; a 2xx body emits
 * unless its SHA-256 equals that of the last body emitted (a server may ignore conditional requests). A changed body is
 * emitted whole — every line again for the line formats, not the lines that differ.
 *
 * <p><b>Resuming.</b> The start node is {@link io.sluice.Resumable}: its position is the last ETag, Last-Modified and
 * body hash and the number of polls, so a deployment restarted from a checkpoint does not emit again a body it emitted
 * before, and a bounded source ({@link HttpPollOptions#count()}) makes only the polls it has left.
 *
 * <p><b>Failures.</b> An answer other than 2xx or 304 fails the source with the URL and the status. No answer, a
 * timeout and statuses 408, 429 and 5xx (but 501 and 505) may pass: they are tried again after a back-off ({@link
 * HttpPollOptions#backoff()}, doubling up to a minute, or longer if {@code Retry-After} asks), up to {@link
 * HttpPollOptions#retries()} times in a row. A body larger than {@link HttpPollOptions#maxBody()}, not UTF-8, or not
 * JSON for the JSON formats fails the source at once, naming what is wrong and where, with nothing of it emitted.
 *
 * <p><b>Threads.</b> The node runs with parallelism 1; its requests run on the JDK's HTTP client, and each pull returns
 * within 20 ms, so checkpoints never wait for a slow server.
 */
public final class Http {

    private Http() {}

    /** The whole body, one {@code String} of UTF-8 text, each time it changed. */
    public static Supplier<StartNode<String>> poll(HttpPollOptions options) {
        return source(options, Format.TEXT);
    }

    /** Each line of the body ({@code \n}, or {@code \r\n}, ended), each time it changed. */
    public static Supplier<StartNode<String>> pollLines(HttpPollOptions options) {
        return source(options, Format.LINES);
    }

    /**
     * The body as one JSON value — a {@code Map<String, Object>}, {@code List<Object>}, {@code String}, number or
     * {@code Boolean} — each time it changed; a body of JSON {@code null} fails the source.
     */
    public static Supplier<StartNode<Object>> pollJson(HttpPollOptions options) {
        return source(options, Format.JSON);
    }

    /** Each non-blank line of the body as one JSON value (JSON Lines), each time it changed. */
    public static Supplier<StartNode<Object>> pollJsonLines(HttpPollOptions options) {
        return source(options, Format.JSON_LINES);
    }

    private static <T> Supplier<StartNode<T>> source(HttpPollOptions options, Format format) {
        Objects.requireNonNull(options, "options");
        return () -> new HttpPollNode<>(options, format);
    }
}
