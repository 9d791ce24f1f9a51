package io.sluice.yaml.internal;

import io.sluice.Robustness;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/** The {@code robustness:} section: the graph's level, its replay settings, and levels of single nodes. */
final class RobustnessReader {

    static final List<String> LEVELS = List.of("none", "confirm", "track", "replay");
    private static final List<String> KEYS =
            List.of("level", "attempts", "backoff", "dead-letter", "failures-kept", "nodes");

    private final Problems problems;
    private final Scalars scalars;
    private final Mappings mappings;
    private final GraphDraft draft;

    RobustnessReader(Problems problems, Scalars scalars, Mappings mappings, GraphDraft draft) {
        this.problems = problems;
        this.scalars = scalars;
        this.mappings = mappings;
        this.draft = draft;
    }

    void read(Node value) {
        if (!(value instanceof MappingNode mapping)) {
            problems.add(
                    value,
                    "robustness",
                    "expected a mapping (level, attempts, backoff, dead-letter, failures-kept, nodes) but found "
                            + YamlTree.kind(value));
            return;
        }
        Map<String, NodeTuple> keys = mappings.keys(mapping, "robustness", KEYS);
        // A wrong value is reported and left at its default, so that the other keys' problems are reported too.
        Robustness robustness = Robustness.none();
        if (keys.containsKey("level")) {
            String level = scalars.oneOf(Mappings.value(keys, "level"), "robustness.level", LEVELS);
            if (level != null) {
                robustness = Robustness.of(level(level));
            }
        }
        if (keys.containsKey("attempts")) {
            Integer attempts =
                    scalars.integer(Mappings.value(keys, "attempts"), "robustness.attempts", 1, Integer.MAX_VALUE);
            robustness =
                    attempts == null ? robustness : set(robustness, keys, "attempts", r -> r.withAttempts(attempts));
        }
        if (keys.containsKey("backoff")) {
            Duration backoff = scalars.duration(Mappings.value(keys, "backoff"), "robustness.backoff", true);
            robustness = backoff == null ? robustness : set(robustness, keys, "backoff", r -> r.withBackoff(backoff));
        }
        if (keys.containsKey("dead-letter")) {
            String node = scalars.text(Mappings.value(keys, "dead-letter"), "robustness.dead-letter");
            draft.deadLetter(Location.of(Mappings.value(keys, "dead-letter"), "robustness.dead-letter"));
            robustness = node == null ? robustness : set(robustness, keys, "dead-letter", r -> r.withDeadLetter(node));
        }
        if (keys.containsKey("failures-kept")) {
            Integer kept = scalars.integer(
                    Mappings.value(keys, "failures-kept"), "robustness.failures-kept", 0, Integer.MAX_VALUE);
            robustness =
                    kept == null ? robustness : set(robustness, keys, "failures-kept", r -> r.withFailuresKept(kept));
        }
        if (keys.containsKey("nodes")) {
            robustness = nodes(robustness, Mappings.value(keys, "nodes"));
        }
        draft.robustness(robustness, Location.of(mapping, "robustness"));
    }

    private Robustness nodes(Robustness robustness, Node value) {
        if (!(value instanceof MappingNode levels)) {
            problems.add(
                    value,
                    "robustness.nodes",
                    "expected a mapping of node id to level " + LEVELS + " but found " + YamlTree.kind(value));
            return robustness;
        }
        Robustness result = robustness;
        for (NodeTuple tuple : levels.getValue()) {
            String node = scalars.text(tuple.getKeyNode(), "robustness.nodes");
            if (node == null) {
                continue;
            }
            String path = "robustness.nodes." + node;
            String level = scalars.oneOf(tuple.getValueNode(), path, LEVELS);
            if (level != null) {
                Location where = Location.of(tuple.getKeyNode(), path);
                draft.level(node, where);
                Robustness before = result;
                Robustness after = problems.attempt(where, () -> before.withNode(node, level(level)));
                result = after == null ? result : after;
            }
        }
        return result;
    }

    /** A setting changed by a core method, whose refusal is reported at the key's line. */
    private Robustness set(
            Robustness robustness,
            Map<String, NodeTuple> keys,
            String key,
            java.util.function.UnaryOperator<Robustness> change) {
        Robustness changed = problems.attempt(
                Location.of(Mappings.value(keys, key), "robustness." + key), () -> change.apply(robustness));
        return changed == null ? robustness : changed;
    }

    private static Robustness.Level level(String name) {
        return Robustness.Level.valueOf(name.toUpperCase(Locale.ROOT));
    }
}
