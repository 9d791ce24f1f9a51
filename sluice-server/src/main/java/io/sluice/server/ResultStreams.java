package io.sluice.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;
import io.sluice.Deployment;
import io.sluice.ResultPage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/nodes/{id}/results/stream}: an end node's results as server-sent events, one {@code result} event
 * per result with its position as the event id.
 *
 * <p>One reader, many writers. A single pusher thread reads pages of results — once per node and position per round,
 * however many clients follow it (on KAFKA a read is a pass over a topic) — and offers each client's events to that
 * client's bounded queue. Each client has its own writer, the request's thread, the only one that ever writes to its
 * connection, so events never interleave and a slow client blocks nobody but itself. A client whose queue is full when
 * more results wait for it is dropped: its stream ends, and it comes back with {@code from} (or {@code
 * Last-Event-ID}, as {@code EventSource} does by itself) where it left off.
 *
 * <p>Everything that can be refused is refused before the stream starts, as JSON: an unknown node (404), one that is
 * not an end node or a bad {@code from} (400), more than {@link ServerOptions#maxStreams()} streams (503).
 */
final class ResultStreams implements AutoCloseable {

    /** Events waiting for one client before it counts as too slow. */
    static final int QUEUE = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ResultStreams.class);
    private static final long IDLE_ROUND_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long BUSY_ROUND_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long POLL_MILLIS = 250;

    private final Deployment deployment;
    private final ServerOptions options;
    private final long keepAliveNanos;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();
    private final Thread pusher;
    private volatile boolean closed;

    ResultStreams(Deployment deployment, ServerOptions options) {
        this.deployment = deployment;
        this.options = options;
        this.keepAliveNanos =
                Math.min(TimeUnit.SECONDS.toNanos(10), options.idleTimeout().toNanos() / 3);
        this.pusher = Thread.ofPlatform().name("sluice-server-results").daemon().unstarted(this::push);
    }

    void start() {
        pusher.start();
    }

    /** Streams open now. */
    int open() {
        return open.get();
    }

    /** The route: checks, then writes events until the client leaves, is dropped, or the server closes. */
    void stream(Context ctx, Query query) throws IOException {
        String node = ctx.pathParam("id");
        long from = query.number("from", 0, Long.MAX_VALUE, -1);
        if (from < 0) {
            from = lastEventId(ctx.header("Last-Event-ID"));
        }
        long total = deployment.latestResults(node, 1).total(); // an unknown node or one that is no end: 404, 400
        if (open.incrementAndGet() > options.maxStreams()) {
            open.decrementAndGet();
            throw new ApiException(
                            503,
                            "already " + options.maxStreams() + " result streams open, the most this server serves;"
                                    + " try again later")
                    .header("Retry-After", "5");
        }
        Stream stream = new Stream(node, from < 0 ? total : Math.min(from, total));
        try {
            ctx.status(200);
            ctx.res().setContentType("text/event-stream;charset=utf-8");
            ctx.header("X-Accel-Buffering", "no");
            OutputStream out = ctx.res().getOutputStream();
            out.write(utf8("retry: 1000\n: results of node " + node + " from " + stream.position + "\n\n"));
            out.flush(); // the headers go now, before the first result
            streams.add(stream);
            LockSupport.unpark(pusher);
            stream.write(out);
        } finally {
            streams.remove(stream);
            open.decrementAndGet();
        }
    }

    private static long lastEventId(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Math.max(-1, Long.parseLong(header.strip()) + 1);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("Last-Event-ID must be the id of a result event, found '" + header + "'");
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(pusher);
    }

    /** The pusher's loop: a round, then a pause — short while some client has more waiting. */
    private void push() {
        while (!closed) {
            boolean more = false;
            try {
                more = round();
            } catch (RuntimeException e) {
                LOG.warn("reading results for the streams failed; trying again", e);
            }
            LockSupport.parkNanos(more ? BUSY_ROUND_NANOS : IDLE_ROUND_NANOS);
        }
    }

    /** Offers each client what is new for it; true if some client has more waiting than its queue took. */
    private boolean round() {
        Map<At, ResultPage<Object>> pages = new HashMap<>();
        boolean more = false;
        for (Stream stream : streams) {
            if (stream.dropped != null) {
                continue;
            }
            ResultPage<Object> page;
            try {
                page = pages.computeIfAbsent(
                        new At(stream.node, stream.position),
                        at -> deployment.results(at.node(), at.position(), QUEUE));
            } catch (RuntimeException e) {
                stream.drop("its results cannot be read now: " + e.getMessage());
                continue;
            }
            List<Object> items = page.items();
            if (items.isEmpty()) {
                stream.position = Math.max(stream.position, page.first());
                continue;
            }
            int room = stream.queue.remainingCapacity();
            if (room == 0) {
                stream.drop("it fell " + QUEUE + " results behind; reconnect with from=" + stream.position);
                continue;
            }
            if (page.first() > stream.position) {
                room--;
                stream.queue.add(": " + (page.first() - stream.position)
                        + " results were let go before this client read them\n\n");
            }
            int n = Math.min(room, items.size());
            for (int i = 0; i < n; i++) {
                stream.queue.add(event(stream.node, page.first() + i, items.get(i)));
            }
            stream.position = page.first() + n;
            more |= n < items.size() || page.next() < page.total();
        }
        return more;
    }

    private record At(String node, long position) {}

    private static String event(String node, long position, Object result) {
        try {
            return "id: " + position + "\nevent: result\ndata: " + Json.MAPPER.writeValueAsString(result) + "\n\n";
        } catch (JsonProcessingException e) {
            return ": result " + position + " of node " + node + " cannot be written as JSON: "
                    + Json.firstLine(e.getOriginalMessage()).replace('\n', ' ') + "\n\n";
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** One client: the position of its next result (the pusher's alone), its queue, and why it was dropped. */
    private final class Stream {
        final String node;
        final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
        long position;
        volatile String dropped;

        Stream(String node, long position) {
            this.node = node;
            this.position = position;
        }

        void drop(String why) {
            dropped = why;
        }

        /** The writer: what the queue holds, a comment when nothing was sent for a while, until the end. */
        void write(OutputStream out) {
            long lastWrite = System.nanoTime();
            StringBuilder batch = new StringBuilder();
            try {
                while (!closed) {
                    if (dropped != null) {
                        out.write(utf8(": dropped: " + dropped + "\n\n"));
                        out.flush();
                        return;
                    }
                    String event = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                    if (event == null) {
                        if (System.nanoTime() - lastWrite > keepAliveNanos) {
                            out.write(utf8(": keep-alive\n\n"));
                            out.flush();
                            lastWrite = System.nanoTime();
                        }
                        continue;
                    }
                    batch.setLength(0);
                    do {
                        batch.append(event);
                    } while (batch.length() < 64 * 1024 && (event = queue.poll()) != null);
                    out.write(utf8(batch.toString()));
                    out.flush();
                    lastWrite = System.nanoTime();
                }
            } catch (IOException e) {
                // the client left
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
