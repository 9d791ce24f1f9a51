package io.sluice.yaml.internal;

import io.sluice.EndNode;
import io.sluice.NodeSpec;
import io.sluice.StartNode;
import io.sluice.spi.Connectors;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Start and end nodes for the locations a pipeline names by scheme ({@code s3://…}, {@code kafka://…}, {@code
 * tcp://…}, {@code https://…}), made by the {@link io.sluice.spi.Connector} on the class path that handles the scheme;
 * a problem at the location's line when none does or its settings are wrong. A {@code kafka://} location without a
 * {@code bootstrap} setting is given the pipeline's {@code runtime.bootstrap} as {@code runtime-bootstrap}, which the
 * Kafka connector takes when nothing closer names a cluster.
 */
final class ConnectorNodes {

    private final Problems problems;
    private final Scalars scalars;
    private final String bootstrap; // runtime.bootstrap, or null

    ConnectorNodes(Problems problems, Scalars scalars, String bootstrap) {
        this.problems = problems;
        this.scalars = scalars;
        this.bootstrap = bootstrap;
    }

    /** Whether {@code location} is one a connector handles: it has a scheme, other than {@code file}. */
    static boolean handles(String location) {
        return Connectors.isConnectorLocation(location);
    }

    @SuppressWarnings("unchecked")
    NodeSpec source(String id, String location, Map<String, String> settings, Location at) {
        return problems.attempt(at, () -> {
            Supplier<? extends StartNode<?>> nodes = Connectors.source(location, withBootstrap(location, settings));
            return NodeSpec.start(id, (Supplier<StartNode<Object>>) (Supplier<?>) nodes);
        });
    }

    @SuppressWarnings("unchecked")
    NodeSpec sink(String id, String location, Map<String, String> settings, Location at) {
        return problems.attempt(at, () -> {
            Supplier<? extends EndNode<?>> nodes = Connectors.sink(location, withBootstrap(location, settings));
            return NodeSpec.end(id, (Supplier<EndNode<Object>>) (Supplier<?>) nodes);
        });
    }

    private Map<String, String> withBootstrap(String location, Map<String, String> settings) {
        if (bootstrap == null || !"kafka".equals(Connectors.scheme(location))) {
            return settings;
        }
        Map<String, String> with = new LinkedHashMap<>(settings);
        with.put("runtime-bootstrap", bootstrap);
        return with;
    }

    /**
     * The settings of a mapping, each value a scalar written as text ({@code roll-size: 64MB}, {@code interval: 5s});
     * {@code null} after a problem. Keys in {@code skip} (the location itself, a type) are not settings.
     */
    Map<String, String> settings(Node value, String path, java.util.Collection<String> skip) {
        if (!(value instanceof MappingNode mapping)) {
            problems.add(value, path, "expected a mapping of settings but found " + YamlTree.kind(value));
            return null;
        }
        Map<String, String> settings = new LinkedHashMap<>();
        boolean valid = true;
        for (var tuple : mapping.getValue()) {
            String key = scalars.text(tuple.getKeyNode(), path);
            if (key == null || skip.contains(key)) {
                continue;
            }
            String text = scalars.text(tuple.getValueNode(), path + "." + key);
            if (text == null) {
                valid = false;
            } else {
                settings.put(key, text);
            }
        }
        return valid ? settings : null;
    }
}
