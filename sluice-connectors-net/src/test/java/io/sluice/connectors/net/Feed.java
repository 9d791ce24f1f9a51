package io.sluice.connectors.net;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server (the JDK's) serving one changing resource at {@code /feed}, as a feed on the web would: an ETag and
 * a Last-Modified for each version, {@code 304 Not Modified} to a conditional request that still matches. It counts
 * what it answered and keeps the conditional headers of every request, and can be told to answer some requests with a
 * status instead, to ignore conditional requests, to send no ETag, or to hang.
 */
final class Feed implements AutoCloseable {

    /** The conditional headers of one request, {@code null} where absent, and the status it got. */
    record Request(String ifNoneMatch, String ifModifiedSince, int status) {}

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Queue<Integer> statuses = new ConcurrentLinkedQueue<>();
    private final AtomicInteger notModified = new AtomicInteger();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile byte[] body = "v1".getBytes(StandardCharsets.UTF_8);
    private volatile int version = 1;
    private volatile String lastModified = HTTP_DATE.format(Instant.parse("2026-01-01T00:00:00Z"));
    private volatile boolean conditional = true;
    private volatile boolean etags = true;
    private volatile boolean hang;
    private volatile boolean changeOnEveryRequest;

    Feed() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/feed", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/feed");
    }

    /** A new version of the resource: a new body, ETag and Last-Modified. */
    synchronized void change(String text) {
        change(text.getBytes(StandardCharsets.UTF_8));
    }

    synchronized void change(byte[] bytes) {
        body = bytes;
        version++;
        lastModified = HTTP_DATE.format(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(version));
    }

    String etag() {
        return "\"v" + version + "\"";
    }

    String lastModified() {
        return lastModified;
    }

    /** The next requests get these statuses, with a short body saying so, instead of the resource. */
    void answerWith(Integer... statuses) {
        this.statuses.addAll(List.of(statuses));
    }

    /** Answers 200 with the whole body to every request, as a server that ignores conditional requests. */
    void ignoreConditionalRequests() {
        conditional = false;
    }

    /** Sends Last-Modified only. */
    void withoutEtags() {
        etags = false;
    }

    /** Answers no request until closed. */
    void hang() {
        hang = true;
    }

    /** Each request finds a new version, "v2", "v3", … */
    void changeOnEveryRequest() {
        changeOnEveryRequest = true;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    int notModified() {
        return notModified.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (hang) {
                released.await();
                return;
            }
            String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
            String ifModifiedSince = exchange.getRequestHeaders().getFirst("If-Modified-Since");
            Integer forced = statuses.poll();
            if (forced != null) {
                byte[] text = ("forced status " + forced).getBytes(StandardCharsets.UTF_8);
                requests.add(new Request(ifNoneMatch, ifModifiedSince, forced));
                exchange.sendResponseHeaders(forced, text.length);
                exchange.getResponseBody().write(text);
                return;
            }
            byte[] bytes;
            String etag;
            String modified;
            synchronized (this) {
                if (changeOnEveryRequest && !requests.isEmpty()) {
                    change("v" + (version + 1));
                }
                bytes = body;
                etag = etag();
                modified = lastModified;
            }
            boolean unchanged =
                    ifNoneMatch != null ? etags && ifNoneMatch.equals(etag) : modified.equals(ifModifiedSince);
            if (etags) {
                exchange.getResponseHeaders().set("ETag", etag);
            }
            exchange.getResponseHeaders().set("Last-Modified", modified);
            if (conditional && unchanged) {
                requests.add(new Request(ifNoneMatch, ifModifiedSince, 304));
                notModified.incrementAndGet();
                exchange.sendResponseHeaders(304, -1);
                return;
            }
            requests.add(new Request(ifNoneMatch, ifModifiedSince, 200));
            exchange.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
    }
}
