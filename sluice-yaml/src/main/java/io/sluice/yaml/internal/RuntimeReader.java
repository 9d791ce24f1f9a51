package io.sluice.yaml.internal;

import io.sluice.Sources;
import io.sluice.yaml.Pipeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** The {@code runtime:} section: where and how the pipeline asks to run. */
final class RuntimeReader {

    private static final String HOST_PORT = "([A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\]):[0-9]{1,5}";
    private static final Pattern BOOTSTRAP = Pattern.compile(HOST_PORT + "(," + HOST_PORT + ")*");
    private static final List<String> KEYS = List.of(
            "system",
            "mode",
            "bootstrap",
            "guarantee",
            "checkpoints",
            "types",
            "type-packages",
            "on-existing",
            "schedule");

    private final Problems problems;
    private final Scalars scalars;
    private final Mappings mappings;

    RuntimeReader(Problems problems, Scalars scalars, Mappings mappings) {
        this.problems = problems;
        this.scalars = scalars;
        this.mappings = mappings;
    }

    Pipeline.Runtime read(Node value) {
        if (!(value instanceof MappingNode mapping)) {
            problems.add(
                    value,
                    "runtime",
                    "expected a mapping (" + String.join(", ", KEYS) + ") but found " + YamlTree.kind(value));
            return Pipeline.Runtime.DEFAULT;
        }
        Map<String, NodeTuple> keys = mappings.keys(mapping, "runtime", KEYS);
        String system = choice(keys, "system", List.of("local", "kafka"), "local");
        String mode = choice(keys, "mode", List.of("multi-thread", "single-thread", "multi-process"), "multi-thread");
        String guarantee = choice(keys, "guarantee", List.of("at-least-once", "exactly-once"), "at-least-once");
        String bootstrap = keys.containsKey("bootstrap") ? bootstrap(Mappings.value(keys, "bootstrap")) : null;
        if ("kafka".equals(system) && !keys.containsKey("bootstrap")) {
            problems.add(mapping, "runtime", "system kafka needs bootstrap: host:port of the cluster");
        }
        Path checkpoints = keys.containsKey("checkpoints")
                ? scalars.path(Mappings.value(keys, "checkpoints"), "runtime.checkpoints")
                : null;
        List<String> types = names(keys, "types", JAVA_NAME, "a class name such as com.acme.Order");
        List<String> packages = names(keys, "type-packages", JAVA_NAME, "a package name such as com.acme.model");
        String onExisting = choice(keys, "on-existing", List.of("refuse", "fresh", "continue"), "refuse");
        String schedule = keys.containsKey("schedule") ? schedule(Mappings.value(keys, "schedule")) : null;
        return new Pipeline.Runtime(
                system == null ? "local" : system,
                mode == null ? "multi-thread" : mode,
                bootstrap,
                guarantee == null ? "at-least-once" : guarantee,
                checkpoints,
                types,
                packages,
                onExisting == null ? "refuse" : onExisting,
                schedule);
    }

    /**
     * A five-field cron expression, checked by the parser of core's cron source, so that a schedule reads as {@code
     * source: cron} does and its problems name the field at fault.
     */
    private String schedule(Node value) {
        String text = scalars.text(value, "runtime.schedule");
        if (text == null) {
            return null;
        }
        return problems.attempt(Location.of(value, "runtime.schedule"), () -> {
            Sources.cron(text);
            return text.trim();
        });
    }

    /** A Java class or package name: identifiers joined by dots ({@code $} for a nested class). */
    private static final Pattern JAVA_NAME =
            Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");

    /** A list of Java names under {@code key}, each checked; empty when the key is absent. */
    private List<String> names(Map<String, NodeTuple> keys, String key, Pattern shape, String expected) {
        if (!keys.containsKey(key)) {
            return List.of();
        }
        Node value = Mappings.value(keys, key);
        String path = "runtime." + key;
        if (!(value instanceof SequenceNode list)) {
            problems.add(value, path, "expected a list of names but found " + YamlTree.kind(value));
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < list.getValue().size(); i++) {
            Node item = list.getValue().get(i);
            String text = scalars.text(item, path + "[" + i + "]");
            if (text == null) {
                continue;
            }
            if (!shape.matcher(text).matches()) {
                problems.add(item, path + "[" + i + "]", "expected " + expected + " but found " + Problems.quote(text));
                continue;
            }
            names.add(text);
        }
        return names;
    }

    /** {@code host:port[,host:port…]}, as Kafka clients take it. */
    private String bootstrap(Node value) {
        String text = scalars.text(value, "runtime.bootstrap");
        if (text != null && !BOOTSTRAP.matcher(text).matches()) {
            problems.add(
                    value, "runtime.bootstrap", "expected host:port[,host:port…] but found " + Problems.quote(text));
            return null;
        }
        return text;
    }

    private String choice(Map<String, NodeTuple> keys, String key, List<String> allowed, String otherwise) {
        return keys.containsKey(key) ? scalars.oneOf(Mappings.value(keys, key), "runtime." + key, allowed) : otherwise;
    }
}
