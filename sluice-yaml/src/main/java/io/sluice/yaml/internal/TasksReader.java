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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * The spout/bolt {@code tasks:} form of the geniusrise design. A task's {@code outputConfig.destination} that another
 * task names as its {@code inputConfig.source} becomes an edge between them; a destination nobody reads becomes an end
 * node writing there. What Sluice can read and write today: a file path (or {@code file://…}) and {@code stdin} /
 * {@code stdout}; S3 and Kafka locations are refused by name until their connectors exist. A bolt names the class of
 * its computation with {@code class:}, as the design leaves it open. Each node and edge made is located at the key
 * that made it: a task's name, its source, its destination.
 */
final class TasksReader {

    private static final List<String> KEYS = List.of("name", "type", "class", "config");

    private final Problems problems;
    private final Scalars scalars;
    private final Mappings mappings;
    private final UserClasses classes;
    private final GraphDraft draft;
    private final List<Pipeline.Input> inputs;

    TasksReader(Problems problems, Scalars scalars, Mappings mappings, GraphDraft draft, List<Pipeline.Input> inputs) {
        this.problems = problems;
        this.scalars = scalars;
        this.mappings = mappings;
        this.classes = new UserClasses(problems);
        this.draft = draft;
        this.inputs = inputs;
    }

    /** A location as read: its text and where it was written. */
    private record Place(String location, org.snakeyaml.engine.v2.nodes.Node value, String path) {
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
            if (destination.location().equals("stdout")) {
                sink = NodeSpec.end(end, Sinks.stdout());
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
        NodeSpec spec;
        if (source.location().equals("stdin")) {
            spec = NodeSpec.start(task.name(), Sources.stdin());
        } else {
            Path input = local(source);
            if (input == null) {
                return;
            }
            inputs.add(new Pipeline.Input(input, source.at().describe(problems.file())));
            spec = problems.attempt(source.at(), () -> NodeSpec.start(task.name(), Sources.lines(input)));
        }
        if (spec != null) {
            draft.node(spec, task.nameAt());
        }
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
        Map<String, NodeTuple> inner = mappings.keys(mapping, at, List.of("type", key));
        if (inner.containsKey("type")) {
            scalars.oneOf(Mappings.value(inner, "type"), at + ".type", List.of("batch", "streaming"));
        }
        if (!inner.containsKey(key)) {
            return null;
        }
        String location = scalars.text(Mappings.value(inner, key), at + "." + key);
        return location == null ? null : new Place(location, Mappings.value(inner, key), at + "." + key);
    }

    /** A local file (or stdin/stdout): what Sluice's YAML can read and write today. */
    private Path local(Place place) {
        String location = place.location();
        if (location.startsWith("s3://")
                || location.contains("://") && !location.startsWith("file://")
                || !location.contains("/") && !location.contains(".")) {
            problems.add(
                    place.at(),
                    "location " + Problems.quote(location) + " is not supported yet (S3 buckets and Kafka topics come"
                            + " with their connectors); supported: a file path, file://…, stdin, stdout");
            return null;
        }
        String file = location.startsWith("file://") ? location.substring("file://".length()) : location;
        return scalars.resolve(place.value(), place.path(), file);
    }
}
