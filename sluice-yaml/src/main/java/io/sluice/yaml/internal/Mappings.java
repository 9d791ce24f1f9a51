package io.sluice.yaml.internal;

import io.sluice.spi.Suggestions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/** The keys of one mapping of the file, checked against the keys its section allows. */
final class Mappings {

    private final Problems problems;

    Mappings(Problems problems) {
        this.problems = problems;
    }

    /**
     * The entries of a mapping by key. An unknown key is a problem at its line, with a did-you-mean; a key given twice
     * was reported by {@link YamlTree#checkDuplicateKeys}, and its first entry counts.
     */
    Map<String, NodeTuple> keys(MappingNode mapping, String path, List<String> allowed) {
        Map<String, NodeTuple> keys = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode scalar)) {
                problems.add(
                        tuple.getKeyNode(),
                        path,
                        "expected a plain key but found " + YamlTree.kind(tuple.getKeyNode()));
                continue;
            }
            String key = scalar.getValue();
            if (!allowed.contains(key)) {
                problems.add(
                        scalar,
                        path.isEmpty() ? key : path + "." + key,
                        () -> "unknown key " + Problems.quote(key) + "; expected one of " + allowed
                                + Suggestions.didYouMean(key, allowed));
            } else {
                keys.putIfAbsent(key, tuple);
            }
        }
        return keys;
    }

    /** Whether {@code key} is there; if not, a problem at the mapping. */
    boolean required(MappingNode mapping, Map<String, NodeTuple> keys, String key, String path, String why) {
        if (keys.containsKey(key)) {
            return true;
        }
        problems.add(mapping, path, "missing key '" + key + "'" + (why.isEmpty() ? "" : " (" + why + ")"));
        return false;
    }

    /** The value of {@code key}, which the caller knows is there. */
    static Node value(Map<String, NodeTuple> keys, String key) {
        return keys.get(key).getValueNode();
    }
}
