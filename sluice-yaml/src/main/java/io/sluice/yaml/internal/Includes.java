package io.sluice.yaml.internal;

import io.sluice.Emitter;
import io.sluice.spi.Names;
import io.sluice.yaml.Pipeline;
import io.sluice.yaml.PipelineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * The {@code include:} entries of a {@code nodes:} section: another pipeline file read as a sub-graph under a prefix,
 * its nodes and edges added to the same {@link GraphDraft}, its {@code inputs:} and {@code outputs:} the nodes the
 * including file's edges reach it by. Each file is read and parsed once however often it is included, and every
 * include is bounded: at most {@value #DEPTH} files deep, 10 MB of text and {@value Limits#NODES} nodes for all the
 * files together, and a file that includes itself, directly or through others, is refused with the chain of lines.
 *
 * <pre>{@code
 * nodes:
 *   - {id: producer, source: collection, items: [a, b]}
 *   - include: {file: branch.yaml, as: b1}     # branch.yaml: graph, inputs, outputs, nodes, edges
 * edges:
 *   - producer -> b1 -> out                    # b1's only input, then its only output; or b1.name
 * }</pre>
 */
final class Includes {

    /** How many files deep includes may nest, the pipeline itself counting as one. */
    static final int DEPTH = 8;

    static final List<String> TOP_KEYS = List.of("graph", "inputs", "outputs", "nodes", "edges");
    private static final List<String> PIPELINE_ONLY = List.of("robustness", "runtime", "tasks");
    private static final List<String> KEYS = List.of("file", "as");

    /** What the files of one pipeline share: each file read, by its real path, and the text read in all. */
    private static final class Shared {
        final Path directory;
        final Map<Path, Read> files = new HashMap<>();
        final String bootstrap;
        final List<Pipeline.Input> inputs;
        long bytes;

        Shared(Path directory, String bootstrap, List<Pipeline.Input> inputs) {
            this.directory = directory;
            this.bootstrap = bootstrap;
            this.inputs = inputs;
        }
    }

    /** A file read: its name in problems, its problems, its top mapping ({@code null} when it could not be read). */
    private record Read(String name, Problems problems, MappingNode top) {}

    /** A file on the way from the pipeline to the one being read, and where it includes the next. */
    private record Link(Path file, String name, Location includes) {}

    private final Shared shared;
    private final List<Link> chain;
    private final Problems problems;
    private final Scalars scalars;
    private final Mappings mappings;
    private final GraphDraft draft;

    private Includes(
            Shared shared, List<Link> chain, Problems problems, Scalars scalars, Mappings mappings, GraphDraft draft) {
        this.shared = shared;
        this.chain = chain;
        this.problems = problems;
        this.scalars = scalars;
        this.mappings = mappings;
        this.draft = draft;
    }

    /** The includes of the pipeline file {@code file}, whose readers these are. */
    static Includes of(
            Path file,
            Problems problems,
            Scalars scalars,
            Mappings mappings,
            GraphDraft draft,
            List<Pipeline.Input> inputs,
            String bootstrap) {
        Path real = real(file);
        Shared shared = new Shared(real.getParent(), bootstrap, inputs);
        try {
            shared.bytes = Files.size(real);
        } catch (IOException e) {
            shared.bytes = 0; // it was read a moment ago; if it is gone now, the includes are what is left to bound
        }
        return new Includes(shared, List.of(new Link(real, problems.file(), null)), problems, scalars, mappings, draft);
    }

    /** Whether a node entry is an include. */
    static boolean isInclude(MappingNode entry) {
        return entry.getValue().stream()
                .anyMatch(t -> t.getKeyNode() instanceof ScalarNode key
                        && key.getValue().equals("include"));
    }

    /** Reads the include {@code entry}, at {@code path}, and the file it names into the draft. */
    void read(MappingNode entry, String path) {
        Map<String, NodeTuple> keys = mappings.keys(entry, path, List.of("include"));
        Node value = Mappings.value(keys, "include");
        String at = path + ".include";
        Location includeAt = Location.of(value, at);
        Node fileNode;
        Node aliasNode = null;
        if (value instanceof ScalarNode) {
            fileNode = value;
        } else if (value instanceof MappingNode mapping) {
            Map<String, NodeTuple> given = mappings.keys(mapping, at, KEYS);
            if (!mappings.required(mapping, given, "file", at, "the pipeline file to include, relative to this one")) {
                return;
            }
            fileNode = Mappings.value(given, "file");
            aliasNode = given.containsKey("as") ? Mappings.value(given, "as") : null;
        } else {
            problems.add(includeAt, "expected {file, as} but found " + YamlTree.kind(value));
            return;
        }
        Location fileAt = Location.of(fileNode, at + (fileNode == value ? "" : ".file"));
        Path file = scalars.path(fileNode, fileAt.path());
        String alias = aliasNode == null ? null : scalars.text(aliasNode, at + ".as");
        Location aliasAt = aliasNode == null ? includeAt : Location.of(aliasNode, at + ".as");
        if (file == null || aliasNode != null && !validAlias(alias, aliasAt)) {
            return;
        }
        if (chain.size() >= DEPTH) {
            problems.add(
                    includeAt,
                    "includes nest deeper than " + DEPTH + " files ("
                            + String.join(" -> ", chain.stream().map(Link::name).toList())
                            + " -> …); include the deepest files from a file nearer the pipeline");
            return;
        }
        Path real = readable(file, fileAt);
        if (real == null || cycle(real, fileAt)) {
            return;
        }
        if (draft.size() >= Limits.NODES) {
            problems.add(
                    includeAt,
                    "a pipeline and the files it includes may define at most " + Limits.NODES + " nodes together,"
                            + " found more; split it into several graphs");
            return;
        }
        Read read = shared.files.computeIfAbsent(real, this::load);
        if (read.top() == null) {
            return;
        }
        include(read, real, alias, includeAt, aliasAt);
    }

    private boolean validAlias(String alias, Location at) {
        if (alias == null) {
            return false;
        }
        String problem = Names.problem(alias);
        if (problem != null) {
            problems.add(at, "the prefix " + problem + " (it prefixes the ids of the included nodes)");
            return false;
        }
        return true;
    }

    /** The real path of an include, or {@code null} with a problem at its line. */
    private Path readable(Path file, Location at) {
        try {
            Path real = file.toRealPath();
            if (Files.isDirectory(real)) {
                problems.add(at, "cannot include " + file + ": it is a directory; include a pipeline file");
                return null;
            }
            return real;
        } catch (NoSuchFileException e) {
            problems.add(at, "cannot include " + file + ": no such file");
        } catch (IOException | SecurityException e) {
            problems.add(at, "cannot include " + file + ": " + e.getMessage());
        }
        return null;
    }

    /** Whether including {@code real} here closes a cycle; if so, a problem naming each file and line on it. */
    private boolean cycle(Path real, Location at) {
        for (int i = 0; i < chain.size(); i++) {
            if (chain.get(i).file().equals(real)) {
                List<String> steps = new ArrayList<>();
                for (int j = i; j < chain.size(); j++) {
                    Link link = chain.get(j);
                    Location includes = j + 1 < chain.size() ? chain.get(j + 1).includes() : at;
                    String next = j + 1 < chain.size()
                            ? chain.get(j + 1).name()
                            : chain.get(i).name();
                    steps.add(link.name() + ":" + includes.line() + " includes " + next);
                }
                problems.add(
                        at,
                        "an include cycle: " + String.join(", ", steps) + "; a file cannot include itself, directly"
                                + " or through other files");
                return true;
            }
        }
        return false;
    }

    /** Reads and parses a file once, however often it is included; its problems go to a view of its own. */
    private Read load(Path real) {
        String name = name(real);
        Problems own = problems.forFile(name);
        try {
            long size = Files.size(real);
            if (shared.bytes + size > Limits.FILE_BYTES) {
                own.addWritten(
                        1,
                        name + ": the pipeline and the files it includes hold more than "
                                + Limits.FILE_BYTES / (1024 * 1024) + " MB together, the most they may hold");
                return new Read(name, own, null);
            }
            String text = PipelineText.read(real, name);
            shared.bytes += size;
            Optional<Node> root = YamlTree.compose(text, name);
            if (root.isEmpty() || !(root.get() instanceof MappingNode top)) {
                own.addWritten(
                        1,
                        name + ":1: expected a mapping with graph, inputs, outputs, nodes and edges but found "
                                + root.map(YamlTree::kind).orElse("an empty file"));
                return new Read(name, own, null);
            }
            YamlTree.checkDuplicateKeys(top, own);
            return new Read(name, own, top);
        } catch (PipelineException e) {
            e.problems().forEach(problem -> own.addWritten(1, problem));
        } catch (IOException e) {
            own.addWritten(1, name + ": cannot be read: " + e.getMessage());
        }
        return new Read(name, own, null);
    }

    /** The included file read into a draft of its own scope, under {@code alias} or its graph's name. */
    private void include(Read read, Path real, String alias, Location includeAt, Location aliasAt) {
        Problems own = read.problems();
        Scalars fileScalars = new Scalars(own, real.getParent());
        Mappings fileMappings = new Mappings(own);
        List<String> allowed = new ArrayList<>(TOP_KEYS);
        allowed.addAll(PIPELINE_ONLY);
        Map<String, NodeTuple> keys = fileMappings.keys(read.top(), "", allowed);
        for (String key : PIPELINE_ONLY) {
            if (keys.containsKey(key)) {
                own.add(
                        keys.get(key).getKeyNode(),
                        key,
                        "'" + key + "' belongs to the pipeline that is run, not to a file it includes; set it in "
                                + chain.get(0).name());
            }
        }
        boolean complete = true;
        for (String required : List.of("graph", "nodes", "edges")) {
            if (!keys.containsKey(required)) {
                own.add(
                        read.top(),
                        "",
                        "missing key '" + required + "'; a file included as a sub-graph has " + TOP_KEYS);
                complete = false;
            }
        }
        if (!complete) {
            return;
        }
        String name = fileScalars.text(Mappings.value(keys, "graph"), "graph");
        if (name == null) {
            return;
        }
        String prefix = alias == null ? name : alias;
        if (alias == null && !validAlias(prefix, includeAt)) {
            return;
        }
        GraphDraft sub = draft.include(name, prefix, own, includeAt, aliasAt);
        if (sub == null) {
            return;
        }
        if (keys.containsKey("inputs")) {
            declarations(own, fileScalars, Mappings.value(keys, "inputs"), "inputs", sub);
        }
        if (keys.containsKey("outputs")) {
            declarations(own, fileScalars, Mappings.value(keys, "outputs"), "outputs", sub);
        }
        List<Link> longer = new ArrayList<>(chain);
        longer.add(new Link(real, read.name(), includeAt));
        Includes nested = new Includes(shared, List.copyOf(longer), own, fileScalars, fileMappings, sub);
        ConnectorNodes connectors = new ConnectorNodes(own, fileScalars, shared.bootstrap);
        new NodesReader(own, fileScalars, fileMappings, sub, shared.inputs, connectors)
                .including(nested)
                .read(Mappings.value(keys, "nodes"));
        new EdgesReader(own, fileScalars, fileMappings, sub).read(Mappings.value(keys, "edges"));
    }

    /**
     * {@code inputs:} or {@code outputs:}: a list of node ids, each named by itself, or a mapping of names to {@code
     * node} ({@code node.port} for an output). A name may also be a prefix the file includes: that sub-graph's only
     * input or output.
     */
    private static void declarations(Problems own, Scalars scalars, Node value, String section, GraphDraft sub) {
        Map<String, Node> named = new LinkedHashMap<>();
        Map<String, String> paths = new HashMap<>();
        if (value instanceof SequenceNode list) {
            for (int i = 0; i < list.getValue().size(); i++) {
                Node entry = list.getValue().get(i);
                String path = section + "[" + i + "]";
                String node = scalars.text(entry, path);
                if (node == null) {
                    continue;
                }
                if (node.contains(".")) {
                    own.add(
                            entry,
                            path,
                            "a port needs a name of its own: write " + section + " as a mapping, as in {name: " + node
                                    + "}");
                    continue;
                }
                if (named.putIfAbsent(node, entry) != null) {
                    own.add(entry, path, Problems.quote(node) + " is given twice; " + section + " must be unique");
                }
                paths.put(node, path);
            }
        } else if (value instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                String name = scalars.text(tuple.getKeyNode(), section);
                if (name != null) {
                    named.putIfAbsent(name, tuple.getValueNode());
                    paths.put(name, section + "." + name);
                }
            }
        } else {
            own.add(
                    value,
                    section,
                    "expected a list of node ids or a mapping of names to nodes but found " + YamlTree.kind(value));
            return;
        }
        named.forEach((name, node) -> {
            String path = paths.get(name);
            Location at = Location.of(node, path);
            String problem = Names.problem(name);
            if (problem != null) {
                own.add(at, "the name '" + name + "' " + problem + " (edges name it: prefix." + name + ")");
                return;
            }
            String text = scalars.text(node, path);
            if (text == null) {
                return;
            }
            String ref = text.trim();
            int dot = ref.indexOf('.');
            String port = dot < 0 ? Emitter.DEFAULT_PORT : ref.substring(dot + 1);
            String id = dot < 0 ? ref : ref.substring(0, dot);
            if (id.isEmpty() || port.isEmpty() || port.contains(".") || section.equals("inputs") && dot >= 0) {
                own.add(
                        at,
                        "expected " + (section.equals("inputs") ? "a node id" : "'node' or 'node.port'")
                                + " but found " + Problems.quote(text)
                                + (section.equals("inputs") && dot >= 0
                                        ? "; an input is a node, fed on its input"
                                        : ""));
                return;
            }
            if (section.equals("inputs")) {
                sub.input(name, id, at);
            } else {
                sub.output(name, id, port, at);
            }
        });
    }

    /** A file's name in problems: its path from the pipeline's directory, with forward slashes. */
    private String name(Path real) {
        try {
            return shared.directory.relativize(real).toString().replace('\\', '/');
        } catch (IllegalArgumentException e) {
            return real.toString();
        }
    }

    private static Path real(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file.toAbsolutePath().normalize();
        }
    }
}
