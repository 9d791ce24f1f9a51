package io.sluice.yaml.internal;

import io.sluice.ComputationalGraph;
import io.sluice.yaml.Pipeline;
import io.sluice.yaml.PipelineException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * Reads a pipeline file into a graph, collecting every problem with its line and path before giving up. The steps,
 * each in its own class: the text ({@link PipelineText}: size, UTF-8), the YAML tree ({@link YamlTree}: depth,
 * aliases, duplicate keys), each section ({@link NodesReader}, {@link EdgesReader}, {@link RobustnessReader}, {@link
 * RuntimeReader}, or {@link TasksReader}), values ({@link Scalars}), and graph validation with every node and edge
 * located ({@link GraphDraft}). Problems go to one bounded {@link Problems}.
 */
public final class PipelineReader {

    private static final List<String> TOP_KEYS = List.of("graph", "nodes", "edges", "robustness", "runtime");
    private static final List<String> ALL_TOP_KEYS =
            List.of("graph", "nodes", "edges", "robustness", "runtime", "tasks", "inputs", "outputs");

    private PipelineReader() {}

    /**
     * Reads and validates the pipeline in {@code path}.
     *
     * @throws PipelineException listing its problems
     */
    public static Pipeline read(Path path) {
        String file = path.getFileName() == null
                ? path.toString()
                : path.getFileName().toString();
        String text = PipelineText.read(path, file);
        Path directory = path.toAbsolutePath().getParent();
        return read(path, file, text, directory);
    }

    private static Pipeline read(Path path, String file, String text, Path directory) {
        Optional<Node> root = YamlTree.compose(text, file);
        if (root.isEmpty()) {
            throw Problems.single(file, file + ":1: the file is empty; expected graph, nodes and edges");
        }
        if (!(root.get() instanceof MappingNode top)) {
            throw Problems.single(
                    file,
                    Location.of(root.get(), "").prefix(file)
                            + "expected a mapping with graph, nodes and edges but found " + YamlTree.kind(root.get()));
        }
        Problems problems = new Problems(file);
        YamlTree.checkDuplicateKeys(top, problems);
        Scalars scalars = new Scalars(problems, directory);
        Mappings mappings = new Mappings(problems);
        GraphDraft draft = new GraphDraft(problems);
        List<Pipeline.Input> inputs = new ArrayList<>();

        Map<String, NodeTuple> keys = mappings.keys(top, "", ALL_TOP_KEYS);
        String name = "pipeline";
        if (keys.containsKey("graph")) {
            Node graph = Mappings.value(keys, "graph");
            draft.graph(Location.of(graph, "graph"));
            String given = scalars.text(graph, "graph");
            name = given == null ? name : given;
        }
        Pipeline.Runtime runtime = keys.containsKey("runtime")
                ? new RuntimeReader(problems, scalars, mappings).read(Mappings.value(keys, "runtime"))
                : Pipeline.Runtime.DEFAULT;
        ConnectorNodes connectors = new ConnectorNodes(problems, scalars, runtime.bootstrap());
        if (keys.containsKey("tasks")) {
            for (String other : List.of("nodes", "edges")) {
                if (keys.containsKey(other)) {
                    problems.add(
                            keys.get(other).getKeyNode(),
                            other,
                            "a pipeline has either tasks or nodes and edges, not both");
                }
            }
            new TasksReader(problems, scalars, mappings, draft, inputs, connectors).read(Mappings.value(keys, "tasks"));
        } else {
            for (String required : List.of("graph", "nodes", "edges")) {
                if (!keys.containsKey(required)) {
                    problems.add(top, "", "missing key '" + required + "'; a pipeline has " + TOP_KEYS);
                }
            }
            if (keys.containsKey("nodes")) {
                Includes includes = Includes.of(path, problems, scalars, mappings, draft, inputs, runtime.bootstrap());
                new NodesReader(problems, scalars, mappings, draft, inputs, connectors)
                        .including(includes)
                        .read(Mappings.value(keys, "nodes"));
            }
            if (keys.containsKey("edges")) {
                new EdgesReader(problems, scalars, mappings, draft).read(Mappings.value(keys, "edges"));
            }
        }
        for (String section : List.of("inputs", "outputs")) {
            if (keys.containsKey(section)) {
                problems.add(
                        keys.get(section).getKeyNode(),
                        section,
                        "'" + section + "' names the " + (section.equals("inputs") ? "entry" : "exit")
                                + " nodes of a file included as a sub-graph; a pipeline run on its own has none"
                                + " (include this file from another: include: {file, as})");
            }
        }
        if (keys.containsKey("robustness")) {
            new RobustnessReader(problems, scalars, mappings, draft).read(Mappings.value(keys, "robustness"));
        }
        problems.throwIfAny();
        ComputationalGraph graph = draft.build(name, problems);
        problems.throwIfAny();
        return new Pipeline(graph, runtime, path, inputs);
    }
}
