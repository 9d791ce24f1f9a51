package io.sluice;

import io.sluice.internal.graph.EdgeExpressions;
import java.util.List;
import java.util.Objects;

/**
 * A directed connection {@code from -> to}: the items that node {@code from} emits on {@code port} go to node
 * {@code to}, spread over its instances by {@code partitioning}.
 *
 * <pre>{@code
 * Edge.of("split", "count").withPartitioning(Partitioning.keyed(word -> word));
 * Edge.parse("route.profit -> partners");    // from a named port
 * }</pre>
 *
 * @param from the upstream node's id
 * @param port the upstream node's output port, {@value Emitter#DEFAULT_PORT} unless named
 * @param to the downstream node's id
 * @param partitioning how items are spread over the downstream instances
 */
public record Edge(String from, String port, String to, Partitioning partitioning) {

    public Edge {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(partitioning, "partitioning");
    }

    /** A forward edge from the default port of {@code from} to {@code to}. */
    public static Edge of(String from, String to) {
        return new Edge(from, Emitter.DEFAULT_PORT, to, Partitioning.forward());
    }

    /** A forward edge from a named port of {@code from} to {@code to}. */
    public static Edge of(String from, String port, String to) {
        return new Edge(from, port, to, Partitioning.forward());
    }

    /**
     * Reads the edges of a chain such as {@code "payments -> tag -> route"} or {@code "route.profit -> partners"}: a
     * node id, optionally followed by {@code .port}, then {@code ->} and the next node.
     *
     * @throws InvalidGraphException if the text is not such a chain, saying where and what was expected
     */
    public static List<Edge> parse(String chain) {
        return EdgeExpressions.parse(null, chain);
    }

    /** Returns a copy of this edge with another partitioning. */
    public Edge withPartitioning(Partitioning partitioning) {
        return new Edge(from, port, to, partitioning);
    }

    /** The upstream end as written in edge expressions: {@code from} or {@code from.port}. */
    public String source() {
        return port.equals(Emitter.DEFAULT_PORT) ? from : from + "." + port;
    }

    /** {@code 'from' -> 'to'}, the form errors use to name an edge. */
    public String describe() {
        return "'" + source() + "' -> '" + to + "'";
    }

    @Override
    public String toString() {
        return source() + " -> " + to
                + (partitioning instanceof Partitioning.Forward ? "" : " [" + partitioning.label() + "]");
    }
}
