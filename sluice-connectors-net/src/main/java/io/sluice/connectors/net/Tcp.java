package io.sluice.connectors.net;

import io.sluice.connectors.net.internal.TcpNode;
import java.util.Objects;

/**
 * TCP sources: a port that clients connect to and send frames — lines, or length-prefixed — each acknowledged only
 * once it is in a durable log, so that nothing a client was told is taken is lost when the deploying process dies.
 *
 * <pre>{@code
 * TcpSource<String> events = Tcp.lines(TcpOptions.listen("0.0.0.0", 9000));
 * ComputationalGraph graph = ComputationalGraph.builder("events")
 *         .start("events", events)
 *         ...
 *         .build();
 * graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withCheckpoints(Path.of("state")));
 * }</pre>
 *
 * <p><b>The protocol.</b> Each frame gets one reply line, in the order of the frames of its connection, counted from
 * 1 per connection: {@code ok N} once frame N is in the log; {@code error connection C frame N: <problem>} for a frame
 * refused — too long, not UTF-8, cut short — of which nothing enters the graph. A line too long or a frame not UTF-8
 * is only refused; a length prefix beyond {@link TcpOptions#maxFrame()} or a connection that ends inside a frame also
 * ends the connection. A client beyond {@link TcpOptions#maxConnections()} gets {@code error connection C: too many
 * connections …} and is closed.
 *
 * <p><b>Guarantees.</b> A frame acknowledged is in the log, synced to disk ({@code DurableInbox}, the log of HTTP
 * ingest), at {@code <logDir>/<graph>.<node>.log}. The start node is {@link io.sluice.Resumable} by its place in the
 * log: with checkpoints ({@code LocalOptions.withCheckpoints}) a restart passes on again every frame the last
 * checkpoint does not cover, and a checkpoint lets the log drop what it covers. Without checkpoints the log is never
 * trimmed and a restart passes on every frame it holds again. A frame whose acknowledgement a client did not receive
 * may or may not be in the log: sending it again may duplicate it (at-least-once). Frames of one connection enter the
 * graph in order; frames of different connections interleave.
 *
 * <p><b>Threads.</b> One thread accepts clients, one per connection reads and answers; the start node runs with
 * parallelism 1 and refuses more.
 */
public final class Tcp {

    private Tcp() {}

    /**
     * Lines of UTF-8 text ended by {@code \n} (a {@code \r} before it is dropped), each one item without its line
     * end; a line longer than {@link TcpOptions#maxFrame()} bytes is refused, and the connection goes on.
     */
    public static TcpSource<String> lines(TcpOptions options) {
        Objects.requireNonNull(options, "options");
        return new TcpSource<>(options, bound -> TcpNode.lines(options, bound));
    }

    /**
     * Frames of a 4-byte big-endian length followed by that many bytes, each one item of those bytes (an empty frame
     * is an empty array).
     */
    public static TcpSource<byte[]> lengthPrefixed(TcpOptions options) {
        Objects.requireNonNull(options, "options");
        return new TcpSource<>(options, bound -> TcpNode.bytes(options, bound));
    }

    /** Length-prefixed frames as {@link #lengthPrefixed}, each one item of UTF-8 text; a frame not UTF-8 is refused. */
    public static TcpSource<String> lengthPrefixedText(TcpOptions options) {
        Objects.requireNonNull(options, "options");
        return new TcpSource<>(options, bound -> TcpNode.text(options, bound));
    }
}
