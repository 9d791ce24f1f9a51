package io.sluice.internal.graph;

import io.sluice.Edge;
import io.sluice.Emitter;
import io.sluice.InvalidGraphException;
import java.util.ArrayList;
import java.util.List;

/** Reads edge chains such as {@code "a -> b.port -> c"}, the notation shared by the builder and YAML. */
public final class EdgeExpressions {

    private EdgeExpressions() {}

    /**
     * Parses a chain for the graph named {@code graph} ({@code null} when not known yet).
     *
     * @throws InvalidGraphException naming the expression and what was expected
     */
    public static List<Edge> parse(String graph, String chain) {
        if (chain == null || chain.isBlank()) {
            throw invalid(graph, chain, "expected 'from -> to' but found nothing");
        }
        String[] parts = chain.split("->", -1);
        if (parts.length < 2) {
            throw invalid(graph, chain, "expected at least one '->' between two node ids, as in 'a -> b'");
        }
        List<Edge> edges = new ArrayList<>(parts.length - 1);
        for (int i = 0; i < parts.length - 1; i++) {
            String[] from = endpoint(graph, chain, parts[i], i);
            String[] to = endpoint(graph, chain, parts[i + 1], i + 1);
            // A node in the middle of a chain may name its port for the next hop: "a -> b.left -> c".
            if (to[1] != null && i + 1 == parts.length - 1) {
                throw invalid(
                        graph,
                        chain,
                        "the last node '" + parts[i + 1].trim() + "' names a port, but ports belong to "
                                + "the upstream end of an edge; write '" + to[0] + "'");
            }
            edges.add(Edge.of(from[0], from[1] == null ? Emitter.DEFAULT_PORT : from[1], to[0]));
        }
        return edges;
    }

    /** Splits {@code node} or {@code node.port} into its two halves; the port is {@code null} when absent. */
    private static String[] endpoint(String graph, String chain, String text, int position) {
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            throw invalid(
                    graph,
                    chain,
                    position == 0
                            ? "expected a node id before '->' but found nothing"
                            : "expected a node id after '->' but found nothing");
        }
        int dot = trimmed.indexOf('.');
        if (dot < 0) {
            return new String[] {trimmed, null};
        }
        String node = trimmed.substring(0, dot);
        String port = trimmed.substring(dot + 1);
        if (node.isEmpty() || port.isEmpty() || port.indexOf('.') >= 0) {
            throw invalid(graph, chain, "expected 'node' or 'node.port' but found '" + trimmed + "'");
        }
        return new String[] {node, port};
    }

    private static InvalidGraphException invalid(String graph, String chain, String problem) {
        return new InvalidGraphException(graph, List.of("Edge expression '" + chain + "': " + problem));
    }
}
