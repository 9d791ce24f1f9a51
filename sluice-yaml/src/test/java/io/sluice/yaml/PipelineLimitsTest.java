package io.sluice.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test for each way a malformed pipeline once escaped the reader — a stack trace, an exception of the core API,
 * a line that pointed elsewhere, output without end — with the exact problem it is now.
 */
class PipelineLimitsTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    /** A chain of {@code n} nodes: a generator, n - 1 merges, and a collecting end. */
    private static String chain(int n) {
        StringBuilder text = new StringBuilder("graph: g\nnodes:\n  - {id: n0, source: generator, count: 3}\n");
        for (int i = 1; i < n; i++) {
            text.append("  - {id: n").append(i).append(", use: merge}\n");
        }
        text.append("  - {id: out, sink: collect}\nedges:\n");
        for (int i = 0; i < n - 1; i++) {
            text.append("  - n").append(i).append(" -> n").append(i + 1).append('\n');
        }
        return text.append("  - n").append(n - 1).append(" -> out\n").toString();
    }

    private static PipelineException refused(Path file) {
        try {
            Pipeline.load(file);
        } catch (PipelineException e) {
            return e;
        }
        throw new AssertionError(file + " loaded");
    }

    @Test
    void recursiveAliasesAreRefusedAtTheirLine() throws Exception {
        Path config = write("config.yaml", """
                graph: g
                nodes:
                  - id: a
                    class: io.sluice.yaml.PipelineTest$SplitWords
                    config: &c {separator: " ", again: *c}
                  - {id: out, sink: collect}
                edges: [a -> out]
                """);
        Path items = write("items.yaml", """
                graph: g
                nodes:
                  - id: a
                    source: collection
                    items: &i
                      - 1
                      - [2, *i]
                """);

        assertThat(refused(config).problems())
                .containsExactly("config.yaml:5: the alias *c refers to the list or mapping it is part of (&c at line"
                        + " 5); a value cannot contain itself");
        assertThat(refused(items).problems())
                .containsExactly("items.yaml:7: the alias *i refers to the list or mapping it is part of (&i at line"
                        + " 5); a value cannot contain itself");
    }

    @Test
    void nestingDeeperThanFiftyLevelsIsRefusedAtItsLine() throws Exception {
        Path file = write("deep.yaml", "graph: g\nnodes:\n  - " + "[".repeat(2_000) + "]".repeat(2_000) + "\n");

        assertThat(refused(file).problems())
                .containsExactly("deep.yaml:3: lists and mappings nest deeper than 50 levels, the most a pipeline"
                        + " file may nest");
    }

    @Test
    void aliasesOfCollectionsAreCounted() throws Exception {
        StringBuilder text = new StringBuilder("graph: g\nbase: &b [1, 2]\nnodes:\n");
        for (int i = 0; i < 11; i++) {
            text.append("  - *b\n");
        }
        Path file = write("aliases.yaml", text.toString());

        assertThat(refused(file).problems())
                .containsExactly("aliases.yaml:14: the file uses more than 10 aliases of lists or mappings (*b is one"
                        + " more), the most a pipeline file may use");
    }

    @Test
    void chainsOfThousandsOfNodesAreReadWithoutRecursion() throws Exception {
        Path chain = write("chain.yaml", chain(3_000));
        Path cycle = write("cycle.yaml", chain(499).replace("  - n498 -> out", "  - n498 -> n1\n  - n498 -> out"));

        assertThat(refused(chain).problems())
                .containsExactly("chain.yaml:503 nodes[500]: a pipeline may define at most 500 nodes, found 3001; split"
                        + " it into several graphs");
        assertThat(refused(cycle).problems())
                .singleElement()
                .asString()
                .startsWith("cycle.yaml:1002 edges[498]: Cycle n1 -> n2 -> n3 -> ")
                .hasSizeLessThanOrEqualTo(1_000);
    }

    @Test
    void valuesTheCoreWouldRefuseAreProblemsAtTheirKeys() throws Exception {
        Path file = write("values.yaml", """
                graph: g
                nodes:
                  - id: numbers
                    source: generator
                    count: -1
                  - id: many
                    source: generator
                    count: 99999999999999999999
                  - id: ticks
                    source: interval
                    period: 0s
                    jitter: PT-1S
                  - id: later
                    source: interval
                    period: 99999999999999999999h
                  - id: much-later
                    source: interval
                    period: PT9999999999999H
                  - id: pairs
                    use: chunk
                    count: 0
                  - id: seconds
                    use: chunk
                    time: 0ms
                  - {id: out, sink: collect}
                edges: [numbers -> pairs -> seconds -> out, many -> out, ticks -> out, later -> out, much-later -> out]
                robustness:
                  level: replay
                  backoff: -5s
                  attempts: 0
                """);

        assertThat(refused(file).problems())
                .containsExactly(
                        "values.yaml:5 nodes[0].count: expected a whole number ≥ 0 but found -1",
                        "values.yaml:8 nodes[1].count: expected a whole number ≥ 0 but found 99999999999999999999",
                        "values.yaml:11 nodes[2].period: expected a duration greater than zero but found '0s'",
                        "values.yaml:12 nodes[2].jitter: expected a duration of zero or more but found 'PT-1S'",
                        "values.yaml:15 nodes[3].period: expected a duration of at most 2562047h (about 292 years)"
                                + " but found '99999999999999999999h'",
                        "values.yaml:18 nodes[4].period: expected a duration of at most 2562047h (about 292 years)"
                                + " but found 'PT9999999999999H'",
                        "values.yaml:21 nodes[5].count: expected a whole number ≥ 1 but found 0",
                        "values.yaml:24 nodes[6].time: expected a duration greater than zero but found '0ms'",
                        "values.yaml:29 robustness.backoff: expected a duration such as 250ms, 2s, 5m or PT2S but"
                                + " found '-5s'",
                        "values.yaml:30 robustness.attempts: expected a whole number ≥ 1 but found 0");
    }

    @Test
    void anEmptyOrListRobustnessLevelIsAProblem() throws Exception {
        String graph = "graph: g\nnodes: [{id: a, source: stdin}, {id: out, sink: collect}]\nedges: [a -> out]\n";
        Path empty = write("empty.yaml", graph + "robustness:\n  level:\n");
        Path list = write("list.yaml", graph + "robustness:\n  level: [replay]\n");

        assertThat(refused(empty).problems())
                .containsExactly("empty.yaml:5 robustness.level: expected a text value but found nothing");
        assertThat(refused(list).problems())
                .containsExactly("list.yaml:5 robustness.level: expected a text value but found a list");
    }

    @Test
    void wholeNumbersInConfigMustFitInSixtyFourBits() throws Exception {
        Path file = write("config.yaml", """
                graph: g
                nodes:
                  - id: a
                    source: collection
                    items: [1, 12345678901234567890123]
                  - {id: out, sink: collect}
                edges: [a -> out]
                """);

        assertThat(refused(file).problems())
                .containsExactly("config.yaml:5 nodes[0].items[1]: the number '12345678901234567890123' does not fit in"
                        + " 64 bits; quote it to pass it as text");
    }

    @Test
    void controlCharactersInPathsAreProblemsNotExceptions() throws Exception {
        Path escaped = write("escaped.yaml", """
                graph: g
                nodes:
                  - id: a
                    source: lines
                    path: "in\\0.txt"
                  - {id: out, sink: collect}
                edges: [a -> out]
                """);
        Path raw = write("raw.yaml", "graph: g\nnodes:\n  - id: a\n    source: lines\n    path: in\u0000.txt\n");

        assertThat(refused(escaped).problems())
                .containsExactly("escaped.yaml:5 nodes[0].path: expected a file path but found 'in\\u0000.txt': Nul"
                        + " character not allowed");
        assertThat(refused(raw).problems())
                .containsExactly("raw.yaml:5: the character U+0000 at column 13 is not allowed in YAML; write it"
                        + " escaped in double quotes (\"\\x00\") if you mean it");
    }

    @Test
    void aTaskNameMustBeANodeId() throws Exception {
        Path file = write("tasks.yaml", """
                tasks:
                  - name: read.all
                    type: spout
                    config:
                      inputConfig: {type: batch, source: ./in.txt}
                      outputConfig: {type: batch, destination: ./out.txt}
                """);

        assertThat(refused(file).problems())
                .containsExactly("tasks.yaml:2 tasks[0].name: task name 'read.all' may hold only letters, digits, '_'"
                        + " and '-'; found '.' at index 4 (it becomes a node id)");
    }

    @Test
    void parallelismIsAtMost1024AndOneForSourcesOfOneResource() throws Exception {
        Path file = write("parallel.yaml", """
                graph: g
                nodes:
                  - id: lines
                    source: lines
                    path: in.txt
                    parallelism: 2
                  - id: out
                    sink: collect
                    parallelism: 2147483647
                edges: [lines -> out]
                """);

        assertThat(refused(file).problems())
                .containsExactly(
                        "parallel.yaml:6 nodes[0].parallelism: 'source: lines' reads or writes one shared resource and"
                                + " runs with parallelism 1, found 2; raise the parallelism of the nodes downstream"
                                + " instead",
                        "parallel.yaml:9 nodes[1].parallelism: expected a whole number from 1 to 1024 but found"
                                + " 2147483647");
    }

    @Test
    void inputFilesAreCheckedAtTheLineThatNamesThem() throws Exception {
        Files.createDirectory(dir.resolve("folder"));
        Path file = write("inputs.yaml", """
                graph: g
                nodes:
                  - {id: a, source: lines, path: missing.txt}
                  - {id: b, source: lines, path: folder}
                  - {id: out, sink: collect}
                edges: [a -> out, b -> out]
                """);

        Pipeline pipeline = Pipeline.load(file);

        assertThat(pipeline.inputs())
                .extracting(Pipeline.Input::location)
                .containsExactly("inputs.yaml:3 nodes[0].path", "inputs.yaml:4 nodes[1].path");
        assertThatThrownBy(pipeline::checkInputs).isInstanceOfSatisfying(PipelineException.class, e -> assertThat(
                        e.problems())
                .containsExactly(
                        "inputs.yaml:3 nodes[0].path: the input file " + dir.resolve("missing.txt") + " does not exist",
                        "inputs.yaml:4 nodes[1].path: the input " + dir.resolve("folder")
                                + " is a directory; a lines source reads a file"));
    }

    @Test
    void problemsAreListedUpToAHundredAndTheRestCounted() throws Exception {
        StringBuilder text = new StringBuilder("graph: g\nnodes: []\nedges: []\n");
        for (int i = 0; i < 40_000; i++) {
            text.append("key").append(i).append(": 1\n");
        }
        Path file = write("many.yaml", text.toString());

        PipelineException e = refused(file);

        assertThat(e.problems())
                .hasSize(100)
                .first()
                .isEqualTo("many.yaml:4 key0: unknown key 'key0'; expected one"
                        + " of [graph, nodes, edges, robustness, runtime, tasks, inputs, outputs]");
        assertThat(e.omitted()).isEqualTo(39_900);
        assertThat(e.getMessage())
                .startsWith("many.yaml: 40000 problems\n  - many.yaml:4 key0: ")
                .endsWith("\n  … and 39900 more (only the first 100 are listed)")
                .hasSizeLessThan(20_000);
    }

    @Test
    void filesAreReadUpToTenMegabytesAndAHundredThousandValues() throws Exception {
        Path huge = dir.resolve("huge.yaml");
        Files.write(huge, "#".repeat(10 * 1024 * 1024 + 1).getBytes(StandardCharsets.US_ASCII));
        StringBuilder values = new StringBuilder("graph: g\nnodes: [");
        for (int i = 0; i < 100_000; i++) {
            values.append(i).append(", ");
        }
        Path many = write("values.yaml", values.append("]\n").toString());

        assertThat(refused(huge).problems())
                .containsExactly("huge.yaml: the file is larger than 10 MB, the most a pipeline file may hold; a"
                        + " pipeline describes a graph, its data belongs in files its sources read");
        assertThat(refused(many).problems())
                .containsExactly("values.yaml:2: the file holds more than 100000 values (scalars, lists and"
                        + " mappings), the most a pipeline file may hold");
    }

    @Test
    void aFileThatIsNotUtf8NamesTheByteAndItsLine() throws Exception {
        Path file = dir.resolve("latin.yaml");
        Files.write(file, "graph: g\n# caf\u00e9\nnodes: []\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThat(refused(file).problems())
                .containsExactly("latin.yaml:2: the byte 0xE9 at offset 14 is not UTF-8; pipeline files must be UTF-8"
                        + " text (save it as UTF-8)");
    }

    @Test
    void aDuplicateKeyNamesTheLineOfTheFirst() throws Exception {
        Path file = write("duplicate.yaml", """
                graph: g
                nodes:
                  - id: numbers
                    source: generator
                    count: 3
                    count: 4
                  - id: out
                    class: io.sluice.yaml.PipelineTest$SplitWords
                    config: {separator: " ", separator: ","}
                edges: [numbers -> out]
                """);

        assertThat(refused(file).problems())
                .containsExactly(
                        "duplicate.yaml:6 nodes[0].count: duplicate key 'count' (first at line 5); a key may be given"
                                + " once in a mapping",
                        "duplicate.yaml:9 nodes[1].config.separator: duplicate key 'separator' (first at line 9); a key"
                                + " may be given once in a mapping");
    }

    @Test
    void routeBranchesMustBeUnique() throws Exception {
        Path file = write("route.yaml", """
                graph: g
                nodes:
                  - {id: numbers, source: generator, count: 3}
                  - id: split
                    use: route
                    branches:
                      - left
                      - right
                      - left
                  - {id: left, sink: collect}
                  - {id: right, sink: collect}
                edges: [numbers -> split, split.left -> left, split.right -> right]
                """);

        assertThat(refused(file).problems())
                .containsExactly("route.yaml:9 nodes[1].branches[2]: 'left' is given twice (first at line 7); branches"
                        + " must be unique");
    }

    @Test
    void aMissingClassIsNamedWithADidYouMeanAndNeverTheClassPath() throws Exception {
        Path file = write("classes.yaml", """
                graph: g
                nodes:
                  - {id: a, class: io.sluice.yaml.PipelineTest$Uper}
                  - {id: b, class: io.sluice.yaml.PipelineTst}
                  - {id: c, class: colect}
                  - {id: d, class: merge}
                  - {id: e, class: com.example.Missing}
                edges: []
                """);

        assertThat(refused(file).problems())
                .containsExactly(
                        "classes.yaml:3 nodes[0].class: class 'io.sluice.yaml.PipelineTest$Uper' was not found on the"
                                + " class path; did you mean 'io.sluice.yaml.PipelineTest$Upper'?",
                        "classes.yaml:4 nodes[1].class: class 'io.sluice.yaml.PipelineTst' was not found on the class"
                                + " path; did you mean 'io.sluice.yaml.PipelineTest'?",
                        "classes.yaml:5 nodes[2].class: class 'colect' was not found on the class path; did you mean"
                                + " 'sink: collect'?",
                        "classes.yaml:6 nodes[3].class: class 'merge' was not found on the class path; 'merge' is"
                                + " built in: write 'use: merge' instead of class",
                        "classes.yaml:7 nodes[4].class: class 'com.example.Missing' was not found on the class path;"
                                + " check the name and that its jar is on the class path");
    }

    @Test
    void problemsPointAtTheLineOfTheOffendingKey() throws Exception {
        Path tasks = write("tasks.yaml", """
                tasks:
                  - name: spout
                    type: spout
                    config:
                      inputConfig:
                        type: batch
                        source: kafka-topic-1
                """);
        Path edges = write("edges.yaml", """
                graph: g
                nodes:
                  - {id: a, source: stdin}
                  - {id: b, sink: collect}
                edges:
                  - from: a
                    to: b.port
                  - from: a
                    partitioning: keyed
                    to: b
                  - from: a
                    to: b
                    key: item
                robustness:
                  dead-letter: b
                """);

        assertThat(refused(tasks).problems())
                .containsExactly("tasks.yaml:7 tasks[0].config.inputConfig.source: location 'kafka-topic-1' is neither"
                        + " a file path nor a location with a scheme; for a Kafka topic set type: streaming or write"
                        + " kafka://kafka-topic-1, for a file in this directory write ./kafka-topic-1");
        assertThat(refused(edges).problems())
                .containsExactly(
                        "edges.yaml:7 edges[0].to: expected a node id but found 'b.port'; a port belongs to the"
                                + " upstream end of an edge (from: node.port)",
                        "edges.yaml:9 edges[1].partitioning: a keyed edge needs key: the field to key by ('item' for"
                                + " the item itself)",
                        "edges.yaml:13 edges[2].key: key applies to a keyed edge only; add partitioning: keyed, or"
                                + " remove key");
    }

    @Test
    void graphProblemsPointAtTheRobustnessKeyThatCausedThem() throws Exception {
        Path file = write("robust.yaml", """
                graph: g
                nodes:
                  - {id: a, source: stdin}
                  - {id: b, sink: collect}
                edges: [a -> b]
                robustness:
                  level: track
                  dead-letter: b
                  nodes:
                    ghost: track
                """);

        assertThat(refused(file).problems())
                .containsExactly(
                        "robust.yaml:8 robustness.dead-letter: Robustness: the dead-letter node 'b' must have no"
                                + " inbound edge, since it receives only the items given up; remove the edges into it",
                        "robust.yaml:8 robustness.dead-letter: Robustness: the dead-letter node 'b' would never get an"
                                + " item, since no node replays; use Robustness.replay(attempts) or give a node the"
                                + " level REPLAY",
                        "robust.yaml:10 robustness.nodes.ghost: Robustness: node 'ghost' has a level of its own but"
                                + " is not defined; defined nodes: [a, b]");
    }
}
