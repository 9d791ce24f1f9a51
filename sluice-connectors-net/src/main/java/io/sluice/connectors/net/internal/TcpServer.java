package io.sluice.connectors.net.internal;

import io.sluice.Inbox;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening side of a TCP source: accepts clients up to a limit, cuts what each sends into frames and puts every
 * good frame into the inbox — a durable log — before it acknowledges it. One platform thread accepts, one per
 * connection reads and answers, so replies on a connection are in the order of its frames.
 *
 * <p>What a client is told is what happened: {@code ok N} once frame N is in the log; {@code error connection C frame
 * N: …} for a frame of which nothing entered the graph; {@code error connection C: …} for the connection as a whole,
 * which is then closed.
 */
final class TcpServer<T> {

    /** Makes an item of a frame's bytes; refuses bytes that are not the text the item must be. */
    @FunctionalInterface
    interface Decoder<T> {
        T decode(byte[] bytes) throws Utf8.Invalid;
    }

    private static final Logger LOG = LoggerFactory.getLogger(TcpServer.class);
    private static final Duration OFFER_WAIT = Duration.ofMillis(100);
    private static final long DRAIN_BYTES = 1 << 20;
    private static final int DRAIN_MILLIS = 1_000;
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final String what;
    private final ServerSocket socket;
    private final TcpNode.Framing framing;
    private final int maxFrame;
    private final int maxConnections;
    private final Decoder<T> decoder;
    private final Inbox<T> inbox;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;
    private volatile Throwable failure;
    private long connections; // the accepting thread's
    private Thread acceptor;

    TcpServer(
            String what,
            ServerSocket socket,
            TcpNode.Framing framing,
            int maxFrame,
            int maxConnections,
            Decoder<T> decoder,
            Inbox<T> inbox) {
        this.what = what;
        this.socket = socket;
        this.framing = framing;
        this.maxFrame = maxFrame;
        this.maxConnections = maxConnections;
        this.decoder = decoder;
        this.inbox = inbox;
    }

    /** Starts accepting clients. */
    void start() {
        acceptor = Thread.ofPlatform().daemon().name(what + " accept").start(this::accept);
    }

    /** What stopped the server from working — the listening socket, the log — or {@code null}. */
    Throwable failure() {
        return failure;
    }

    /**
     * Stops accepting, closes every connection (a frame being logged may still be logged, unacknowledged: the client
     * sends it again) and waits a few seconds for the connection threads, so the log can be closed after them.
     */
    void close() {
        closing = true;
        closeQuietly(socket);
        List<Thread> threads = new ArrayList<>();
        if (acceptor != null) {
            threads.add(acceptor);
        }
        for (Connection connection : open) {
            closeQuietly(connection.socket);
            threads.add(connection.thread);
        }
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        boolean interrupted = Thread.interrupted(); // a deployment that stops interrupts its tasks: wait all the same
        for (Thread thread : threads) {
            while (thread.isAlive() && deadline - System.nanoTime() > 0) {
                try {
                    thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (thread.isAlive()) {
                LOG.warn("{}: thread '{}' did not stop within 5 s", what, thread.getName());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void accept() {
        while (!closing) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                if (!closing) {
                    failure = e;
                    LOG.error("{}: cannot accept connections any more", what, e);
                }
                return;
            }
            long number = ++connections;
            if (open.size() >= maxConnections) {
                String problem = "too many connections (" + open.size() + " open, max-connections " + maxConnections
                        + "); try again later";
                LOG.warn(
                        "{}: connection {} from {} refused: {}",
                        what,
                        number,
                        client.getRemoteSocketAddress(),
                        problem);
                Thread.ofVirtual()
                        .name(what + " refusal " + number)
                        .start(() -> refuse(client, "error connection " + number + ": " + problem));
                continue;
            }
            Connection connection = new Connection(number, client);
            connection.thread = Thread.ofPlatform()
                    .daemon()
                    .name(what + " connection " + number)
                    .unstarted(connection);
            open.add(connection); // after its thread is set: close() joins the threads of what it finds here
            connection.thread.start();
        }
    }

    private static void refuse(Socket client, String line) {
        try (client) {
            OutputStream out = client.getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            finish(client);
        } catch (IOException e) {
            // the client went away first: it was refused either way
        }
    }

    /**
     * Ends what the server sends, then reads and drops what the client still sends for a moment before the socket is
     * closed: closing with unread input would reset the connection and could destroy the last reply in flight.
     */
    private static void finish(Socket client) throws IOException {
        client.shutdownOutput();
        client.setSoTimeout(DRAIN_MILLIS);
        InputStream in = client.getInputStream();
        try {
            long drained = 0;
            byte[] sink = new byte[8_192];
            for (int n = in.read(sink); n != -1 && drained < DRAIN_BYTES; n = in.read(sink)) {
                drained += n;
            }
        } catch (SocketTimeoutException e) {
            // the client keeps the connection open: close it now
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing on the way out: nothing more to do
        }
    }

    /** One client: its frames, in order, each answered once. */
    private final class Connection implements Runnable {
        private final long number;
        private final Socket socket;
        private Thread thread;

        Connection(long number, Socket socket) {
            this.number = number;
            this.socket = socket;
        }

        @Override
        public void run() {
            try (socket) {
                socket.setTcpNoDelay(true);
                InputStream in = new BufferedInputStream(socket.getInputStream(), 8_192);
                OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1_024);
                Frames frames = Frames.of(framing, in, maxFrame);
                long frame = 0;
                while (!closing) {
                    Frames.Frame next = frames.next();
                    if (next == Frames.End.END) {
                        return;
                    }
                    frame++;
                    if (next instanceof Frames.Bad bad) {
                        refuse(out, frame, bad.problem());
                        if (bad.fatal()) {
                            finish(socket);
                            return;
                        }
                        continue;
                    }
                    T item;
                    try {
                        item = decoder.decode(((Frames.Data) next).bytes());
                    } catch (Utf8.Invalid e) {
                        refuse(out, frame, "the frame is " + e.getMessage() + "; it was dropped");
                        continue;
                    }
                    if (!log(item)) {
                        reply(out, error(frame, "the source is stopping; the frame was not accepted"));
                        return;
                    }
                    reply(out, "ok " + frame);
                }
            } catch (UncheckedIOException e) { // the log refused a write: the source cannot keep its promise
                failure = e;
                LOG.error("{}: connection {}: cannot write to the log", what, number, e);
            } catch (IOException e) {
                if (!closing) {
                    LOG.debug("{}: connection {} from {} ended: {}", what, number, socket.getRemoteSocketAddress(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) { // reported by the node's next pull, which fails the deployment with it
                failure = t;
                LOG.error("{}: connection {} failed", what, number, t);
            } finally {
                open.remove(this);
            }
        }

        /** Puts the item in the log, waiting while the graph is behind; {@code false} if the source stops first. */
        private boolean log(T item) throws InterruptedException {
            while (!inbox.offer(item, OFFER_WAIT)) {
                if (closing) {
                    return false;
                }
            }
            return true;
        }

        private void refuse(OutputStream out, long frame, String problem) throws IOException {
            LOG.warn(
                    "{}: connection {} from {}, frame {}: {}",
                    what,
                    number,
                    socket.getRemoteSocketAddress(),
                    frame,
                    problem);
            reply(out, error(frame, problem));
        }

        private String error(long frame, String problem) {
            return "error connection " + number + " frame " + frame + ": " + problem;
        }

        private void reply(OutputStream out, String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }
}
