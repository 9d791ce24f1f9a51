package io.sluice.connectors.net;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What an HTTP polling source asks for and how often. Immutable; the {@code with…} methods return a copy.
 *
 * <pre>{@code
 * HttpPollOptions.of("https://example.com/feed.json").withInterval(Duration.ofSeconds(30)).withCount(10)
 * }</pre>
 *
 * @param url the resource, {@code http} or {@code https}
 * @param interval the time from the start of one poll to the start of the next (1 minute by default)
 * @param timeout how long one request may take, from connecting to the last byte of the body (10 s by default)
 * @param count how many polls (answers of 2xx or 304) to make before the source ends; {@link #UNBOUNDED} (the
 *     default) polls until the deployment stops
 * @param retries how many failed attempts in a row — no answer, a timeout, status 408, 429 or 5xx — are tried again
 *     before the source fails its deployment (3 by default; 0 fails at the first)
 * @param backoff the wait before the first retry; it doubles at each failure in a row, up to one minute (or {@code
 *     backoff}, if longer), and is at least what a {@code Retry-After} header of seconds asks, up to 5 minutes (1 s
 *     by default)
 * @param maxBody the largest body taken, in bytes; a larger one fails the source ({@value #DEFAULT_MAX_BODY} by
 *     default)
 */
public record HttpPollOptions(
        URI url, Duration interval, Duration timeout, long count, int retries, Duration backoff, int maxBody) {

    /** {@link #count()} of a source that polls until its deployment stops. */
    public static final long UNBOUNDED = Long.MAX_VALUE;

    /** The largest body taken unless set otherwise, in bytes: 16 MiB. */
    public static final int DEFAULT_MAX_BODY = 16 << 20;

    public HttpPollOptions {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? null : url.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("HttpPollOptions.url: expected URL scheme 'http' or 'https' but was "
                    + (scheme == null ? "none" : "'" + scheme + "'") + " in '" + url + "'");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new IllegalArgumentException(
                    "HttpPollOptions.url: expected a host, as in https://example.com/feed, but found '" + url + "'");
        }
        requirePositive("interval", interval);
        requirePositive("timeout", timeout);
        requirePositive("backoff", backoff);
        if (count < 1) {
            throw new IllegalArgumentException("HttpPollOptions.count: expected at least 1 poll but found " + count);
        }
        if (retries < 0) {
            throw new IllegalArgumentException("HttpPollOptions.retries: expected 0 or more but found " + retries);
        }
        if (maxBody < 1) {
            throw new IllegalArgumentException(
                    "HttpPollOptions.maxBody: expected at least 1 byte but found " + maxBody);
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(
                    "HttpPollOptions." + name + ": expected a duration greater than zero but found " + value);
        }
    }

    /**
     * Polls {@code url} every minute until stopped, each request within 10 s, 3 retries from 1 s, bodies up to
     * {@value #DEFAULT_MAX_BODY} bytes.
     */
    public static HttpPollOptions of(URI url) {
        return new HttpPollOptions(
                url,
                Duration.ofMinutes(1),
                Duration.ofSeconds(10),
                UNBOUNDED,
                3,
                Duration.ofSeconds(1),
                DEFAULT_MAX_BODY);
    }

    /**
     * As {@link #of(URI)}.
     *
     * @throws IllegalArgumentException if {@code url} is not a URL
     */
    public static HttpPollOptions of(String url) {
        URI uri;
        try {
            uri = new URI(Objects.requireNonNull(url, "url"));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("HttpPollOptions.url: '" + url + "' is not a URL: " + e.getMessage(), e);
        }
        return of(uri);
    }

    public HttpPollOptions withInterval(Duration interval) {
        return new HttpPollOptions(url, interval, timeout, count, retries, backoff, maxBody);
    }

    public HttpPollOptions withTimeout(Duration timeout) {
        return new HttpPollOptions(url, interval, timeout, count, retries, backoff, maxBody);
    }

    /** Ends the source after {@code count} polls (answers of 2xx or 304), for a bounded run. */
    public HttpPollOptions withCount(long count) {
        return new HttpPollOptions(url, interval, timeout, count, retries, backoff, maxBody);
    }

    public HttpPollOptions withRetries(int retries) {
        return new HttpPollOptions(url, interval, timeout, count, retries, backoff, maxBody);
    }

    public HttpPollOptions withBackoff(Duration backoff) {
        return new HttpPollOptions(url, interval, timeout, count, retries, backoff, maxBody);
    }

    public HttpPollOptions withMaxBody(int maxBody) {
        return new HttpPollOptions(url, interval, timeout, count, retries, backoff, maxBody);
    }
}
