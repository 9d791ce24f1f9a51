package io.sluice.yaml.internal;

import io.sluice.Edge;
import io.sluice.Emitter;
import io.sluice.Partitioning;
import io.sluice.spi.Suggestions;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** The {@code edges:} section: chains ({@code a -> b.port -> c}) and mappings ({from, to, partitioning, key}). */
final class EdgesReader {

    static final List<String> PARTITIONINGS = List.of("forward", "round-robin", "keyed", "broadcast", "global");
    private static final List<String> KEYS = List.of("from", "to", "partitioning", "key");

    private final Problems problems;
    private final Scalars scalars;
    private final Mappings mappings;
    private final GraphDraft draft;

    EdgesReader(Problems problems, Scalars scalars, Mappings mappings, GraphDraft draft) {
        this.problems = problems;
        this.scalars = scalars;
        this.mappings = mappings;
        this.draft = draft;
    }

    void read(Node value) {
        if (!(value instanceof SequenceNode list)) {
            problems.add(
                    value,
                    "edges",
                    "expected a list of edges ('a -> b' or {from, to, partitioning, key}) but found "
                            + YamlTree.kind(value));
            return;
        }
        for (int i = 0; i < list.getValue().size(); i++) {
            String path = "edges[" + i + "]";
            Node entry = list.getValue().get(i);
            Location where = Location.of(entry, path);
            if (entry instanceof ScalarNode scalar) {
                // Edge.parse refuses a malformed chain with an InvalidGraphException, which attempt reports here.
                List<Edge> chain = problems.attempt(where, () -> Edge.parse(scalar.getValue()));
                if (chain != null) {
                    chain.forEach(edge -> draft.edge(edge, where));
                }
            } else if (entry instanceof MappingNode mapping) {
                Edge edge = edge(mapping, path);
                if (edge != null) {
                    draft.edge(edge, where);
                }
            } else {
                problems.add(
                        entry,
                        path,
                        "expected 'a -> b' or {from, to, partitioning, key} but found " + YamlTree.kind(entry));
            }
        }
    }

    private Edge edge(MappingNode mapping, String path) {
        Map<String, NodeTuple> keys = mappings.keys(mapping, path, KEYS);
        boolean complete = mappings.required(mapping, keys, "from", path, "the upstream node, or node.port")
                & mappings.required(mapping, keys, "to", path, "the downstream node");
        if (!complete) {
            return null;
        }
        String[] from = from(Mappings.value(keys, "from"), path + ".from");
        String to = to(Mappings.value(keys, "to"), path + ".to");
        String key = keys.containsKey("key") ? scalars.text(Mappings.value(keys, "key"), path + ".key") : null;
        String partitioning = keys.containsKey("partitioning")
                ? partitioning(Mappings.value(keys, "partitioning"), path + ".partitioning")
                : "forward";
        if (from == null || to == null || partitioning == null || keys.containsKey("key") && key == null) {
            return null;
        }
        if (partitioning.equals("keyed") && key == null) {
            problems.add(
                    Mappings.value(keys, "partitioning"),
                    path + ".partitioning",
                    "a keyed edge needs key: the field to key by ('item' for the item itself)");
            return null;
        }
        if (key != null && !partitioning.equals("keyed")) {
            problems.add(
                    keys.get("key").getKeyNode(),
                    path + ".key",
                    "key applies to a keyed edge only; add partitioning: keyed, or remove key");
            return null;
        }
        Partitioning chosen =
                switch (partitioning) {
                    case "forward" -> Partitioning.forward();
                    case "round-robin" -> Partitioning.roundRobin();
                    case "keyed" -> Partitioning.keyed(item -> Fields.get(item, key));
                    case "broadcast" -> Partitioning.broadcast();
                    default -> Partitioning.global();
                };
        return problems.attempt(Location.of(mapping, path), () -> new Edge(from[0], from[1], to, chosen));
    }

    private String partitioning(Node value, String path) {
        String text = scalars.text(value, path);
        if (text != null && !PARTITIONINGS.contains(text)) {
            problems.add(
                    value,
                    path,
                    "unknown partitioning " + Problems.quote(text) + "; expected one of " + PARTITIONINGS
                            + Suggestions.didYouMean(text, PARTITIONINGS));
            return null;
        }
        return text;
    }

    /** {@code node} or {@code node.port}. */
    private String[] from(Node value, String path) {
        String text = scalars.text(value, path);
        if (text == null) {
            return null;
        }
        String trimmed = text.trim();
        int dot = trimmed.indexOf('.');
        String node = dot < 0 ? trimmed : trimmed.substring(0, dot);
        String port = dot < 0 ? Emitter.DEFAULT_PORT : trimmed.substring(dot + 1);
        if (node.isEmpty() || port.isEmpty() || port.contains(".") || trimmed.contains("->")) {
            problems.add(value, path, "expected 'node' or 'node.port' but found " + Problems.quote(text));
            return null;
        }
        return new String[] {node, port};
    }

    /** {@code node}: a port belongs to the upstream end. */
    private String to(Node value, String path) {
        String text = scalars.text(value, path);
        if (text == null) {
            return null;
        }
        String trimmed = text.trim();
        if (trimmed.isEmpty() || trimmed.contains("->")) {
            problems.add(value, path, "expected a node id but found " + Problems.quote(text));
            return null;
        }
        if (trimmed.contains(".")) {
            problems.add(
                    value,
                    path,
                    "expected a node id but found " + Problems.quote(text) + "; a port belongs to the upstream end"
                            + " of an edge (from: node.port)");
            return null;
        }
        return trimmed;
    }
}
