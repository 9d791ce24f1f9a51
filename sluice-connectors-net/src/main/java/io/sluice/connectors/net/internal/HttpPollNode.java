package io.sluice.connectors.net.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.Emitter;
import io.sluice.NodeContext;
import io.sluice.Resumable;
import io.sluice.SluiceException;
import io.sluice.StartNode;
import io.sluice.connectors.net.HttpPollOptions;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start node of an HTTP polling source: a conditional GET every interval, the body emitted when it changed.
 *
 * <p>Its position is what it knows of the resource — the last ETag, the last Last-Modified, the SHA-256 of the last
 * body emitted — and the polls made, so a restarted deployment asks conditionally again and does not emit a body it
 * emitted before, even from a server that ignores conditional requests. A request runs while the node returns from
 * each pull within 20 ms, as checkpoints wait for pulls.
 */
public final class HttpPollNode<T> implements StartNode<T>, Resumable {

    /** What items are made of a changed body. */
    public enum Format {
        /** The whole body, one {@code String}. */
        TEXT("text"),
        /** Each line, a {@code String}, without its line end; every line again when the body changed. */
        LINES("lines"),
        /** The whole body as one JSON value: a {@code Map}, {@code List}, {@code String}, number or boolean. */
        JSON("json"),
        /** Each non-blank line as one JSON value. */
        JSON_LINES("json-lines");

        private final String setting;

        Format(String setting) {
            this.setting = setting;
        }

        /** How the format is written in a setting. */
        public String setting() {
            return setting;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(HttpPollNode.class);
    private static final long WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final Duration LONGEST_BACKOFF = Duration.ofMinutes(1);
    private static final Duration LONGEST_RETRY_AFTER = Duration.ofMinutes(5);
    private static final String NONE = "~"; // URL encoding never makes it
    private static final ObjectMapper JSON_READER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final HttpPollOptions options;
    private final Format format;
    private String what;
    private HttpClient client;
    private long polls;
    private String etag;
    private String lastModified;
    private String digest;
    private long nextAt;
    private int failures;
    private CompletableFuture<HttpResponse<byte[]>> inFlight;
    private long sentAt;

    public HttpPollNode(HttpPollOptions options, Format format) {
        this.options = options;
        this.format = format;
    }

    @Override
    public void open(NodeContext context) {
        what = "HTTP source '" + context.nodeId() + "' (GET " + options.url() + ")";
        if (context.parallelism() != 1) {
            throw new IllegalStateException(what + " polls one resource and runs with parallelism 1; found parallelism "
                    + context.parallelism() + "; set its parallelism to 1 and raise it on the nodes downstream");
        }
        client = HttpClient.newBuilder()
                .connectTimeout(options.timeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        nextAt = System.nanoTime();
    }

    @Override
    public boolean pull(Emitter<T> emitter) throws Exception {
        if (polls >= options.count()) {
            return false;
        }
        if (inFlight == null) {
            long wait = nextAt - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(Math.min(wait, WAIT_NANOS));
                return true;
            }
            send();
        }
        HttpResponse<byte[]> response;
        try {
            response = inFlight.get(WAIT_NANOS, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (System.nanoTime() - sentAt > options.timeout().toNanos()) {
                inFlight.cancel(true);
                inFlight = null;
                failed(noAnswerInTime(), true, 0);
            }
            return true;
        } catch (ExecutionException | CancellationException e) {
            inFlight = null;
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (cause instanceof LimitedBody.TooLarge) {
                failed(cause.getMessage(), false, 0);
            } else if (cause instanceof HttpTimeoutException) {
                failed(noAnswerInTime(), true, 0);
            } else {
                failed("no answer: " + describe(cause), true, 0);
            }
            return true;
        }
        inFlight = null;
        answered(response, emitter);
        return polls < options.count();
    }

    private String noAnswerInTime() {
        return "no whole answer within the timeout (" + options.timeout().toMillis() + " ms)";
    }

    private void send() {
        HttpRequest.Builder request = HttpRequest.newBuilder(options.url())
                .GET()
                .timeout(options.timeout())
                .header("User-Agent", "sluice");
        if (etag != null) {
            request.header("If-None-Match", etag);
        }
        if (lastModified != null) {
            request.header("If-Modified-Since", lastModified);
        }
        sentAt = System.nanoTime();
        inFlight = client.sendAsync(request.build(), LimitedBody.handler(options.maxBody()));
    }

    private void answered(HttpResponse<byte[]> response, Emitter<T> emitter) {
        int status = response.statusCode();
        HttpHeaders headers = response.headers();
        if (status == 304) {
            etag = header(headers, "ETag", etag);
            lastModified = header(headers, "Last-Modified", lastModified);
            succeeded();
            return;
        }
        if (status < 200 || status > 299) {
            boolean retryable = status == 408 || status == 429 || status >= 500 && status != 501 && status != 505;
            failed(
                    "answered status " + status + snippet(response.body()) + "; expected 2xx, or 304 Not Modified"
                            + (retryable
                                    ? ""
                                    : "; not retried, as a status " + status + " does not go away by asking"
                                            + " again"),
                    retryable,
                    retryAfter(headers));
            return;
        }
        byte[] body = response.body();
        String sha256 = sha256(body);
        if (!sha256.equals(digest)) {
            List<Object> items = items(body); // all made before any is emitted
            for (Object item : items) {
                @SuppressWarnings("unchecked") // the format says what the items are; Http's factories type them so
                T typed = (T) item;
                emitter.emit(typed);
            }
            digest = sha256;
        }
        etag = header(headers, "ETag", null);
        lastModified = header(headers, "Last-Modified", null);
        succeeded();
    }

    private static String header(HttpHeaders headers, String name, String otherwise) {
        return headers.firstValue(name).filter(value -> !value.isBlank()).orElse(otherwise);
    }

    private void succeeded() {
        polls++;
        failures = 0;
        nextAt = sentAt + options.interval().toNanos();
    }

    /** Fails the source, or waits before the next attempt if this failure may pass and retries remain. */
    private void failed(String problem, boolean retryable, long retryAfterNanos) {
        failures++;
        if (!retryable) {
            throw new SluiceException(what + ": " + problem);
        }
        if (failures > options.retries()) {
            throw new SluiceException(what + ": " + problem + "; " + failures + " failed attempt"
                    + (failures == 1 ? "" : "s") + " in a row, and retries is " + options.retries());
        }
        long backoff = options.backoff().toNanos();
        long longest = Math.max(backoff, LONGEST_BACKOFF.toNanos());
        long delay = backoff;
        for (int i = 1; i < failures && delay < longest; i++) {
            delay = delay > longest / 2 ? longest : delay * 2;
        }
        delay = Math.max(Math.min(delay, longest), retryAfterNanos);
        LOG.warn(
                "{}: {}; attempt {} of {} failed, the next in {} ms",
                what,
                problem,
                failures,
                options.retries() + 1,
                TimeUnit.NANOSECONDS.toMillis(delay));
        nextAt = System.nanoTime() + delay;
    }

    /** What a {@code Retry-After} of seconds asks for, at most 5 minutes; 0 if none (a date is not followed). */
    private static long retryAfter(HttpHeaders headers) {
        String value = headers.firstValue("Retry-After").orElse("").strip();
        if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(Character::isDigit)) {
            return 0;
        }
        return Math.min(TimeUnit.SECONDS.toNanos(Long.parseLong(value)), LONGEST_RETRY_AFTER.toNanos());
    }

    private List<Object> items(byte[] body) {
        String text;
        try {
            text = Utf8.decode(body);
        } catch (Utf8.Invalid e) {
            throw new SluiceException(what + ": the body is " + e.getMessage() + "; nothing of it was emitted");
        }
        List<Object> items = new ArrayList<>();
        switch (format) {
            case TEXT -> items.add(text);
            case JSON -> items.add(json(text, "the body"));
            case LINES, JSON_LINES -> {
                String[] lines = text.split("\n", -1);
                int count = lines[lines.length - 1].isEmpty() ? lines.length - 1 : lines.length;
                for (int i = 0; i < count; i++) {
                    String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
                    if (format == Format.LINES) {
                        items.add(line);
                    } else if (!line.isBlank()) {
                        items.add(json(line, "line " + (i + 1)));
                    }
                }
            }
        }
        return items;
    }

    private Object json(String text, String where) {
        Object value;
        try {
            value = JSON_READER.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new SluiceException(what + ": " + where + " is not one JSON value: "
                    + firstLine(e.getOriginalMessage()) + "; nothing of the body was emitted");
        }
        if (value == null) {
            throw new SluiceException(what + ": " + where
                    + " is JSON null, and a source cannot emit null; nothing of the body was" + " emitted");
        }
        return value;
    }

    private static String firstLine(String message) {
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    /** The start of an error body, which often says what went wrong. */
    private static String snippet(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        String text = new String(body, 0, Math.min(body.length, 400), StandardCharsets.UTF_8)
                .replaceAll("\\s+", " ")
                .strip();
        if (text.length() > 200) {
            text = text.substring(0, 200) + "…";
        }
        return text.isEmpty() ? "" : " (body: " + text + ")";
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** {@code v1 POLLS SHA256 ETAG LAST-MODIFIED}, the text ones URL-encoded, {@code ~} for none. */
    @Override
    public String position() {
        return "v1 " + polls + " " + (digest == null ? NONE : digest) + " " + encode(etag) + " " + encode(lastModified);
    }

    @Override
    public void resume(String position) {
        String[] parts = position.strip().split(" ");
        try {
            if (parts.length != 5 || !parts[0].equals("v1")) {
                throw new IllegalArgumentException("not five fields after v1");
            }
            long storedPolls = Long.parseLong(parts[1]);
            if (storedPolls < 0) {
                throw new IllegalArgumentException("a negative count of polls");
            }
            polls = storedPolls;
            digest = parts[2].equals(NONE) ? null : parts[2];
            etag = decode(parts[3]);
            lastModified = decode(parts[4]);
        } catch (IllegalArgumentException e) { // NumberFormatException too
            throw new IllegalArgumentException(what + ": expected a stored position such as 'v1 3 <sha-256> <etag>"
                    + " <last-modified>' but found '" + position + "'; the checkpoint was written for another source");
        }
    }

    private static String encode(String value) {
        return value == null ? NONE : URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String decode(String value) {
        return value.equals(NONE) ? null : URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (inFlight != null) {
            inFlight.cancel(true);
        }
        if (client != null) {
            client.shutdownNow();
        }
    }
}
