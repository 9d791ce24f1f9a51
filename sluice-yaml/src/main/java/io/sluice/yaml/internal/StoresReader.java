package io.sluice.yaml.internal;

import io.sluice.StoreSpec;
import io.sluice.spi.InstanceStores;
import io.sluice.spi.Names;
import io.sluice.spi.StoreBackend;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** A node's {@code stores: [counts, {name: totals, backend: memory, config: {…}}]}: names, or mappings, or both. */
final class StoresReader {

    private static final List<String> KEYS = List.of("name", "backend", "config");

    private final Problems problems;
    private final Scalars scalars;
    private final Mappings mappings;

    StoresReader(Problems problems, Scalars scalars, Mappings mappings) {
        this.problems = problems;
        this.scalars = scalars;
        this.mappings = mappings;
    }

    /** The stores declared, or {@code null} after a problem. */
    List<StoreSpec> read(String id, Node value, String path) {
        if (!(value instanceof SequenceNode list)) {
            problems.add(
                    value,
                    path,
                    "expected a list of stores (names, or {name, backend, config}) but found " + YamlTree.kind(value));
            return null;
        }
        List<StoreSpec> stores = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        boolean valid = true;
        for (int i = 0; i < list.getValue().size(); i++) {
            String at = path + "[" + i + "]";
            Node entry = list.getValue().get(i);
            Node nameNode = entry;
            String namePath = at;
            String name;
            String backend = StoreSpec.MEMORY;
            Location backendAt = Location.of(entry, at);
            Map<String, String> config = Map.of();
            Location configAt = Location.of(entry, at);
            if (entry instanceof ScalarNode) {
                name = scalars.text(entry, at);
            } else if (entry instanceof MappingNode mapping) {
                Map<String, NodeTuple> keys = mappings.keys(mapping, at, KEYS);
                if (!mappings.required(mapping, keys, "name", at, "a store needs a name")) {
                    valid = false;
                    continue;
                }
                nameNode = Mappings.value(keys, "name");
                namePath = at + ".name";
                name = scalars.text(nameNode, namePath);
                if (keys.containsKey("backend")) {
                    backendAt = Location.of(Mappings.value(keys, "backend"), at + ".backend");
                    backend = scalars.text(Mappings.value(keys, "backend"), at + ".backend");
                }
                if (keys.containsKey("config")) {
                    configAt = Location.of(Mappings.value(keys, "config"), at + ".config");
                    config = settings(Mappings.value(keys, "config"), at + ".config");
                }
            } else {
                problems.add(
                        entry,
                        at,
                        "expected a store name or {name, backend, config} but found " + YamlTree.kind(entry));
                valid = false;
                continue;
            }
            if (name == null || backend == null || config == null) {
                valid = false;
                continue;
            }
            String problem = Names.problem(name);
            if (problem != null) {
                problems.add(nameNode, namePath, "store name " + Problems.quote(name) + " " + problem);
                valid = false;
                continue;
            }
            Integer first = names.putIfAbsent(name, Location.line(nameNode));
            if (first != null) {
                problems.add(
                        nameNode,
                        namePath,
                        "store '" + name + "' is declared twice (first at line " + first
                                + "); store names must be unique on a node");
                valid = false;
                continue;
            }
            StoreSpec store = problems.attempt(Location.of(nameNode, namePath), storeOf(name, backend, config));
            if (store == null) {
                valid = false;
                continue;
            }
            StoreBackend found = problems.attempt(backendAt, () -> InstanceStores.backend(id, store));
            if (found == null) {
                valid = false;
                continue;
            }
            if (problems.attempt(configAt, () -> {
                        found.check(id, store);
                        return store;
                    })
                    == null) {
                valid = false;
                continue;
            }
            if (backend.equals(StoreSpec.MEMORY) && !config.isEmpty()) {
                problems.add(
                        configAt,
                        "the memory backend takes no config, found " + config.keySet()
                                + "; name another backend or leave config out");
                valid = false;
                continue;
            }
            stores.add(store);
        }
        return valid ? stores : null;
    }

    private static Supplier<StoreSpec> storeOf(String name, String backend, Map<String, String> config) {
        return () -> StoreSpec.of(name, backend, config);
    }

    /** A store backend's settings: text values by name. */
    private Map<String, String> settings(Node value, String path) {
        if (!(value instanceof MappingNode mapping)) {
            problems.add(value, path, "expected a mapping of settings but found " + YamlTree.kind(value));
            return null;
        }
        Map<String, String> config = new LinkedHashMap<>();
        boolean valid = true;
        for (NodeTuple tuple : mapping.getValue()) {
            String key = scalars.text(tuple.getKeyNode(), path);
            String setting = key == null ? null : scalars.text(tuple.getValueNode(), path + "." + key);
            if (setting == null) {
                valid = false;
            } else {
                config.putIfAbsent(key, setting);
            }
        }
        return valid ? config : null;
    }
}
