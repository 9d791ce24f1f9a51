package io.sluice.yaml.internal;

import io.sluice.ComputationalGraph;
import io.sluice.Node;
import io.sluice.NodeSpec;
import io.sluice.Sinks;
import io.sluice.Sources;
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
 * its computation with {@code class:}, as the design leaves it open.
 */
final class TasksReader {

    private final PipelineReader reader;

    TasksReader(PipelineReader reader) {
        this.reader = reader;
    }

    /** One task as read. */
    private record Task(
            String name,
            String type,
            String source,
            String destination,
            String className,
            org.snakeyaml.engine.v2.nodes.Node where,
            String path) {}

    ComputationalGraph.Builder read(String graph, org.snakeyaml.engine.v2.nodes.Node value) {
        ComputationalGraph.Builder builder = ComputationalGraph.builder(graph);
        if (!(value instanceof SequenceNode list)) {
            reader.problem(value, "tasks", "expected a list of tasks but found " + PipelineReader.kind(value));
            return builder;
        }
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < list.getValue().size(); i++) {
            Task task = task(list.getValue().get(i), "tasks[" + i + "]");
            if (task != null) {
                tasks.add(task);
            }
        }
        Map<String, Task> bySource = new LinkedHashMap<>();
        tasks.stream().filter(t -> t.source() != null).forEach(t -> bySource.put(t.source(), t));
        for (Task task : tasks) {
            reader.nodeLine(task.name(), task.where());
            if (task.type().equals("spout")) {
                Path input = local(task.source(), task, "inputConfig.source");
                if (input != null) {
                    builder.add(NodeSpec.start(
                            task.name(), task.source().equals("stdin") ? Sources.stdin() : Sources.lines(input)));
                }
            } else if (task.className() == null) {
                reader.problem(
                        task.where(),
                        task.path(),
                        "a bolt needs the class of its computation; add class:" + " com.example.MyBolt (a "
                                + Node.class.getName() + ")");
            } else {
                NodeSpec spec = reader.userClassNode(task.name(), task.className(), task.where(), task.path());
                if (spec != null) {
                    builder.add(spec);
                }
            }
            Task reader2 = task.destination() == null ? null : bySource.get(task.destination());
            if (reader2 != null) {
                builder.edge(task.name() + " -> " + reader2.name());
            } else if (task.destination() != null) {
                String end = task.name() + "-out";
                if (task.destination().equals("stdout")) {
                    builder.add(NodeSpec.end(end, Sinks.stdout()));
                    builder.edge(task.name() + " -> " + end);
                } else {
                    Path output = local(task.destination(), task, "outputConfig.destination");
                    if (output != null) {
                        builder.add(NodeSpec.end(end, Sinks.lines(output)));
                        builder.edge(task.name() + " -> " + end);
                    }
                }
            }
        }
        return builder;
    }

    private Task task(org.snakeyaml.engine.v2.nodes.Node value, String path) {
        if (!(value instanceof MappingNode mapping)) {
            reader.problem(value, path, "expected a task (name, type, config) but found " + PipelineReader.kind(value));
            return null;
        }
        Map<String, NodeTuple> keys = reader.keys(mapping, path, List.of("name", "type", "class", "config"));
        if (!reader.required(keys, "name", path)
                | !reader.required(keys, "type", path)
                | !reader.required(keys, "config", path)) {
            return null;
        }
        String name = reader.string(keys.get("name").getValueNode(), path + ".name");
        String type = reader.string(keys.get("type").getValueNode(), path + ".type");
        if (type != null && !type.equals("spout") && !type.equals("bolt")) {
            reader.problem(
                    keys.get("type").getValueNode(), path + ".type", "expected spout or bolt but found '" + type + "'");
            return null;
        }
        String className =
                keys.containsKey("class") ? reader.string(keys.get("class").getValueNode(), path + ".class") : null;
        org.snakeyaml.engine.v2.nodes.Node config = keys.get("config").getValueNode();
        if (!(config instanceof MappingNode configMap)) {
            reader.problem(config, path + ".config", "expected inputConfig and outputConfig");
            return null;
        }
        Map<String, NodeTuple> configKeys =
                reader.keys(configMap, path + ".config", List.of("inputConfig", "outputConfig"));
        String source = location(configKeys, "inputConfig", "source", path + ".config");
        String destination = location(configKeys, "outputConfig", "destination", path + ".config");
        return name == null || type == null
                ? null
                : new Task(name, type, source, destination, className, mapping, path);
    }

    private String location(Map<String, NodeTuple> keys, String section, String key, String path) {
        if (!keys.containsKey(section)) {
            return null;
        }
        org.snakeyaml.engine.v2.nodes.Node value = keys.get(section).getValueNode();
        if (!(value instanceof MappingNode mapping)) {
            reader.problem(value, path + "." + section, "expected type and " + key);
            return null;
        }
        Map<String, NodeTuple> inner = reader.keys(mapping, path + "." + section, List.of("type", key));
        if (inner.containsKey("type")) {
            String type = reader.string(inner.get("type").getValueNode(), path + "." + section + ".type");
            if (type != null && !type.equals("batch") && !type.equals("streaming")) {
                reader.problem(
                        inner.get("type").getValueNode(),
                        path + "." + section + ".type",
                        "expected batch or streaming but found '" + type + "'");
            }
        }
        return inner.containsKey(key)
                ? reader.string(inner.get(key).getValueNode(), path + "." + section + "." + key)
                : null;
    }

    /** A local file (or stdin/stdout): what Sluice's YAML can read and write today. */
    private Path local(String location, Task task, String field) {
        if (location == null) {
            reader.problem(task.where(), task.path(), "missing config." + field);
            return null;
        }
        if (location.equals("stdin") || location.equals("stdout")) {
            return Path.of(location);
        }
        if (location.startsWith("s3://")
                || location.contains("://") && !location.startsWith("file://")
                || !location.contains("/") && !location.contains(".")) {
            reader.problem(
                    task.where(),
                    task.path() + ".config." + field,
                    "location '" + location + "' is not"
                            + " supported yet (S3 buckets and Kafka topics come with their connectors); supported: a file path,"
                            + " file://…, stdin, stdout");
            return null;
        }
        return reader.resolve(location.startsWith("file://") ? location.substring("file://".length()) : location);
    }
}
