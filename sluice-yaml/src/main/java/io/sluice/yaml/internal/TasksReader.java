package io.sluice.yaml.internal;

import io.sluice.Edge;
import io.sluice.Node;
import io.sluice.NodeSpec;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.spi.Names;
import io.sluice.yaml.Pipeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * The spout/bolt {@code tasks:} form of the geniusrise design. A task's {@code outputConfig.destination} that another
 * task names as its {@code inputConfig.source} becomes an edge between them; a destination nobody reads becomes an end
 * node writing there; a bolt's source that no task writes becomes a start node {@code <bolt>-in} reading it. A
 * location is a file path (or {@code file://…}), {@code stdin} / {@code stdout}, or a location with a scheme that a
 * connector on the class path handles ({@code s3://bucket/prefix}, {@code kafka://topic}, {@code https://…}); a bare
 * name under {@code type: streaming} is a Kafka topic, as in the design's {@code kafka-topic-1}. Keys of an
 * {@code inputConfig} or {@code outputConfig} besides {@code type} and the location are the connector's settings. A
 * bolt names the class of its computation with {@code class:}, as the design leaves it open. Each node and edge made
 * is located at the key that made it: a task's name, its source, its destination.
 */
final class TasksReader {

    private static final List<String> KEYS = List.of("name", "type", "class", "config");

    private final Problems problems;
    private final Scalars scalars;
    private final Mappings mappings;
    private final UserClasses classes;
    private final GraphDraft draft;
    private final List<Pipeline.Input> inputs;
    private final ConnectorNodes connectors;

    TasksReader(
            Problems problems,
            Scalars scalars,
            Mappings mappings,
            GraphDraft draft,
            List<Pipeline.Input> inputs,
            ConnectorNodes connectors) {
        this.problems = problems;
        this.scalars = scalars;
        this.mappings = mappings;
        this.classes = new UserClasses(problems);
        this.draft = draft;
        this.inputs = inputs;
        this.connectors = connectors;
    }

    /**
     * A location as read: its text, where it was written, the {@code type} beside it ({@code batch}, {@code
     * streaming} or {@code null}) and the connector settings beside it.
     */
    private record Place(
            String location,
            org.snakeyaml.engine.v2.nodes.Node value,
            String path,
            String type,
            Map<String, String> settings) {
        Location at() {
            return Location.of(value, path);
        }
    }

    /** One task as read. */
    private record Task(
            String name,
            Location nameAt,
            String type,
            Place source,
            Place destination,
            String className,
            Location classAt,
            MappingNode where,
            String path) {}

    void read(org.snakeyaml.engine.v2.nodes.Node value) {
        if (!(value instanceof SequenceNode list)) {
            problems.add(value, "tasks", "expected a list of tasks but found " + YamlTree.kind(value));
            return;
        }
        if (list.getValue().size() > Limits.NODES / 2) {
            // each task may bring an end node of its own
            problems.add(
                    list.getValue().get(Limits.NODES / 2),
                    "tasks[" + Limits.NODES / 2 + "]",
                    "a pipeline may define at most " + Limits.NODES / 2 + " tasks, found "
                            + list.getValue().size() + "; split it into several graphs");
            return;
        }
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < list.getValue().size(); i++) {
            Task task = task(list.getValue().get(i), "tasks[" + i + "]");
            if (task != null) {
                tasks.add(task);
            }
        }
        Map<String, Task> bySource = new LinkedHashMap<>();
        tasks.stream()
                .filter(t -> t.source() != null)
                .forEach(t -> bySource.putIfAbsent(t.source().location(), t));
        Set<String> written = new HashSet<>();
        tasks.stream()
                .filter(t -> t.destination() != null)
                .forEach(t -> written.add(t.destination().location()));
        for (Task task : tasks) {
            if (task.type().equals("spout")) {
                spout(task);
            } else if (task.className() == null) {
                problems.add(
                        task.where(),
                        task.path(),
                        "a bolt needs the class of its computation; add class: com.example.MyBolt (a "
                                + Node.class.getName() + ")");
            } else {
                NodeSpec spec =
                        classes.node(task.name(), task.className(), task.classAt(), null, task.classAt(), null, null);
                if (spec != null) {
                    draft.node(spec, task.nameAt());
                }
                Place source = task.source();
                if (source != null && !written.contains(source.location())) {
                    // nothing in the pipeline writes what the bolt reads: a start node of its own reads it
                    NodeSpec in = start(task.name() + "-in", source);
                    if (in != null) {
                        draft.node(in, source.at());
                        draft.edge(Edge.of(in.id(), task.name()), source.at());
                    }
                }
            }
            Place destination = task.destination();
            if (destination == null) {
                continue;
            }
            Task next = bySource.get(destination.location());
            if (next != null) {
                draft.edge(Edge.of(task.name(), next.name()), destination.at());
                continue;
            }
            String end = task.name() + "-out";
            NodeSpec sink;
            String location = location(destination);
            if (location == null) {
                sink = null;
            } else if (location.equals("stdout")) {
                sink = NodeSpec.end(end, Sinks.stdout());
            } else if (ConnectorNodes.handles(location)) {
                sink = connectors.sink(end, location, destination.settings(), destination.at());
            } else {
                Path output = local(destination);
                sink = output == null
                        ? null
                        : problems.attempt(destination.at(), () -> NodeSpec.end(end, Sinks.lines(output)));
            }
            if (sink != null) {
                draft.node(sink, destination.at());
                draft.edge(Edge.of(task.name(), end), destination.at());
            }
        }
    }

    private void spout(Task task) {
        Place source = task.source();
        if (source == null) {
            problems.add(task.where(), task.path() + ".config", "a spout needs inputConfig.source: where it reads");
            return;
        }
        NodeSpec spec = start(task.name(), source);
        if (spec != null) {
            draft.node(spec, task.nameAt());
        }
    }

    /** A start node {@code id} reading {@code source}: stdin, a connector's location, or a file. */
    private NodeSpec start(String id, Place source) {
        String location = location(source);
        if (location == null) {
            return null;
        }
        if (location.equals("stdin")) {
            return NodeSpec.start(id, Sources.stdin());
        }
        if (ConnectorNodes.handles(location)) {
            return connectors.source(id, location, source.settings(), source.at());
        }
        Path input = local(source);
        if (input == null) {
            return null;
        }
        inputs.add(new Pipeline.Input(input, source.at().describe(problems.file())));
        return problems.attempt(source.at(), () -> NodeSpec.start(id, Sources.lines(input)));
    }

    /**
     * What {@code place} names: {@code stdin}/{@code stdout}, a location with a scheme, a bare name under {@code type:
     * streaming} as {@code kafka://name}, or a file path; {@code null} after a problem (settings beside a file, a
     * bare name that is neither).
     */
    private String location(Place place) {
        String location = place.location();
        if (location.equals("stdin") || location.equals("stdout")) {
            return settingsOnlyForConnectors(place) ? location : null;
        }
        if (ConnectorNodes.handles(location)) {
            return location;
        }
        if (!location.contains("/") && !location.contains(".") && !location.contains(":")) {
            if ("streaming".equals(place.type())) {
                return "kafka://" + location;
            }
            problems.add(
                    place.at(),
                    "location " + Problems.quote(location) + " is neither a file path nor a location with a scheme;"
                            + " for a Kafka topic set type: streaming or write kafka://" + location
                            + ", for a file in this directory write ./" + location);
            return null;
        }
        return settingsOnlyForConnectors(place) ? location : null;
    }

    private boolean settingsOnlyForConnectors(Place place) {
        if (place.settings().isEmpty()) {
            return true;
        }
        problems.add(
                place.at(),
                "settings " + place.settings().keySet() + " apply to a connector's location (s3://, kafka://, tcp://,"
                        + " https://…), not to " + Problems.quote(place.location()));
        return false;
    }

    private Task task(org.snakeyaml.engine.v2.nodes.Node value, String path) {
        if (!(value instanceof MappingNode mapping)) {
            problems.add(value, path, "expected a task (name, type, config) but found " + YamlTree.kind(value));
            return null;
        }
        Map<String, NodeTuple> keys = mappings.keys(mapping, path, KEYS);
        boolean complete = mappings.required(mapping, keys, "name", path, "the task's node id")
                & mappings.required(mapping, keys, "type", path, "spout or bolt")
                & mappings.required(mapping, keys, "config", path, "inputConfig and outputConfig");
        if (!complete) {
            return null;
        }
        String name = scalars.text(Mappings.value(keys, "name"), path + ".name");
        String invalid = name == null ? null : Names.problem(name);
        if (invalid != null) {
            // The name becomes a node id, and a topic name on Kafka.
            problems.add(
                    Mappings.value(keys, "name"),
                    path + ".name",
                    "task name " + Problems.quote(name) + " " + invalid + " (it becomes a node id)");
            name = null;
        }
        String type = scalars.oneOf(Mappings.value(keys, "type"), path + ".type", List.of("spout", "bolt"));
        String className =
                keys.containsKey("class") ? scalars.text(Mappings.value(keys, "class"), path + ".class") : null;
        Location classAt = keys.containsKey("class")
                ? Location.of(Mappings.value(keys, "class"), path + ".class")
                : Location.of(mapping, path);
        org.snakeyaml.engine.v2.nodes.Node config = Mappings.value(keys, "config");
        if (!(config instanceof MappingNode configMap)) {
            problems.add(
                    config,
                    path + ".config",
                    "expected a mapping with inputConfig and outputConfig but found " + YamlTree.kind(config));
            return null;
        }
        Map<String, NodeTuple> configKeys =
                mappings.keys(configMap, path + ".config", List.of("inputConfig", "outputConfig"));
        Place source = place(configKeys, "inputConfig", "source", path + ".config");
        Place destination = place(configKeys, "outputConfig", "destination", path + ".config");
        return name == null || type == null
                ? null
                : new Task(
                        name,
                        Location.of(Mappings.value(keys, "name"), path + ".name"),
                        type,
                        source,
                        destination,
                        className,
                        classAt,
                        mapping,
                        path);
    }

    private Place place(Map<String, NodeTuple> keys, String section, String key, String path) {
        if (!keys.containsKey(section)) {
            return null;
        }
        String at = path + "." + section;
        org.snakeyaml.engine.v2.nodes.Node value = Mappings.value(keys, section);
        if (!(value instanceof MappingNode mapping)) {
            problems.add(value, at, "expected a mapping with type and " + key + " but found " + YamlTree.kind(value));
            return null;
        }
        Map<String, NodeTuple> inner = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (tuple.getKeyNode() instanceof org.snakeyaml.engine.v2.nodes.ScalarNode name) {
                inner.put(name.getValue(), tuple);
            }
        }
        String type = inner.containsKey("type")
                ? scalars.oneOf(Mappings.value(inner, "type"), at + ".type", List.of("batch", "streaming"))
                : null;
        Map<String, String> settings = connectors.settings(mapping, at, List.of("type", key));
        if (!inner.containsKey(key) || settings == null) {
            return null;
        }
        String location = scalars.text(Mappings.value(inner, key), at + "." + key);
        return location == null
                ? null
                : new Place(location, Mappings.value(inner, key), at + "." + key, type, settings);
    }

    /** A local file: the path, or {@code file://} and the path, resolved against the pipeline's directory. */
    private Path local(Place place) {
        String location = place.location();
        String file = location.startsWith("file://") ? location.substring("file://".length()) : location;
        return scalars.resolve(place.value(), place.path(), file);
    }
}
