package io.sluice.connectors.net.internal;

import io.sluice.Emitter;
import io.sluice.NodeContext;
import io.sluice.Resumable;
import io.sluice.SluiceException;
import io.sluice.Sources;
import io.sluice.StartNode;
import io.sluice.connectors.net.TcpOptions;
import io.sluice.server.DurableInbox;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start node of a TCP source: frames go into a {@link DurableInbox} — the log HTTP ingest uses — and are
 * acknowledged once there; the node pulls from it with the inbox's own resumable start node ({@link Sources#inbox}),
 * so a checkpoint covers what was pulled and a restart replays from the log what it does not cover.
 *
 * <p>The port is bound in {@link #open}, so that its address is known at once; connections are accepted from the first
 * pull, after {@link #resume}, so that no frame is numbered in the log before the log knows where the checkpoint
 * stands.
 */
public final class TcpNode<T> implements StartNode<T>, Resumable {

    /** How a connection's bytes are cut into frames. */
    public enum Framing {
        /** UTF-8 lines ended by {@code \n}. */
        LINES,
        /** A 4-byte big-endian length, then that many bytes. */
        LENGTH_PREFIXED
    }

    private static final Logger LOG = LoggerFactory.getLogger(TcpNode.class);

    private final TcpOptions options;
    private final Framing framing;
    private final Class<T> type;
    private final TcpServer.Decoder<T> decoder;
    private final Consumer<InetSocketAddress> bound;
    private String what;
    private FileChannel lockFile;
    private FileLock lock;
    private DurableInbox<T> log;
    private StartNode<T> inbox;
    private ServerSocket socket;
    private TcpServer<T> server;

    /**
     * A node listening as {@code options} say, cutting frames by {@code framing}, making items of type {@code type}
     * (as the log stores them) with {@code decoder}, and telling {@code bound} its address once it listens and {@code
     * null} once it stops.
     */
    private TcpNode(
            TcpOptions options,
            Framing framing,
            Class<T> type,
            TcpServer.Decoder<T> decoder,
            Consumer<InetSocketAddress> bound) {
        this.options = options;
        this.framing = framing;
        this.type = type;
        this.decoder = decoder;
        this.bound = bound;
    }

    /** Lines as strings. */
    public static TcpNode<String> lines(TcpOptions options, Consumer<InetSocketAddress> bound) {
        return new TcpNode<>(options, Framing.LINES, String.class, Utf8::decode, bound);
    }

    /** Length-prefixed frames as their bytes. */
    public static TcpNode<byte[]> bytes(TcpOptions options, Consumer<InetSocketAddress> bound) {
        return new TcpNode<>(options, Framing.LENGTH_PREFIXED, byte[].class, bytes -> bytes, bound);
    }

    /** Length-prefixed frames as UTF-8 text. */
    public static TcpNode<String> text(TcpOptions options, Consumer<InetSocketAddress> bound) {
        return new TcpNode<>(options, Framing.LENGTH_PREFIXED, String.class, Utf8::decode, bound);
    }

    @Override
    public void open(NodeContext context) throws Exception {
        what = "TCP source '" + context.nodeId() + "'";
        if (context.parallelism() != 1) {
            throw new IllegalStateException(what
                    + " listens on one port and runs with parallelism 1; found parallelism " + context.parallelism()
                    + "; set its parallelism to 1 and raise it on the nodes downstream");
        }
        Path file = options.logDir().resolve(context.graph() + "." + context.nodeId() + ".log");
        lock(file);
        log = DurableInbox.open(type, file, options.capacity());
        inbox = Sources.inbox(log.inbox()).get();
        inbox.open(context);
        socket = listen();
        InetSocketAddress address = (InetSocketAddress) socket.getLocalSocketAddress();
        what = what + " on " + address.getHostString() + ":" + address.getPort();
        LOG.info(
                "{} listening ({} framing, max-frame {} bytes, max-connections {}); its log is {}",
                what,
                framing == Framing.LINES ? "lines" : "length-prefixed",
                options.maxFrame(),
                options.maxConnections(),
                file.toAbsolutePath());
        bound.accept(address);
    }

    /** One deployment per log: two writers would interleave their entries and corrupt it. */
    private void lock(Path file) throws IOException {
        Path lockPath = file.resolveSibling(file.getFileName() + ".lock");
        Files.createDirectories(lockPath.toAbsolutePath().getParent());
        lockFile = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            lock = lockFile.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockFile.close();
            lockFile = null;
            throw new SluiceException(what + ": its log " + file.toAbsolutePath()
                    + " is in use by another deployment (of graph and node of the same names); stop that one, or give"
                    + " this one another log-dir");
        }
    }

    private ServerSocket listen() throws IOException {
        ServerSocket listening = new ServerSocket();
        try {
            listening.setReuseAddress(true);
            listening.bind(new InetSocketAddress(options.host(), options.port()), 128);
            return listening;
        } catch (IOException | IllegalArgumentException e) {
            listening.close();
            throw new SluiceException(
                    what + ": cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage()
                            + (options.port() != 0 ? "; is another process using the port?" : ""),
                    e);
        }
    }

    @Override
    public void resume(String position) throws Exception {
        resumable().resume(position);
    }

    @Override
    public boolean pull(Emitter<T> emitter) throws Exception {
        if (server == null) {
            server = new TcpServer<>(
                    what, socket, framing, options.maxFrame(), options.maxConnections(), decoder, log.inbox());
            server.start();
        }
        Throwable failure = server.failure();
        if (failure != null) {
            throw new SluiceException(what + " cannot take frames any more: " + failure, failure);
        }
        return inbox.pull(emitter);
    }

    @Override
    public String position() {
        return resumable().position();
    }

    @Override
    public void committed(String position) throws Exception {
        resumable().committed(position);
    }

    private Resumable resumable() {
        return (Resumable) inbox; // the start node of a durable inbox is
    }

    @Override
    public void close() throws Exception {
        bound.accept(null);
        try {
            if (server != null) {
                server.close();
            } else if (socket != null) {
                socket.close();
            }
            if (inbox != null) {
                inbox.close();
            }
        } finally {
            try {
                if (log != null) {
                    log.close();
                }
            } finally {
                if (lockFile != null) {
                    lockFile.close(); // releases the lock
                }
            }
        }
        if (what != null && socket != null) {
            LOG.info("{} stopped", what);
        }
    }
}
