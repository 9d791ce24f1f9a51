package io.sluice.yaml.internal;

import io.sluice.Chunking;
import io.sluice.NodeSpec;
import io.sluice.Nodes;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.spi.GraphLinks;
import io.sluice.spi.Suggestions;
import io.sluice.yaml.Pipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * The {@code nodes:} section: each node's id, its kind — a built-in source, sink or utility node, or a user's class —
 * the keys that kind takes, its parallelism and stores. Every call of a core factory goes through {@link
 * Problems#attempt}, so what the factory refuses becomes a problem at the line of the key that gave the value.
 */
final class NodesReader {

    static final List<String> SOURCES =
            List.of("lines", "collection", "generator", "interval", "cron", "stdin", "input");
    static final List<String> SINKS = List.of("collect", "stdout", "lines", "append-lines", "discard", "output");
    static final List<String> USES = List.of("broadcast", "merge", "route", "chunk");
    static final List<String> KINDS = List.of("source", "sink", "class", "use");
    static final List<String> KEYS = List.of(
            "id",
            "source",
            "sink",
            "class",
            "use",
            "parallelism",
            "max-parallelism",
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
            "time",
            "from");

    /** How a source or sink named by a location with a scheme ({@code source: s3://bucket/prefix}) is known. */
    private static final String CONNECTOR_SOURCE = "source: <location>";

    private static final String CONNECTOR_SINK = "sink: <location>";

    /** The keys each kind takes besides id, parallelism and the kind itself. */
    private static final Map<String, List<String>> TAKES = Map.ofEntries(
            Map.entry("source: lines", List.of("path")),
            Map.entry("source: collection", List.of("items")),
            Map.entry("source: generator", List.of("count")),
            Map.entry("source: interval", List.of("period", "jitter")),
            Map.entry("source: cron", List.of("expression")),
            Map.entry("source: stdin", List.of()),
            Map.entry("source: input", List.of("from")),
            Map.entry("sink: output", List.of()),
            Map.entry("sink: collect", List.of()),
            Map.entry("sink: stdout", List.of()),
            Map.entry("sink: discard", List.of()),
            Map.entry("sink: lines", List.of("path")),
            Map.entry("sink: append-lines", List.of("path")),
            Map.entry("use: broadcast", List.of()),
            Map.entry("use: merge", List.of()),
            Map.entry("use: route", List.of("branches", "field")),
            Map.entry("use: chunk", List.of("count", "key", "time")),
            Map.entry("class", List.of("config", "ports", "stores")),
            Map.entry(CONNECTOR_SOURCE, List.of("config")),
            Map.entry(CONNECTOR_SINK, List.of("config")));

    /** Built-ins that own one shared resource (a file, stdin, a clock) and run with parallelism 1. */
    private static final List<String> SINGLE_INSTANCE = List.of(
            "source: lines", "source: stdin", "source: interval", "source: cron", "sink: lines", "sink: append-lines");

    private final Problems problems;
    private final Scalars scalars;
    private final Mappings mappings;
    private final UserClasses classes;
    private final StoresReader stores;
    private final ConnectorNodes connectors;
    private final GraphDraft draft;
    private final List<Pipeline.Input> inputs;
    private Includes includes;

    NodesReader(
            Problems problems,
            Scalars scalars,
            Mappings mappings,
            GraphDraft draft,
            List<Pipeline.Input> inputs,
            ConnectorNodes connectors) {
        this.connectors = connectors;
        this.problems = problems;
        this.scalars = scalars;
        this.mappings = mappings;
        this.classes = new UserClasses(problems);
        this.stores = new StoresReader(problems, scalars, mappings);
        this.draft = draft;
        this.inputs = inputs;
    }

    /** This reader, reading {@code include:} entries with {@code includes}. */
    NodesReader including(Includes includes) {
        this.includes = includes;
        return this;
    }

    void read(Node value) {
        if (!(value instanceof SequenceNode list)) {
            problems.add(value, "nodes", "expected a list of nodes but found " + YamlTree.kind(value));
            return;
        }
        if (list.getValue().size() > Limits.NODES) {
            problems.add(
                    list.getValue().get(Limits.NODES),
                    "nodes[" + Limits.NODES + "]",
                    "a pipeline may define at most " + Limits.NODES + " nodes, found "
                            + list.getValue().size() + "; split it into several graphs");
            return;
        }
        for (int i = 0; i < list.getValue().size(); i++) {
            String path = "nodes[" + i + "]";
            Node entry = list.getValue().get(i);
            if (!(entry instanceof MappingNode node)) {
                problems.add(
                        entry,
                        path,
                        "expected a node (id, and one of source, sink, class, use) or an include but found "
                                + YamlTree.kind(entry));
                continue;
            }
            if (includes != null && Includes.isInclude(node)) {
                includes.read(node, path);
                continue;
            }
            Location where = Location.of(node, path);
            NodeSpec spec = node(node, path);
            if (spec != null) {
                draft.node(spec, where);
            }
        }
    }

    /** One node, with what it was read from: its keys and its path. */
    private record Entry(MappingNode node, Map<String, NodeTuple> keys, String path) {
        Node value(String key) {
            return keys.get(key).getValueNode();
        }

        Location at(String key) {
            return Location.of(value(key), path + "." + key);
        }

        boolean has(String key) {
            return keys.containsKey(key);
        }
    }

    private NodeSpec node(MappingNode node, String path) {
        Map<String, NodeTuple> keys = mappings.keys(node, path, KEYS);
        Entry entry = new Entry(node, keys, path);
        boolean hasId = mappings.required(node, keys, "id", path, "every node needs a unique id");
        String id = hasId ? scalars.text(entry.value("id"), path + ".id") : null;
        List<String> kinds = KINDS.stream().filter(keys::containsKey).toList();
        if (kinds.size() != 1) {
            problems.add(
                    node,
                    path,
                    "expected exactly one of " + KINDS + " but found " + (kinds.isEmpty() ? "none" : kinds));
            return null;
        }
        String kind = kinds.get(0);
        String what = scalars.text(entry.value(kind), path + "." + kind);
        if (what == null) {
            return null;
        }
        boolean connector = (kind.equals("source") || kind.equals("sink")) && ConnectorNodes.handles(what);
        String named = connector
                ? (kind.equals("source") ? CONNECTOR_SOURCE : CONNECTOR_SINK)
                : kind.equals("class") ? "class" : kind + ": " + what;
        if (!connector && !known(entry, kind, what)) {
            return null;
        }
        boolean fits = keysFit(entry, named);
        Integer parallelism = parallelism(entry, named);
        Integer maxParallelism = entry.has("max-parallelism")
                ? scalars.integer(
                        entry.value("max-parallelism"), entry.path() + ".max-parallelism", 1, Limits.PARALLELISM)
                : null;
        if (id == null || !fits) {
            return null;
        }
        NodeSpec spec = connector
                ? connector(id, kind, what, entry)
                : switch (kind) {
                    case "source" -> source(id, what, entry);
                    case "sink" -> sink(id, what, entry);
                    case "use" -> use(id, what, entry);
                    default -> userClass(id, what, entry);
                };
        if (spec != null && parallelism != null) {
            NodeSpec chosen = spec;
            spec = problems.attempt(entry.at("parallelism"), () -> chosen.withParallelism(parallelism));
        }
        if (spec != null && maxParallelism != null) {
            NodeSpec chosen = spec;
            spec = problems.attempt(entry.at("max-parallelism"), () -> {
                if (maxParallelism < chosen.parallelism()) {
                    throw new IllegalArgumentException("expected at least the node's parallelism "
                            + chosen.parallelism() + " but found " + maxParallelism);
                }
                return chosen.withMaxParallelism(maxParallelism);
            });
        }
        return spec;
    }

    /** Whether the source, sink or utility named is one Sluice has; if not, a problem with a did-you-mean. */
    private boolean known(Entry entry, String kind, String what) {
        List<String> known =
                switch (kind) {
                    case "source" -> SOURCES;
                    case "sink" -> SINKS;
                    case "use" -> USES;
                    default -> null;
                };
        if (known == null || known.contains(what)) {
            return true;
        }
        String noun = kind.equals("use") ? "utility node" : kind;
        problems.add(
                entry.at(kind),
                "unknown " + noun + " " + Problems.quote(what) + "; expected one of " + known
                        + (kind.equals("use") ? "" : " or a location such as s3://bucket/prefix or kafka://topic")
                        + Suggestions.didYouMean(what, known));
        return false;
    }

    /** Whether every key given is one the node's kind takes; each one that is not is a problem at its line. */
    private boolean keysFit(Entry entry, String named) {
        List<String> takes = TAKES.get(named);
        boolean fits = true;
        for (String key : entry.keys().keySet()) {
            if (key.equals("id")
                    || key.equals("parallelism")
                    || key.equals("max-parallelism")
                    || KINDS.contains(key)
                    || takes.contains(key)) {
                continue;
            }
            fits = false;
            Location where = Location.of(entry.keys().get(key).getKeyNode(), entry.path() + "." + key);
            if (key.equals("stores")) {
                problems.add(
                        where, "only a node of your own class (class:) opens stores; this node is '" + named + "'");
            } else {
                problems.add(
                        where,
                        "key '" + key + "' does not apply to '" + named + "', which takes "
                                + (takes.isEmpty() ? "no other keys" : takes));
            }
        }
        return fits;
    }

    private Integer parallelism(Entry entry, String named) {
        if (!entry.has("parallelism")) {
            return null;
        }
        String path = entry.path() + ".parallelism";
        Integer parallelism = scalars.integer(entry.value("parallelism"), path, 1, Limits.PARALLELISM);
        if (parallelism != null && parallelism > 1 && SINGLE_INSTANCE.contains(named)) {
            problems.add(
                    entry.at("parallelism"),
                    "'" + named + "' reads or writes one shared resource and runs with parallelism 1, found "
                            + parallelism + "; raise the parallelism of the nodes downstream instead");
            return null;
        }
        return parallelism;
    }

    private NodeSpec source(String id, String what, Entry entry) {
        String path = entry.path();
        return switch (what) {
            case "lines" -> {
                Path file = required(entry, "path", "the file to read")
                        ? scalars.path(entry.value("path"), path + ".path")
                        : null;
                if (file == null) {
                    yield null;
                }
                inputs.add(new Pipeline.Input(file, entry.at("path").describe(problems.file())));
                yield problems.attempt(entry.at("path"), () -> NodeSpec.start(id, Sources.lines(file)));
            }
            case "collection" -> {
                if (!required(entry, "items", "the items to emit")) {
                    yield null;
                }
                Node items = entry.value("items");
                if (!(items instanceof SequenceNode list)) {
                    problems.add(entry.at("items"), "expected a list of items but found " + YamlTree.kind(items));
                    yield null;
                }
                List<Object> values = new ArrayList<>();
                boolean valid = true;
                for (int i = 0; i < list.getValue().size(); i++) {
                    Node item = list.getValue().get(i);
                    String at = path + ".items[" + i + "]";
                    int before = problems.count();
                    Object value = scalars.plain(item, at);
                    if (problems.count() != before) {
                        valid = false;
                    } else if (value == null) {
                        problems.add(item, at, "expected an item but found null; a source cannot emit null");
                        valid = false;
                    }
                    values.add(value);
                }
                yield valid
                        ? problems.attempt(entry.at("items"), () -> NodeSpec.start(id, Sources.collection(values)))
                        : null;
            }
            case "generator" -> {
                Long count = required(entry, "count", "how many numbers to emit")
                        ? scalars.whole(entry.value("count"), path + ".count", 0, Long.MAX_VALUE)
                        : null;
                yield count == null
                        ? null
                        : problems.attempt(
                                entry.at("count"), () -> NodeSpec.start(id, Sources.generator(count, i -> i)));
            }
            case "interval" -> {
                Duration period = required(entry, "period", "how often to emit")
                        ? scalars.duration(entry.value("period"), path + ".period", false)
                        : null;
                Duration jitter = entry.has("jitter")
                        ? scalars.duration(entry.value("jitter"), path + ".jitter", true)
                        : Duration.ZERO;
                yield period == null || jitter == null
                        ? null
                        : problems.attempt(
                                entry.at("period"), () -> NodeSpec.start(id, Sources.interval(period, jitter)));
            }
            case "cron" -> {
                String expression = required(entry, "expression", "five fields, as in '*/5 * * * *'")
                        ? scalars.text(entry.value("expression"), path + ".expression")
                        : null;
                yield expression == null
                        ? null
                        : problems.attempt(entry.at("expression"), () -> NodeSpec.start(id, Sources.cron(expression)));
            }
            case "input" -> {
                String from = required(entry, "from", "the output read, as <graph>.<output>")
                        ? scalars.text(entry.value("from"), path + ".from")
                        : null;
                yield from == null
                        ? null
                        : problems.attempt(entry.at("from"), () -> NodeSpec.start(id, GraphLinks.input(from)));
            }
            default -> problems.attempt(entry.at("source"), () -> NodeSpec.start(id, Sources.stdin()));
        };
    }

    private NodeSpec sink(String id, String what, Entry entry) {
        return switch (what) {
            case "collect" -> NodeSpec.end(id, Sinks.collect());
            case "stdout" -> NodeSpec.end(id, Sinks.stdout());
            case "discard" -> NodeSpec.end(id, Sinks.discard());
            case "output" -> NodeSpec.end(id, GraphLinks.output()); // the graph output <graph>.<id>
            default -> {
                Path file = required(entry, "path", "the file to write")
                        ? scalars.path(entry.value("path"), entry.path() + ".path")
                        : null;
                yield file == null
                        ? null
                        : problems.attempt(
                                entry.at("path"),
                                () -> NodeSpec.end(
                                        id, what.equals("lines") ? Sinks.lines(file) : Sinks.appendLines(file)));
            }
        };
    }

    private NodeSpec use(String id, String what, Entry entry) {
        return switch (what) {
            case "broadcast" -> problems.attempt(entry.at("use"), () -> Nodes.broadcast(id));
            case "merge" -> problems.attempt(entry.at("use"), () -> Nodes.merge(id));
            case "route" -> {
                List<String> branches = required(entry, "branches", "the names of its output ports")
                        ? scalars.names(entry.value("branches"), entry.path() + ".branches", "branches")
                        : null;
                String field = entry.has("field") ? scalars.text(entry.value("field"), entry.path() + ".field") : null;
                if (branches == null || entry.has("field") && field == null) {
                    yield null;
                }
                String[] ports = branches.toArray(String[]::new);
                yield problems.attempt(
                        entry.at("branches"),
                        () -> field == null
                                ? Nodes.route(id, ports)
                                : Nodes.route(id, item -> String.valueOf(Fields.get(item, field)), ports));
            }
            default -> chunk(id, entry);
        };
    }

    private NodeSpec chunk(String id, Entry entry) {
        List<String> given =
                List.of("count", "key", "time").stream().filter(entry::has).toList();
        if (given.size() != 1) {
            problems.add(
                    entry.at("use"),
                    "a chunk needs exactly one of count, key or time but found " + (given.isEmpty() ? "none" : given));
            return null;
        }
        String path = entry.path();
        Chunking chunking =
                switch (given.get(0)) {
                    case "count" -> {
                        Integer count = scalars.integer(entry.value("count"), path + ".count", 1, Integer.MAX_VALUE);
                        yield count == null ? null : problems.attempt(entry.at("count"), () -> Chunking.byCount(count));
                    }
                    case "key" -> {
                        String field = scalars.text(entry.value("key"), path + ".key");
                        yield field == null
                                ? null
                                : problems.attempt(
                                        entry.at("key"), () -> Chunking.byKey(item -> Fields.get(item, field)));
                    }
                    default -> {
                        Duration time = scalars.duration(entry.value("time"), path + ".time", false);
                        yield time == null ? null : problems.attempt(entry.at("time"), () -> Chunking.byTime(time));
                    }
                };
        return chunking == null ? null : problems.attempt(entry.at(given.get(0)), () -> Nodes.chunk(id, chunking));
    }

    private NodeSpec userClass(String id, String className, Entry entry) {
        Map<String, Object> config = null;
        Location configAt = entry.has("config") ? entry.at("config") : entry.at("class");
        if (entry.has("config")) {
            Node value = entry.value("config");
            if (!(value instanceof MappingNode)) {
                problems.add(configAt, "expected a mapping of settings but found " + YamlTree.kind(value));
                return null;
            }
            int before = problems.count();
            Object plain = scalars.plain(value, entry.path() + ".config");
            if (problems.count() != before) {
                return null;
            }
            config = new LinkedHashMap<>();
            for (var setting : ((Map<?, ?>) plain).entrySet()) {
                config.put(String.valueOf(setting.getKey()), setting.getValue());
            }
        }
        List<String> ports =
                entry.has("ports") ? scalars.names(entry.value("ports"), entry.path() + ".ports", "ports") : null;
        if (entry.has("ports") && ports == null) {
            return null;
        }
        Location portsAt = entry.has("ports") ? entry.at("ports") : entry.at("class");
        NodeSpec spec = classes.node(id, className, entry.at("class"), config, configAt, ports, portsAt);
        if (spec == null || !entry.has("stores")) {
            return spec;
        }
        var declared = stores.read(id, entry.value("stores"), entry.path() + ".stores");
        return declared == null
                ? null
                : problems.attempt(
                        entry.at("stores"), () -> spec.withStores(declared.toArray(io.sluice.StoreSpec[]::new)));
    }

    /** A source or sink a connector makes for the location {@code what}, with the settings under {@code config}. */
    private NodeSpec connector(String id, String kind, String what, Entry entry) {
        Map<String, String> settings = entry.has("config")
                ? connectors.settings(entry.value("config"), entry.path() + ".config", List.of())
                : Map.of();
        if (settings == null) {
            return null;
        }
        return kind.equals("source")
                ? connectors.source(id, what, settings, entry.at(kind))
                : connectors.sink(id, what, settings, entry.at(kind));
    }

    private boolean required(Entry entry, String key, String what) {
        return mappings.required(entry.node(), entry.keys(), key, entry.path(), what);
    }
}
