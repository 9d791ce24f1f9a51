package io.sluice.yaml.internal;

import io.sluice.Chunking;
import io.sluice.ComputationalGraph;
import io.sluice.Edge;
import io.sluice.EndNode;
import io.sluice.InvalidGraphException;
import io.sluice.Node;
import io.sluice.NodeSpec;
import io.sluice.Nodes;
import io.sluice.Partitioning;
import io.sluice.Robustness;
import io.sluice.Sinks;
import io.sluice.SluiceException;
import io.sluice.Sources;
import io.sluice.StartNode;
import io.sluice.StoreSpec;
import io.sluice.spi.InstanceStores;
import io.sluice.spi.Names;
import io.sluice.spi.Suggestions;
import io.sluice.yaml.Pipeline;
import io.sluice.yaml.PipelineException;
import java.lang.reflect.Constructor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a pipeline file into a graph, collecting every problem with its line and path before giving up. Works on
 * SnakeYAML Engine's node tree, which keeps the position of every value.
 */
public final class PipelineReader {

    private static final List<String> TOP_KEYS = List.of("graph", "nodes", "edges", "robustness", "runtime");
    private static final List<String> SOURCES =
            List.of("lines", "collection", "generator", "interval", "cron", "stdin");
    private static final List<String> SINKS = List.of("collect", "stdout", "lines", "append-lines", "discard");
    private static final List<String> USES = List.of("broadcast", "merge", "route", "chunk");
    private static final List<String> PARTITIONINGS = List.of("forward", "round-robin", "keyed", "broadcast", "global");
    private static final Pattern NAMED = Pattern.compile("'([A-Za-z0-9_.-]+)'");

    private final String file;
    private final Path directory;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Integer> nodeLines = new LinkedHashMap<>();
    private final Map<String, Integer> edgeLines = new LinkedHashMap<>();
    private int edgesLine = 1;

    private PipelineReader(String file, Path directory) {
        this.file = file;
        this.directory = directory;
    }

    public static Pipeline read(Path path, String text, Path directory) {
        String file = path.getFileName() == null
                ? path.toString()
                : path.getFileName().toString();
        return new PipelineReader(file, directory).read(path, text);
    }

    private Pipeline read(Path path, String text) {
        Optional<org.snakeyaml.engine.v2.nodes.Node> root;
        try {
            root = new Compose(LoadSettings.builder()
                            .setLabel(file)
                            .setMaxAliasesForCollections(10)
                            .build())
                    .composeString(text);
        } catch (YamlEngineException e) {
            int line = e instanceof MarkedYamlEngineException marked
                    ? marked.getProblemMark().map(m -> m.getLine() + 1).orElse(1)
                    : 1;
            String problem = e instanceof MarkedYamlEngineException marked ? marked.getProblem() : e.getMessage();
            throw new PipelineException(file, List.of(file + ":" + line + ": not valid YAML: " + problem));
        }
        if (root.isEmpty()) {
            throw new PipelineException(file, List.of(file + ": the file is empty; expected graph, nodes and edges"));
        }
        if (!(root.get() instanceof MappingNode top)) {
            throw new PipelineException(
                    file,
                    List.of(at(root.get(), "") + "expected a mapping with graph, nodes and" + " edges but found "
                            + kind(root.get())));
        }
        Map<String, NodeTuple> keys =
                keys(top, "", List.of("graph", "nodes", "edges", "robustness", "runtime", "tasks"));
        ComputationalGraph.Builder builder;
        Pipeline.Runtime runtime = Pipeline.Runtime.DEFAULT;
        if (keys.containsKey("tasks")) {
            String name = keys.containsKey("graph") ? string(keys.get("graph").getValueNode(), "graph") : "pipeline";
            builder = new TasksReader(this)
                    .read(name == null ? "pipeline" : name, keys.get("tasks").getValueNode());
        } else {
            for (String required : List.of("graph", "nodes", "edges")) {
                if (!keys.containsKey(required)) {
                    problems.add(at(top, "") + "missing key '" + required + "'; a pipeline has " + TOP_KEYS);
                }
            }
            String name = keys.containsKey("graph") ? string(keys.get("graph").getValueNode(), "graph") : "pipeline";
            builder = ComputationalGraph.builder(name == null ? "pipeline" : name);
            if (keys.containsKey("nodes")) {
                nodes(builder, keys.get("nodes").getValueNode());
            }
            if (keys.containsKey("edges")) {
                edges(builder, keys.get("edges").getValueNode());
            }
        }
        if (keys.containsKey("robustness")) {
            Robustness robustness = robustness(keys.get("robustness").getValueNode());
            if (robustness != null) {
                builder.robustness(robustness);
            }
        }
        if (keys.containsKey("runtime")) {
            runtime = runtime(keys.get("runtime").getValueNode());
        }
        if (!problems.isEmpty()) {
            throw new PipelineException(file, problems);
        }
        try {
            return new Pipeline(builder.build(), runtime, path);
        } catch (InvalidGraphException e) {
            List<String> located = new ArrayList<>();
            for (String problem : e.problems()) {
                located.add(file + ":" + lineOf(problem) + " " + problem);
            }
            throw new PipelineException(file, located);
        }
    }

    // ---- nodes ----

    private void nodes(ComputationalGraph.Builder builder, org.snakeyaml.engine.v2.nodes.Node value) {
        if (!(value instanceof SequenceNode list)) {
            problems.add(at(value, "nodes") + "expected a list of nodes but found " + kind(value));
            return;
        }
        for (int i = 0; i < list.getValue().size(); i++) {
            String path = "nodes[" + i + "]";
            org.snakeyaml.engine.v2.nodes.Node entry = list.getValue().get(i);
            if (!(entry instanceof MappingNode node)) {
                problems.add(at(entry, path) + "expected a node (id, and one of source, sink, class, use) but found "
                        + kind(entry));
                continue;
            }
            NodeSpec spec = node(node, path);
            if (spec != null) {
                builder.add(spec);
            }
        }
    }

    private NodeSpec node(MappingNode node, String path) {
        Map<String, NodeTuple> keys = keys(
                node,
                path,
                List.of(
                        "id",
                        "source",
                        "sink",
                        "class",
                        "use",
                        "parallelism",
                        "ports",
                        "config",
                        "stores",
                        "path",
                        "items",
                        "count",
                        "period",
                        "jitter",
                        "expression",
                        "branches",
                        "field",
                        "key",
                        "time"));
        String id = keys.containsKey("id") ? string(keys.get("id").getValueNode(), path + ".id") : null;
        if (!keys.containsKey("id")) {
            problems.add(at(node, path) + "missing key 'id'; every node needs a unique id");
        }
        if (id != null) {
            nodeLines.putIfAbsent(id, line(node));
        }
        List<String> kinds = new ArrayList<>();
        for (String k : List.of("source", "sink", "class", "use")) {
            if (keys.containsKey(k)) {
                kinds.add(k);
            }
        }
        if (kinds.size() != 1) {
            problems.add(at(node, path) + "expected exactly one of [source, sink, class, use] but found "
                    + (kinds.isEmpty() ? "none" : kinds));
            return null;
        }
        String kind = kinds.get(0);
        String what = string(keys.get(kind).getValueNode(), path + "." + kind);
        if (id == null || what == null) {
            return null;
        }
        NodeSpec spec =
                switch (kind) {
                    case "source" -> source(id, what, keys, path);
                    case "sink" -> sink(id, what, keys, path);
                    case "use" -> use(id, what, keys, path);
                    default -> userClass(id, what, keys, path);
                };
        if (keys.containsKey("stores")) {
            org.snakeyaml.engine.v2.nodes.Node stores = keys.get("stores").getValueNode();
            if (!kind.equals("class")) {
                problems.add(at(stores, path + ".stores") + "only a node of your own class (class:) opens stores;"
                        + " this node is '" + kind + ": " + what + "'");
            } else {
                List<StoreSpec> declared = stores(id, stores, path + ".stores");
                if (spec != null) {
                    spec = spec.withStores(declared.toArray(StoreSpec[]::new));
                }
            }
        }
        if (spec != null && keys.containsKey("parallelism")) {
            Integer parallelism = integer(keys.get("parallelism").getValueNode(), path + ".parallelism");
            if (parallelism != null && parallelism < 1) {
                problems.add(at(keys.get("parallelism").getValueNode(), path + ".parallelism") + "must be ≥ 1, found "
                        + parallelism);
            } else if (parallelism != null) {
                spec = spec.withParallelism(parallelism);
            }
        }
        return spec;
    }

    private static final List<String> STORE_KEYS = List.of("name", "backend", "config");

    /** {@code stores: [counts, {name: totals, backend: memory, config: {…}}]}: names, or mappings, or both. */
    private List<StoreSpec> stores(String id, org.snakeyaml.engine.v2.nodes.Node value, String path) {
        if (!(value instanceof SequenceNode list)) {
            problems.add(at(value, path) + "expected a list of stores (names, or {name, backend, config}) but found "
                    + kind(value));
            return List.of();
        }
        List<StoreSpec> stores = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.getValue().size(); i++) {
            String at = path + "[" + i + "]";
            org.snakeyaml.engine.v2.nodes.Node entry = list.getValue().get(i);
            org.snakeyaml.engine.v2.nodes.Node nameNode = entry;
            String namePath = at;
            String name;
            String backend = StoreSpec.MEMORY;
            org.snakeyaml.engine.v2.nodes.Node backendNode = entry;
            Map<String, String> config = Map.of();
            org.snakeyaml.engine.v2.nodes.Node configNode = entry;
            if (entry instanceof ScalarNode) {
                name = string(entry, at);
            } else if (entry instanceof MappingNode mapping) {
                Map<String, NodeTuple> keys = keys(mapping, at, STORE_KEYS);
                if (!keys.containsKey("name")) {
                    problems.add(at(mapping, at) + "missing key 'name'; a store needs a name");
                    continue;
                }
                nameNode = keys.get("name").getValueNode();
                namePath = at + ".name";
                name = string(nameNode, namePath);
                if (keys.containsKey("backend")) {
                    backendNode = keys.get("backend").getValueNode();
                    backend = string(backendNode, at + ".backend");
                }
                if (keys.containsKey("config")) {
                    configNode = keys.get("config").getValueNode();
                    config = storeConfig(configNode, at + ".config");
                }
            } else {
                problems.add(
                        at(entry, at) + "expected a store name or {name, backend, config} but found " + kind(entry));
                continue;
            }
            if (name == null || backend == null || config == null) {
                continue;
            }
            String problem = Names.problem(name);
            if (problem != null) {
                problems.add(at(nameNode, namePath) + "store name '" + name + "' " + problem);
                continue;
            }
            if (!names.add(name)) {
                problems.add(at(nameNode, namePath) + "store '" + name
                        + "' is declared twice; store names must be unique on a node");
                continue;
            }
            StoreSpec store = StoreSpec.of(name, backend, config);
            try {
                InstanceStores.backend(id, store);
            } catch (SluiceException e) {
                problems.add(at(backendNode, at + ".backend") + e.getMessage());
                continue;
            }
            if (backend.equals(StoreSpec.MEMORY) && !config.isEmpty()) {
                problems.add(at(configNode, at + ".config") + "the memory backend takes no config, found "
                        + config.keySet() + "; name another backend or leave config out");
                continue;
            }
            stores.add(store);
        }
        return stores;
    }

    /** A store backend's settings: text values by name. */
    private Map<String, String> storeConfig(org.snakeyaml.engine.v2.nodes.Node value, String path) {
        if (!(value instanceof MappingNode mapping)) {
            problems.add(at(value, path) + "expected a mapping of settings but found " + kind(value));
            return null;
        }
        Map<String, String> config = new LinkedHashMap<>();
        boolean valid = true;
        for (NodeTuple tuple : mapping.getValue()) {
            String key = string(tuple.getKeyNode(), path);
            String setting = key == null ? null : string(tuple.getValueNode(), path + "." + key);
            if (setting == null) {
                valid = false;
            } else {
                config.put(key, setting);
            }
        }
        return valid ? config : null;
    }

    private NodeSpec source(String id, String what, Map<String, NodeTuple> keys, String path) {
        return switch (what) {
            case "lines" ->
                required(keys, "path", path) ? NodeSpec.start(id, Sources.lines(resolve(keys, "path", path))) : null;
            case "collection" -> {
                if (!required(keys, "items", path)) {
                    yield null;
                }
                Object items = plain(keys.get("items").getValueNode());
                if (!(items instanceof List<?> list)) {
                    problems.add(at(keys.get("items").getValueNode(), path + ".items") + "expected a list of items");
                    yield null;
                }
                yield NodeSpec.start(id, Sources.collection(list));
            }
            case "generator" -> {
                Integer count = required(keys, "count", path)
                        ? integer(keys.get("count").getValueNode(), path + ".count")
                        : null;
                yield count == null ? null : NodeSpec.start(id, Sources.generator(count, i -> i));
            }
            case "interval" -> {
                Duration period = required(keys, "period", path)
                        ? duration(keys.get("period").getValueNode(), path + ".period")
                        : null;
                Duration jitter = keys.containsKey("jitter")
                        ? duration(keys.get("jitter").getValueNode(), path + ".jitter")
                        : Duration.ZERO;
                yield period == null || jitter == null ? null : NodeSpec.start(id, Sources.interval(period, jitter));
            }
            case "cron" -> {
                String expression = required(keys, "expression", path)
                        ? string(keys.get("expression").getValueNode(), path + ".expression")
                        : null;
                if (expression == null) {
                    yield null;
                }
                try {
                    yield NodeSpec.start(id, Sources.cron(expression));
                } catch (IllegalArgumentException e) {
                    problems.add(at(keys.get("expression").getValueNode(), path + ".expression") + e.getMessage());
                    yield null;
                }
            }
            case "stdin" -> NodeSpec.start(id, Sources.stdin());
            default -> {
                problems.add(at(keys.get("source").getValueNode(), path + ".source") + "unknown source '" + what
                        + "'; expected one of " + SOURCES + Suggestions.didYouMean(what, SOURCES));
                yield null;
            }
        };
    }

    private NodeSpec sink(String id, String what, Map<String, NodeTuple> keys, String path) {
        return switch (what) {
            case "collect" -> NodeSpec.end(id, Sinks.collect());
            case "stdout" -> NodeSpec.end(id, Sinks.stdout());
            case "discard" -> NodeSpec.end(id, Sinks.discard());
            case "lines" ->
                required(keys, "path", path) ? NodeSpec.end(id, Sinks.lines(resolve(keys, "path", path))) : null;
            case "append-lines" ->
                required(keys, "path", path) ? NodeSpec.end(id, Sinks.appendLines(resolve(keys, "path", path))) : null;
            default -> {
                problems.add(at(keys.get("sink").getValueNode(), path + ".sink") + "unknown sink '" + what
                        + "'; expected one of " + SINKS + Suggestions.didYouMean(what, SINKS));
                yield null;
            }
        };
    }

    private NodeSpec use(String id, String what, Map<String, NodeTuple> keys, String path) {
        return switch (what) {
            case "broadcast" -> Nodes.broadcast(id);
            case "merge" -> Nodes.merge(id);
            case "route" -> {
                List<String> branches = required(keys, "branches", path)
                        ? strings(keys.get("branches").getValueNode(), path + ".branches")
                        : null;
                if (branches == null || branches.isEmpty()) {
                    yield null;
                }
                if (!keys.containsKey("field")) {
                    yield Nodes.route(id, branches.toArray(String[]::new));
                }
                String field = string(keys.get("field").getValueNode(), path + ".field");
                yield field == null
                        ? null
                        : Nodes.route(
                                id, item -> String.valueOf(Fields.get(item, field)), branches.toArray(String[]::new));
            }
            case "chunk" -> chunk(id, keys, path);
            default -> {
                problems.add(at(keys.get("use").getValueNode(), path + ".use") + "unknown utility node '" + what
                        + "'; expected one of " + USES + Suggestions.didYouMean(what, USES));
                yield null;
            }
        };
    }

    private NodeSpec chunk(String id, Map<String, NodeTuple> keys, String path) {
        if (keys.containsKey("count")) {
            Integer count = integer(keys.get("count").getValueNode(), path + ".count");
            return count == null ? null : Nodes.chunk(id, Chunking.byCount(count));
        }
        if (keys.containsKey("key")) {
            String field = string(keys.get("key").getValueNode(), path + ".key");
            return field == null ? null : Nodes.chunk(id, Chunking.byKey(item -> Fields.get(item, field)));
        }
        if (keys.containsKey("time")) {
            Duration time = duration(keys.get("time").getValueNode(), path + ".time");
            return time == null ? null : Nodes.chunk(id, Chunking.byTime(time));
        }
        problems.add(at(keys.get("use").getValueNode(), path) + "a chunk needs one of count, key or time");
        return null;
    }

    /** A user's node class without config or ports, as the tasks form names it. */
    NodeSpec userClassNode(String id, String className, org.snakeyaml.engine.v2.nodes.Node where, String path) {
        return userClass(id, className, Map.of(), where, path);
    }

    private NodeSpec userClass(String id, String className, Map<String, NodeTuple> keys, String path) {
        return userClass(id, className, keys, keys.get("class").getValueNode(), path);
    }

    /** A user's node class: a StartNode, Node or EndNode, made with (Map config) or () for each instance. */
    private NodeSpec userClass(
            String id,
            String className,
            Map<String, NodeTuple> keys,
            org.snakeyaml.engine.v2.nodes.Node where,
            String path) {
        Class<?> type;
        try {
            type = Class.forName(className, false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            problems.add(at(where, path + ".class") + "class '" + className + "' was not found on the class path "
                    + System.getProperty("java.class.path") + "; check the name and that its jar is on the class path");
            return null;
        }
        Map<String, Object> config = new LinkedHashMap<>();
        if (keys.containsKey("config")) {
            Object plain = plain(keys.get("config").getValueNode());
            if (plain instanceof Map<?, ?> map) {
                map.forEach((k, v) -> config.put(String.valueOf(k), v));
            } else {
                problems.add(
                        at(keys.get("config").getValueNode(), path + ".config") + "expected a mapping of settings");
            }
        }
        Supplier<Object> factory = factory(type, config, where, path);
        if (factory == null) {
            return null;
        }
        if (StartNode.class.isAssignableFrom(type)) {
            return NodeSpec.start(id, () -> (StartNode<?>) factory.get());
        }
        if (EndNode.class.isAssignableFrom(type)) {
            return NodeSpec.end(id, () -> (EndNode<?>) factory.get());
        }
        if (Node.class.isAssignableFrom(type)) {
            var spec = NodeSpec.node(id, () -> (Node<?, ?>) factory.get());
            if (keys.containsKey("ports")) {
                List<String> ports = strings(keys.get("ports").getValueNode(), path + ".ports");
                return ports == null ? spec : spec.withPorts(ports.toArray(String[]::new));
            }
            return spec;
        }
        problems.add(at(where, path + ".class") + "class '" + className + "' is not a node; implement "
                + StartNode.class.getName() + ", " + Node.class.getName() + " or " + EndNode.class.getName());
        return null;
    }

    private Supplier<Object> factory(
            Class<?> type, Map<String, Object> config, org.snakeyaml.engine.v2.nodes.Node where, String path) {
        try {
            Constructor<?> withConfig = type.getConstructor(Map.class);
            Map<String, Object> frozen = Map.copyOf(config);
            return () -> newInstance(withConfig, frozen);
        } catch (NoSuchMethodException e) {
            // fall back to a no-argument constructor
        }
        try {
            Constructor<?> plain = type.getConstructor();
            if (!config.isEmpty()) {
                problems.add(at(where, path + ".config") + "class '" + type.getName() + "' takes no config; give it a"
                        + " public constructor taking a Map<String, Object>");
                return null;
            }
            return () -> newInstance(plain);
        } catch (NoSuchMethodException e) {
            problems.add(at(where, path + ".class") + "class '" + type.getName() + "' has no public constructor taking"
                    + " () or (Map<String, Object> config); add one");
            return null;
        }
    }

    private static Object newInstance(Constructor<?> constructor, Object... args) {
        try {
            return constructor.newInstance(args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new IllegalStateException(
                    constructor.getDeclaringClass().getName() + " failed to construct: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "cannot construct " + constructor.getDeclaringClass().getName() + ": " + e, e);
        }
    }

    // ---- edges ----

    private void edges(ComputationalGraph.Builder builder, org.snakeyaml.engine.v2.nodes.Node value) {
        edgesLine = line(value);
        if (!(value instanceof SequenceNode list)) {
            problems.add(at(value, "edges") + "expected a list of edges ('a -> b' or {from, to, partitioning, key}) but"
                    + " found " + kind(value));
            return;
        }
        for (int i = 0; i < list.getValue().size(); i++) {
            String path = "edges[" + i + "]";
            org.snakeyaml.engine.v2.nodes.Node entry = list.getValue().get(i);
            if (entry instanceof ScalarNode scalar) {
                try {
                    for (Edge edge : Edge.parse(scalar.getValue())) {
                        edgeLines.putIfAbsent(edge.describe(), line(entry));
                        builder.edge(edge);
                    }
                } catch (InvalidGraphException e) {
                    problems.add(at(entry, path) + e.problems().get(0));
                }
            } else if (entry instanceof MappingNode mapping) {
                Edge edge = edge(mapping, path);
                if (edge != null) {
                    edgeLines.putIfAbsent(edge.describe(), line(entry));
                    builder.edge(edge);
                }
            } else {
                problems.add(at(entry, path) + "expected 'a -> b' or {from, to, partitioning, key} but found "
                        + kind(entry));
            }
        }
    }

    private Edge edge(MappingNode mapping, String path) {
        Map<String, NodeTuple> keys = keys(mapping, path, List.of("from", "to", "partitioning", "key"));
        if (!required(keys, "from", path) | !required(keys, "to", path)) {
            return null;
        }
        String from = string(keys.get("from").getValueNode(), path + ".from");
        String to = string(keys.get("to").getValueNode(), path + ".to");
        if (from == null || to == null) {
            return null;
        }
        List<Edge> parsed;
        try {
            parsed = Edge.parse(from + " -> " + to);
        } catch (InvalidGraphException e) {
            problems.add(at(mapping, path) + e.problems().get(0));
            return null;
        }
        String partitioning = keys.containsKey("partitioning")
                ? string(keys.get("partitioning").getValueNode(), path + ".partitioning")
                : "forward";
        if (partitioning == null) {
            return null;
        }
        String key = keys.containsKey("key") ? string(keys.get("key").getValueNode(), path + ".key") : null;
        Partitioning chosen =
                switch (partitioning) {
                    case "forward" -> Partitioning.forward();
                    case "round-robin" -> Partitioning.roundRobin();
                    case "keyed" -> {
                        if (key == null) {
                            problems.add(at(mapping, path)
                                    + "a keyed edge needs key: the field to key by ('item' for the item" + " itself)");
                            yield null;
                        }
                        yield Partitioning.keyed(item -> Fields.get(item, key));
                    }
                    case "broadcast" -> Partitioning.broadcast();
                    case "global" -> Partitioning.global();
                    default -> {
                        problems.add(at(keys.get("partitioning").getValueNode(), path + ".partitioning")
                                + "unknown partitioning '"
                                + partitioning + "'; expected one of " + PARTITIONINGS
                                + Suggestions.didYouMean(partitioning, PARTITIONINGS));
                        yield null;
                    }
                };
        return chosen == null ? null : parsed.get(0).withPartitioning(chosen);
    }

    // ---- robustness ----

    private static final List<String> LEVELS = List.of("none", "confirm", "track", "replay");

    private Robustness robustness(org.snakeyaml.engine.v2.nodes.Node value) {
        if (!(value instanceof MappingNode mapping)) {
            problems.add(at(value, "robustness") + "expected a mapping (level, attempts, backoff, dead-letter,"
                    + " failures-kept, nodes) but found " + kind(value));
            return null;
        }
        Map<String, NodeTuple> keys = keys(
                mapping,
                "robustness",
                List.of("level", "attempts", "backoff", "dead-letter", "failures-kept", "nodes"));
        String level = choice(keys, "level", "robustness", LEVELS, "none");
        // a wrong level is reported; read on as NONE to report the other keys' problems too
        Robustness robustness = Robustness.of(level(LEVELS.contains(level) ? level : "none"));
        if (keys.containsKey("attempts")) {
            Integer attempts = integer(keys.get("attempts").getValueNode(), "robustness.attempts");
            if (attempts != null && attempts < 1) {
                problems.add(at(keys.get("attempts").getValueNode(), "robustness.attempts")
                        + "expected at least 1 attempt but found " + attempts);
            } else if (attempts != null) {
                robustness = robustness.withAttempts(attempts);
            }
        }
        if (keys.containsKey("backoff")) {
            Duration backoff = duration(keys.get("backoff").getValueNode(), "robustness.backoff");
            if (backoff != null) {
                robustness = robustness.withBackoff(backoff);
            }
        }
        if (keys.containsKey("dead-letter")) {
            String node = string(keys.get("dead-letter").getValueNode(), "robustness.dead-letter");
            if (node != null) {
                robustness = robustness.withDeadLetter(node);
            }
        }
        if (keys.containsKey("failures-kept")) {
            Integer kept = integer(keys.get("failures-kept").getValueNode(), "robustness.failures-kept");
            if (kept != null && kept < 0) {
                problems.add(at(keys.get("failures-kept").getValueNode(), "robustness.failures-kept")
                        + "expected 0 or more failures to keep but found " + kept);
            } else if (kept != null) {
                robustness = robustness.withFailuresKept(kept);
            }
        }
        if (keys.containsKey("nodes")) {
            org.snakeyaml.engine.v2.nodes.Node nodes = keys.get("nodes").getValueNode();
            if (!(nodes instanceof MappingNode levels)) {
                problems.add(at(nodes, "robustness.nodes") + "expected a mapping of node id to level " + LEVELS
                        + " but found " + kind(nodes));
            } else {
                for (NodeTuple tuple : levels.getValue()) {
                    String node = string(tuple.getKeyNode(), "robustness.nodes");
                    String nodeLevel =
                            node == null ? null : oneOf(tuple.getValueNode(), "robustness.nodes." + node, LEVELS);
                    if (nodeLevel != null && LEVELS.contains(nodeLevel)) {
                        robustness = robustness.withNode(node, level(nodeLevel));
                    }
                }
            }
        }
        return robustness;
    }

    private static Robustness.Level level(String name) {
        return Robustness.Level.valueOf(name.toUpperCase(Locale.ROOT));
    }

    // ---- runtime ----

    private Pipeline.Runtime runtime(org.snakeyaml.engine.v2.nodes.Node value) {
        if (!(value instanceof MappingNode mapping)) {
            problems.add(at(value, "runtime") + "expected a mapping (system, mode, bootstrap, guarantee) but found "
                    + kind(value));
            return Pipeline.Runtime.DEFAULT;
        }
        Map<String, NodeTuple> keys =
                keys(mapping, "runtime", List.of("system", "mode", "bootstrap", "guarantee", "checkpoints"));
        String system = choice(keys, "system", "runtime", List.of("local", "kafka"), "local");
        String mode = choice(keys, "mode", "runtime", List.of("multi-thread", "single-thread"), "multi-thread");
        String guarantee =
                choice(keys, "guarantee", "runtime", List.of("at-least-once", "exactly-once"), "at-least-once");
        String bootstrap = keys.containsKey("bootstrap")
                ? string(keys.get("bootstrap").getValueNode(), "runtime.bootstrap")
                : null;
        if ("kafka".equals(system) && bootstrap == null) {
            problems.add(at(mapping, "runtime") + "system kafka needs bootstrap: host:port of the cluster");
        }
        String checkpoints = keys.containsKey("checkpoints")
                ? string(keys.get("checkpoints").getValueNode(), "runtime.checkpoints")
                : null;
        return new Pipeline.Runtime(
                system, mode, bootstrap, guarantee, checkpoints == null ? null : directory.resolve(checkpoints));
    }

    private String choice(
            Map<String, NodeTuple> keys, String key, String path, List<String> allowed, String otherwise) {
        if (!keys.containsKey(key)) {
            return otherwise;
        }
        return oneOf(keys.get(key).getValueNode(), path + "." + key, allowed);
    }

    /** A text value that should be one of {@code allowed}; anything else is reported, and returned as found. */
    private String oneOf(org.snakeyaml.engine.v2.nodes.Node node, String path, List<String> allowed) {
        String value = string(node, path);
        if (value != null && !allowed.contains(value)) {
            problems.add(at(node, path) + "expected one of " + allowed + " but found '" + value + "'"
                    + Suggestions.didYouMean(value, allowed));
        }
        return value;
    }

    // ---- values, shared with the tasks form ----

    /** The entries of a mapping by key; unknown keys are problems with a did-you-mean. */
    Map<String, NodeTuple> keys(MappingNode mapping, String path, List<String> allowed) {
        Map<String, NodeTuple> keys = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String key = tuple.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
            String where = path.isEmpty() ? key : path + "." + key;
            if (key == null) {
                problems.add(
                        at(tuple.getKeyNode(), path) + "expected a plain key but found " + kind(tuple.getKeyNode()));
            } else if (!allowed.contains(key)) {
                problems.add(at(tuple.getKeyNode(), where) + "unknown key '" + key + "'; expected one of " + allowed
                        + Suggestions.didYouMean(key, allowed));
            } else if (keys.put(key, tuple) != null) {
                problems.add(at(tuple.getKeyNode(), where) + "key '" + key + "' is given twice");
            }
        }
        return keys;
    }

    boolean required(Map<String, NodeTuple> keys, String key, String path) {
        if (!keys.containsKey(key)) {
            // The entry's first key sits on the entry's first line.
            int line = keys.values().stream()
                    .findFirst()
                    .map(t -> line(t.getKeyNode()))
                    .orElse(1);
            problems.add(file + ":" + line + " " + path + ": missing key '" + key + "'");
            return false;
        }
        return true;
    }

    String string(org.snakeyaml.engine.v2.nodes.Node value, String path) {
        if (value instanceof ScalarNode scalar && !scalar.getValue().isEmpty()) {
            return scalar.getValue();
        }
        problems.add(at(value, path) + "expected a text value but found " + kind(value));
        return null;
    }

    private Integer integer(org.snakeyaml.engine.v2.nodes.Node value, String path) {
        String text = string(value, path);
        if (text == null) {
            return null;
        }
        try {
            return Integer.parseInt(text.replace("_", ""));
        } catch (NumberFormatException e) {
            problems.add(at(value, path) + "expected a whole number but found '" + text + "'");
            return null;
        }
    }

    private List<String> strings(org.snakeyaml.engine.v2.nodes.Node value, String path) {
        if (!(value instanceof SequenceNode list)) {
            problems.add(at(value, path) + "expected a list of names but found " + kind(value));
            return null;
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < list.getValue().size(); i++) {
            String name = string(list.getValue().get(i), path + "[" + i + "]");
            if (name != null) {
                names.add(name);
            }
        }
        return names;
    }

    /** {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h}, or ISO-8601 ({@code PT2S}). */
    private Duration duration(org.snakeyaml.engine.v2.nodes.Node value, String path) {
        String text = string(value, path);
        if (text == null) {
            return null;
        }
        Matcher m = Pattern.compile("(\\d+)\\s*(ms|s|m|h)").matcher(text.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(text.trim());
        } catch (java.time.format.DateTimeParseException e) {
            problems.add(
                    at(value, path) + "expected a duration such as 250ms, 2s, 5m or PT2S but found '" + text + "'");
            return null;
        }
    }

    /** A path of the file, relative to the file's directory. */
    Path resolve(String location) {
        return directory.resolve(location);
    }

    private Path resolve(Map<String, NodeTuple> keys, String key, String path) {
        String text = string(keys.get(key).getValueNode(), path + "." + key);
        return text == null ? Path.of("") : directory.resolve(text);
    }

    /** Plain Java values (maps, lists, strings, numbers, booleans) of a YAML value, for config and items. */
    Object plain(org.snakeyaml.engine.v2.nodes.Node value) {
        if (value instanceof ScalarNode scalar) {
            String text = scalar.getValue();
            if (!scalar.isPlain()) {
                return text;
            }
            if (text.matches("-?\\d+")) {
                try {
                    return Integer.parseInt(text);
                } catch (NumberFormatException e) {
                    return Long.parseLong(text);
                }
            }
            if (text.matches("-?\\d+\\.\\d+")) {
                return Double.parseDouble(text);
            }
            if (text.equals("true") || text.equals("false")) {
                return Boolean.parseBoolean(text);
            }
            return text.equals("null") || text.equals("~") ? null : text;
        }
        if (value instanceof SequenceNode list) {
            List<Object> items = new ArrayList<>();
            list.getValue().forEach(v -> items.add(plain(v)));
            return items;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (NodeTuple tuple : ((MappingNode) value).getValue()) {
            map.put(String.valueOf(plain(tuple.getKeyNode())), plain(tuple.getValueNode()));
        }
        return map;
    }

    void problem(org.snakeyaml.engine.v2.nodes.Node where, String path, String message) {
        problems.add(at(where, path) + message);
    }

    void nodeLine(String id, org.snakeyaml.engine.v2.nodes.Node where) {
        nodeLines.putIfAbsent(id, line(where));
    }

    String at(org.snakeyaml.engine.v2.nodes.Node value, String path) {
        return file + ":" + line(value) + (path.isEmpty() ? "" : " " + path) + ": ";
    }

    private static int line(org.snakeyaml.engine.v2.nodes.Node value) {
        return value.getStartMark().map(Mark::getLine).map(l -> l + 1).orElse(1);
    }

    static String kind(org.snakeyaml.engine.v2.nodes.Node value) {
        return switch (value.getNodeType()) {
            case MAPPING -> "a mapping";
            case SEQUENCE -> "a list";
            case SCALAR ->
                ((ScalarNode) value).getValue().isEmpty() ? "nothing" : "'" + ((ScalarNode) value).getValue() + "'";
            default -> "an anchor";
        };
    }

    /** The line of the edge or node a graph problem names first, or of the edges. */
    private int lineOf(String problem) {
        Matcher edge = Pattern.compile("^Edge ('[^']+' -> '[^']+')").matcher(problem);
        if (edge.find() && edgeLines.containsKey(edge.group(1))) {
            return edgeLines.get(edge.group(1));
        }
        Matcher m = NAMED.matcher(problem);
        Set<String> named = new LinkedHashSet<>();
        while (m.find()) {
            named.add(
                    m.group(1).contains(".")
                            ? m.group(1).substring(0, m.group(1).indexOf('.'))
                            : m.group(1));
        }
        boolean aboutEdge = problem.startsWith("Edge") || problem.startsWith("Cycle");
        for (String name : named) {
            if (nodeLines.containsKey(name) && !aboutEdge) {
                return nodeLines.get(name);
            }
        }
        return aboutEdge
                ? edgesLine
                : named.stream()
                        .filter(nodeLines::containsKey)
                        .map(nodeLines::get)
                        .findFirst()
                        .orElse(1);
    }
}
