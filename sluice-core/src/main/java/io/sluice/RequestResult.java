package io.sluice;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one evaluation of a {@link RequestGraph} produced: every node's output by id, and a merged view of the leaves'
 * outputs.
 *
 * @param outputs every node's output by id, in the graph's order; {@code null} for an optional node that failed
 * @param failures the optional nodes that failed, with their exceptions
 * @param leaves the ids of the nodes no other node reads from
 */
public record RequestResult(Map<String, Object> outputs, Map<String, Throwable> failures, List<String> leaves) {

    public RequestResult {
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
        leaves = List.copyOf(leaves);
    }

    /**
     * One node's output.
     *
     * @throws SluiceException if the graph has no such node, listing those it has
     */
    @SuppressWarnings("unchecked")
    public <T> T output(String nodeId) {
        if (!outputs.containsKey(nodeId)) {
            throw new SluiceException(
                    "Node '" + nodeId + "' is not defined; defined nodes: " + List.copyOf(outputs.keySet()));
        }
        return (T) outputs.get(nodeId);
    }

    /**
     * The leaves' outputs merged into one map, leaves in the graph's order: a leaf whose output is a map adds its
     * entries (later leaves win on equal keys); any other leaf output is added under the leaf's id. A failed optional
     * leaf adds nothing.
     */
    public Map<String, Object> merged() {
        Map<String, Object> merged = new LinkedHashMap<>();
        for (String leaf : leaves) {
            Object output = outputs.get(leaf);
            if (output instanceof Map<?, ?> map) {
                map.forEach((key, value) -> merged.put(String.valueOf(key), value));
            } else if (!failures.containsKey(leaf)) {
                merged.put(leaf, output);
            }
        }
        return Collections.unmodifiableMap(merged);
    }
}
