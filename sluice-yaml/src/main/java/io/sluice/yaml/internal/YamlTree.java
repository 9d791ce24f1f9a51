package io.sluice.yaml.internal;

import io.sluice.yaml.PipelineException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Parses a pipeline's text into SnakeYAML Engine's node tree, which keeps the line of every value, within the bounds
 * of {@link Limits}. SnakeYAML Engine composes recursively and has no nesting limit of its own, and lets an alias
 * refer to the collection it is in; so the events are counted on their way from the parser to the composer, and a file
 * nested too deep or aliased into itself is refused there, before the composer's stack grows. Duplicate keys, which
 * the composer keeps, are reported afterwards, every mapping of the file included. The count of values bounds the
 * tree's memory.
 */
final class YamlTree {

    private YamlTree() {}

    /**
     * Returns the document's root, or empty for an empty file.
     *
     * @throws PipelineException when the text is not YAML or breaks a limit, at its line
     */
    static Optional<Node> compose(String text, String file) {
        checkCharacters(text, file);
        LoadSettings settings = LoadSettings.builder()
                .setLabel(file)
                .setMaxAliasesForCollections(Limits.COLLECTION_ALIASES)
                .setCodePointLimit(Limits.FILE_BYTES)
                .setAllowRecursiveKeys(false)
                .build();
        Guard guard = new Guard(new ParserImpl(settings, new StreamReader(settings, text)));
        try {
            return new Composer(settings, guard).getSingleNode();
        } catch (Refused e) {
            throw Problems.single(file, file + ":" + e.line + ": " + e.getMessage());
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark()
                    .or(e::getContextMark)
                    .map(m -> m.getLine() + 1)
                    .orElse(guard.line);
            String problem = e.getProblem() == null ? e.getContext() : e.getProblem();
            throw Problems.single(file, file + ":" + line + ": not valid YAML: " + problem);
        } catch (YamlEngineException e) {
            throw Problems.single(file, file + ":" + guard.line + ": not valid YAML: " + e.getMessage());
        }
    }

    /** Characters YAML does not allow (NUL and other controls), with their line and column, in words. */
    private static void checkCharacters(String text, String file) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (c == '\n') {
                line++;
                column = 0;
            } else if (!StreamReader.isPrintable(c)) {
                throw Problems.single(
                        file,
                        file + ":" + line + ": the character U+" + String.format("%04X", c) + " at column " + column
                                + " is not allowed in YAML; write it escaped in double quotes (\"\\x"
                                + String.format("%02X", c & 0xFF) + "\") if you mean it");
            }
            column++;
            i += Character.charCount(c);
        }
    }

    /**
     * Reports every key given twice in one mapping — {@code duplicate key 'x' (first at line N)} — wherever the
     * mapping is: a node, its config, a store's settings. Walks with its own stack and visits an aliased node once.
     */
    static void checkDuplicateKeys(Node root, Problems problems) {
        record At(Node node, String path) {}
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<At> work = new ArrayDeque<>();
        work.push(new At(root, ""));
        while (!work.isEmpty()) {
            At at = work.pop();
            if (!seen.add(at.node())) {
                continue;
            }
            if (at.node() instanceof SequenceNode list) {
                for (int i = list.getValue().size() - 1; i >= 0; i--) {
                    work.push(new At(list.getValue().get(i), at.path() + "[" + i + "]"));
                }
            } else if (at.node() instanceof MappingNode mapping) {
                Map<String, Integer> first = new HashMap<>();
                List<At> values = new ArrayList<>();
                for (NodeTuple tuple : mapping.getValue()) {
                    if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                        continue;
                    }
                    String path = at.path().isEmpty() ? key.getValue() : at.path() + "." + key.getValue();
                    Integer line = first.putIfAbsent(key.getValue(), Location.line(key));
                    int firstLine = line == null ? 0 : line;
                    if (line != null) {
                        problems.add(
                                key,
                                path,
                                () -> "duplicate key " + Problems.quote(key.getValue()) + " (first at line " + firstLine
                                        + "); a key may be given once in a mapping");
                    } else {
                        values.add(new At(tuple.getValueNode(), path));
                    }
                }
                for (int i = values.size() - 1; i >= 0; i--) {
                    work.push(values.get(i));
                }
            }
        }
    }

    /** How a value is described in a problem: its kind, or a scalar's text. */
    static String kind(Node value) {
        return switch (value.getNodeType()) {
            case MAPPING -> "a mapping";
            case SEQUENCE -> "a list";
            case SCALAR -> {
                String text = ((ScalarNode) value).getValue();
                yield text.isEmpty() ? "nothing" : Problems.quote(text);
            }
            default -> "an anchor";
        };
    }

    /** A limit broken, at a line. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int line;

        Refused(int line, String message) {
            super(message, null, false, false);
            this.line = line;
        }
    }

    /**
     * Passes the parser's events on to the composer, counting how deep collections nest and which anchored
     * collections are still open, and refusing a file that nests too deep or aliases a collection inside itself.
     */
    private static final class Guard implements Parser {
        private final Parser parser;
        private final Deque<Optional<Anchor>> open = new ArrayDeque<>();
        private final Map<Anchor, Integer> openAnchors = new HashMap<>();
        private final Set<Anchor> collectionAnchors = new HashSet<>();
        private int line = 1;
        private int values;
        private int collectionAliases;

        Guard(Parser parser) {
            this.parser = parser;
        }

        @Override
        public boolean checkEvent(Event.ID id) {
            return parser.checkEvent(id);
        }

        @Override
        public Event peekEvent() {
            return parser.peekEvent();
        }

        @Override
        public boolean hasNext() {
            return parser.hasNext();
        }

        @Override
        public Event next() {
            Event event = parser.next();
            line = event.getStartMark().map(Mark::getLine).map(l -> l + 1).orElse(line);
            if (event instanceof NodeEvent && ++values > Limits.VALUES) {
                throw new Refused(
                        line,
                        "the file holds more than " + Limits.VALUES + " values (scalars, lists and mappings), the most"
                                + " a pipeline file may hold");
            }
            if (event instanceof CollectionStartEvent start) {
                if (open.size() >= Limits.NESTING_DEPTH) {
                    throw new Refused(
                            line,
                            "lists and mappings nest deeper than " + Limits.NESTING_DEPTH
                                    + " levels, the most a pipeline file may nest");
                }
                open.push(start.getAnchor());
                start.getAnchor().ifPresent(a -> {
                    openAnchors.putIfAbsent(a, line);
                    collectionAnchors.add(a);
                });
            } else if (event.getEventId() == Event.ID.SequenceEnd || event.getEventId() == Event.ID.MappingEnd) {
                open.pop().ifPresent(a -> {
                    if (!open.contains(Optional.of(a))) {
                        openAnchors.remove(a);
                    }
                });
            } else if (event instanceof AliasEvent alias) {
                alias(alias.getAlias());
            } else if (event instanceof NodeEvent scalar) {
                scalar.getAnchor().ifPresent(collectionAnchors::remove);
            }
            return event;
        }

        private void alias(Anchor anchor) {
            String name = anchor.getValue();
            if (openAnchors.containsKey(anchor)) {
                throw new Refused(
                        line,
                        "the alias *" + name + " refers to the list or mapping it is part of (&" + name + " at line "
                                + openAnchors.get(anchor) + "); a value cannot contain itself");
            }
            if (collectionAnchors.contains(anchor) && ++collectionAliases > Limits.COLLECTION_ALIASES) {
                throw new Refused(
                        line,
                        "the file uses more than " + Limits.COLLECTION_ALIASES + " aliases of lists or mappings (*"
                                + name + " is one more), the most a pipeline file may use");
            }
        }
    }
}
