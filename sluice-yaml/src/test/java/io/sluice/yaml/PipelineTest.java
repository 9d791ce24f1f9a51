package io.sluice.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.DeadLetter;
import io.sluice.Deployment;
import io.sluice.Emitter;
import io.sluice.LocalOptions;
import io.sluice.Node;
import io.sluice.Robustness;
import io.sluice.SystemType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTest {

    @TempDir
    Path dir;

    /** A user's node, named by class in the YAML. */
    public static final class SplitWords implements Node<String, String> {
        private final String separator;

        public SplitWords(Map<String, Object> config) {
            this.separator = String.valueOf(config.getOrDefault("separator", " "));
        }

        @Override
        public void process(String line, Emitter<String> out) {
            for (String word : line.split(separator)) {
                if (!word.isBlank()) {
                    out.emit(word.toLowerCase(Locale.ROOT));
                }
            }
        }
    }

    public static final class Upper implements Node<String, String> {
        @Override
        public void process(String line, Emitter<String> out) {
            out.emit(line.toUpperCase(Locale.ROOT));
        }
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void yamlGraphRunsWithUserClassesBuiltInsAndKeyedEdges() throws Exception {
        write("words.txt", "the cat, the hat\nThe end\n");
        Path file = write("pipeline.yaml", """
                graph: wordcount
                nodes:
                  - id: lines
                    source: lines
                    path: words.txt
                  - id: split
                    class: io.sluice.yaml.PipelineTest$SplitWords
                    config:
                      separator: "[ ,]+"
                  - id: batches
                    use: chunk
                    key: item
                    parallelism: 2
                  - id: out
                    sink: collect
                edges:
                  - lines -> split
                  - {from: split, to: batches, partitioning: keyed, key: item}
                  - batches -> out
                runtime:
                  system: local
                  mode: single-thread
                """);

        Pipeline pipeline = Pipeline.load(file);

        assertThat(pipeline.runtime().mode()).isEqualTo("single-thread");
        try (Deployment deployment = pipeline.graph().deploySystem(SystemType.LOCAL)) {
            assertThat(deployment.awaitCompletion(Duration.ofSeconds(30))).isTrue();
            List<List<String>> chunks = deployment.results("out");
            Map<String, Integer> counts =
                    chunks.stream().flatMap(List::stream).collect(Collectors.toMap(w -> w, w -> 1, Integer::sum));
            assertThat(counts)
                    .containsOnly(Map.entry("the", 3), Map.entry("cat", 1), Map.entry("hat", 1), Map.entry("end", 1));
        }
    }

    /** Fails on lines that mention "poison". */
    public static final class Picky implements Node<String, String> {
        public Picky(Map<String, Object> config) {}

        @Override
        public void process(String line, Emitter<String> out) {
            if (line.contains("poison")) {
                throw new IllegalArgumentException("poisoned line");
            }
            out.emit(line);
        }
    }

    @Test
    void robustnessAndCheckpointsAreReadAndRun() throws Exception {
        write("in.txt", "a\npoison b\nc\n");
        Path file = write("pipeline.yaml", """
                graph: robust
                nodes:
                  - id: lines
                    source: lines
                    path: in.txt
                  - id: picky
                    class: io.sluice.yaml.PipelineTest$Picky
                  - id: out
                    sink: append-lines
                    path: out.txt
                  - id: dead
                    sink: collect
                edges:
                  - lines -> picky -> out
                robustness:
                  level: replay
                  attempts: 2
                  backoff: 1ms
                  dead-letter: dead
                  failures-kept: 10
                  nodes: {out: track}
                runtime:
                  checkpoints: state
                """);

        Pipeline pipeline = Pipeline.load(file);

        Robustness robustness = pipeline.graph().robustness();
        assertThat(robustness.level()).isEqualTo(Robustness.Level.REPLAY);
        assertThat(robustness.attempts()).isEqualTo(2);
        assertThat(robustness.backoff()).isEqualTo(Duration.ofMillis(1));
        assertThat(robustness.levelOf("out")).isEqualTo(Robustness.Level.TRACK);
        assertThat(pipeline.runtime().checkpoints()).isEqualTo(dir.resolve("state"));
        LocalOptions options =
                LocalOptions.defaults().withCheckpoints(pipeline.runtime().checkpoints());
        try (Deployment deployment = pipeline.graph().deploy(SystemType.LOCAL, options)) {
            assertThat(deployment.awaitCompletion(Duration.ofSeconds(30))).isTrue();
            List<DeadLetter> dead = deployment.results("dead");
            assertThat(dead).singleElement().satisfies(letter -> {
                assertThat(letter.item()).isEqualTo("poison b");
                assertThat(letter.attempts()).isEqualTo(2);
            });
        }
        assertThat(Files.readAllLines(dir.resolve("out.txt"))).containsExactly("a", "c");
        assertThat(Files.exists(dir.resolve("state/robust.checkpoint"))).isTrue();
    }

    @Test
    void robustnessMistakesAreReportedWithLineAndPath() throws Exception {
        Path file = write("pipeline.yaml", """
                graph: robust
                nodes:
                  - id: lines
                    source: lines
                    path: in.txt
                  - id: out
                    sink: collect
                edges:
                  - lines -> out
                robustness:
                  level: replai
                  attempts: 0
                  nodes: {out: never}
                  failures-kept: -1
                """);

        assertThatThrownBy(() -> Pipeline.load(file))
                .hasMessageContaining("pipeline.yaml:11 robustness.level: expected one of [none, confirm, track,"
                        + " replay] but found 'replai'; did you mean 'replay'?")
                .hasMessageContaining("pipeline.yaml:12 robustness.attempts: expected a whole number ≥ 1 but found 0")
                .hasMessageContaining("pipeline.yaml:13 robustness.nodes.out: expected one of [none, confirm, track,"
                        + " replay] but found 'never'")
                .hasMessageContaining(
                        "pipeline.yaml:14 robustness.failures-kept: expected a whole number ≥ 0 but found -1");
    }

    @Test
    void theKafkaRuntimeTakesItsTypesAndWhatToDoWithEarlierTopics() throws Exception {
        Path file = write("kafka.yaml", """
                graph: typed
                nodes:
                  - {id: numbers, source: generator, count: 3}
                  - {id: out, sink: collect}
                edges: [numbers -> out]
                runtime:
                  system: kafka
                  bootstrap: localhost:9092
                  on-existing: continue
                  types: [com.acme.Order, com.acme.Order$Line]
                  type-packages: [com.acme.model]
                """);

        Pipeline.Runtime runtime = Pipeline.load(file).runtime();

        assertThat(runtime.onExisting()).isEqualTo("continue");
        assertThat(runtime.types()).containsExactly("com.acme.Order", "com.acme.Order$Line");
        assertThat(runtime.typePackages()).containsExactly("com.acme.model");

        Path bad = write("bad.yaml", """
                graph: typed
                nodes:
                  - {id: numbers, source: generator, count: 3}
                  - {id: out, sink: collect}
                edges: [numbers -> out]
                runtime:
                  on-existing: resume
                  types: [com.acme.Order, "not a class"]
                """);
        assertThatThrownBy(() -> Pipeline.load(bad))
                .hasMessageContaining("bad.yaml:7 runtime.on-existing: expected one of [refuse, fresh, continue] but"
                        + " found 'resume'")
                .hasMessageContaining("bad.yaml:8 runtime.types[1]: expected a class name such as com.acme.Order but"
                        + " found 'not a class'");
    }

    @Test
    void aScheduleIsAFiveFieldCronExpressionCheckedAtItsLine() throws Exception {
        Path file = write("nightly.yaml", """
                graph: nightly
                nodes:
                  - {id: numbers, source: generator, count: 3}
                  - {id: out, sink: collect}
                edges: [numbers -> out]
                runtime:
                  schedule: "0 3 * * MON-FRI"
                """);

        assertThat(Pipeline.load(file).runtime().schedule()).isEqualTo("0 3 * * MON-FRI");
        assertThat(Pipeline.load(write("streaming.yaml", """
                        graph: streaming
                        nodes:
                          - {id: numbers, source: generator, count: 3}
                          - {id: out, sink: collect}
                        edges: [numbers -> out]
                        """)).runtime().schedule())
                .as("no schedule: a stream, deployed to run until stopped")
                .isNull();

        Path bad = write("bad-schedule.yaml", """
                graph: nightly
                nodes:
                  - {id: numbers, source: generator, count: 3}
                  - {id: out, sink: collect}
                edges: [numbers -> out]
                runtime:
                  system: local
                  schedule: "0 25 * * *"
                """);
        assertThatThrownBy(() -> Pipeline.load(bad))
                .hasMessageContaining("bad-schedule.yaml:8 runtime.schedule: cron expression '0 25 * * *', hour field:"
                        + " must be from 0 to 23, found 25");
        Path daily = write("daily.yaml", """
                graph: nightly
                nodes:
                  - {id: numbers, source: generator, count: 3}
                  - {id: out, sink: collect}
                edges: [numbers -> out]
                runtime: {schedule: "@daily"}
                """);
        assertThatThrownBy(() -> Pipeline.load(daily))
                .hasMessageContaining("daily.yaml:6 runtime.schedule: cron expression '@daily': expected 5 fields"
                        + " (minute hour day-of-month month day-of-week) but found 1");
    }

    /** Counts words in its store 'counts' and emits every count at the end. */
    public static final class Counter implements Node<String, String> {
        private io.sluice.KeyValueStore<String, Long> counts;

        @Override
        public void open(io.sluice.NodeContext context) {
            counts = context.store("counts");
        }

        @Override
        public void process(String word, Emitter<String> out) {
            counts.put(word, counts.getOrDefault(word, 0L) + 1);
        }

        @Override
        public void onComplete(Emitter<String> out) {
            counts.forEach((word, n) -> out.emit(word + "=" + n));
        }
    }

    @Test
    void maxParallelismGivesANodeRoomToBeRescaledAndIsCheckedAtItsLine() throws Exception {
        Path file = write("pipeline.yaml", """
                graph: roomy
                nodes:
                  - {id: numbers, source: generator, count: 10}
                  - id: count
                    class: io.sluice.yaml.PipelineTest$Counter
                    stores: [counts, totals]
                    parallelism: 2
                    max-parallelism: 8
                  - {id: out, sink: collect}
                edges:
                  - {from: numbers, to: count, partitioning: keyed, key: item}
                  - count -> out
                """);

        assertThat(Pipeline.load(file).graph().node("count").maxParallelism()).isEqualTo(8);
        assertThat(Pipeline.load(file).graph().node("out").maxParallelism()).isEqualTo(1);

        Path wrong = write("wrong.yaml", """
                graph: cramped
                nodes:
                  - {id: numbers, source: generator, count: 10, max-parallelism: 4}
                  - {id: out, sink: collect, parallelism: 3, max-parallelism: 2}
                edges:
                  - numbers -> out
                """);
        assertThatThrownBy(() -> Pipeline.load(wrong))
                .isInstanceOfSatisfying(PipelineException.class, e -> assertThat(e.problems())
                        .containsExactly(
                                "wrong.yaml:3 nodes[0].max-parallelism: Node 'numbers': a start node cannot be"
                                        + " rescaled, as its input is split per instance; set maxParallelism on the nodes"
                                        + " after it",
                                "wrong.yaml:4 nodes[1].max-parallelism: expected at least the node's parallelism 3 but"
                                        + " found 2"));
    }

    @Test
    void storesAreDeclaredByNameOrWithBackendAndRun() throws Exception {
        write("words.txt", "a b a c a\n");
        Path file = write("pipeline.yaml", """
                graph: counted
                nodes:
                  - id: lines
                    source: lines
                    path: words.txt
                  - id: split
                    class: io.sluice.yaml.PipelineTest$SplitWords
                  - id: count
                    class: io.sluice.yaml.PipelineTest$Counter
                    stores: [counts, {name: totals, backend: memory}]
                    parallelism: 2
                  - id: out
                    sink: collect
                edges:
                  - lines -> split
                  - {from: split, to: count, partitioning: keyed, key: item}
                  - count -> out
                """);

        Pipeline pipeline = Pipeline.load(file);

        assertThat(pipeline.graph().node("count").stores())
                .containsExactly(io.sluice.StoreSpec.memory("counts"), io.sluice.StoreSpec.memory("totals"));
        assertThat(pipeline.graph().node("count").parallelism()).isEqualTo(2);
        try (Deployment deployment = pipeline.graph().deploySystem(SystemType.LOCAL)) {
            assertThat(deployment.awaitCompletion(Duration.ofSeconds(30))).isTrue();
            assertThat(deployment.<String>results("out")).containsExactlyInAnyOrder("a=3", "b=1", "c=1");
            assertThat(deployment.store("count", "counts").<Long>get("a")).contains(3L);
        }
    }

    @Test
    void storeMistakesAreReportedWithLineAndPath() throws Exception {
        Path file = write("pipeline.yaml", """
                graph: stores
                nodes:
                  - id: lines
                    source: lines
                    path: in.txt
                    stores: [x]
                  - id: count
                    class: io.sluice.yaml.PipelineTest$Upper
                    stores:
                      - counts
                      - a.b
                      - counts
                      - [nested]
                      - {name: totals, backend: rocks}
                      - {name: sums, config: {size: 10}}
                      - {nmae: x}
                      - {name: deep, backend: memory, config: {size: [1]}}
                  - id: other
                    class: io.sluice.yaml.PipelineTest$Upper
                    stores: counts
                  - id: out
                    sink: collect
                edges:
                  - lines -> count -> out
                """);

        assertThatThrownBy(() -> Pipeline.load(file)).isInstanceOfSatisfying(PipelineException.class, e -> assertThat(
                        e.problems())
                .containsExactly(
                        "pipeline.yaml:6 nodes[0].stores: only a node of your own class (class:) opens stores;"
                                + " this node is 'source: lines'",
                        "pipeline.yaml:11 nodes[1].stores[1]: store name 'a.b' may hold only letters, digits,"
                                + " '_' and '-'; found '.' at index 1",
                        "pipeline.yaml:12 nodes[1].stores[2]: store 'counts' is declared twice (first at line 10);"
                                + " store names must be unique on a node",
                        "pipeline.yaml:13 nodes[1].stores[3]: expected a store name or {name, backend, config}"
                                + " but found a list",
                        "pipeline.yaml:14 nodes[1].stores[4].backend: Store 'totals' of node 'count': no"
                                + " backend named 'rocks'; backends on the class path: [memory]; add the module"
                                + " that brings it (sluice-state-rocks)",
                        "pipeline.yaml:15 nodes[1].stores[5].config: the memory backend takes no config, found"
                                + " [size]; name another backend or leave config out",
                        "pipeline.yaml:16 nodes[1].stores[6].nmae: unknown key 'nmae'; expected one of [name,"
                                + " backend, config]; did you mean 'name'?",
                        "pipeline.yaml:16 nodes[1].stores[6]: missing key 'name' (a store needs a name)",
                        "pipeline.yaml:17 nodes[1].stores[7].config.size: expected a text value but found a" + " list",
                        "pipeline.yaml:20 nodes[2].stores: expected a list of stores (names, or {name, backend,"
                                + " config}) but found 'counts'"));
    }

    @Test
    void everyProblemOfTheFileIsReportedWithLineAndPath() throws Exception {
        Path file = write("pipeline.yaml", """
                graph: broken
                nodes:
                  - id: lines
                    source: line
                    path: x.txt
                  - id: split
                    class: com.example.Missing
                  - id: out
                    sink: collect
                    parallelism: 0
                    paralelism: 2
                edges:
                  - lines -> out
                  - {from: lines, to: out, partitioning: keyd}
                """);

        assertThatThrownBy(() -> Pipeline.load(file))
                .isInstanceOfSatisfying(PipelineException.class, e -> assertThat(e.problems())
                        .containsExactly(
                                "pipeline.yaml:4 nodes[0].source: unknown source 'line'; expected one of [lines, collection,"
                                        + " generator, interval, cron, stdin, input] or a location such as s3://bucket/prefix or kafka://topic; did you mean 'lines'?",
                                "pipeline.yaml:7 nodes[1].class: class 'com.example.Missing' was not found on the class"
                                        + " path; check the name and that its jar is on the class path",
                                "pipeline.yaml:10 nodes[2].parallelism: expected a whole number from 1 to 1024 but found 0",
                                "pipeline.yaml:11 nodes[2].paralelism: unknown key 'paralelism'; expected one of [id, source,"
                                        + " sink, class, use, parallelism, max-parallelism, ports, config, stores, path, items,"
                                        + " count, period,"
                                        + " jitter,"
                                        + " expression, branches, field, key, time, from]; did you mean 'parallelism'?",
                                "pipeline.yaml:14 edges[1].partitioning: unknown partitioning 'keyd'; expected one of [forward,"
                                        + " round-robin, keyed, broadcast, global]; did you mean 'keyed'?"))
                .hasMessageStartingWith("pipeline.yaml: 5 problems\n  - pipeline.yaml:4 nodes[0].source");
    }

    @Test
    void graphProblemsPointAtTheLineOfTheNodeOrEdges() throws Exception {
        Path file = write("pipeline.yaml", """
                graph: g
                nodes:
                  - id: lines
                    source: collection
                    items: [a, b]
                  - id: dangling
                    use: merge
                  - id: out
                    sink: collect
                edges:
                  - lines -> out
                """);

        assertThatThrownBy(() -> Pipeline.load(file))
                .isInstanceOfSatisfying(PipelineException.class, e -> assertThat(e.problems())
                        .containsExactly(
                                "pipeline.yaml:6 nodes[1]: Node 'dangling' is not reachable from any start node, so it would"
                                        + " never get an item; add an edge to it from a node fed by a start node, or remove it",
                                "pipeline.yaml:6 nodes[1]: Node 'dangling' has no outbound edge, so its output goes nowhere;"
                                        + " add an edge from 'dangling' to another node, or make it an end node"));
        Path unknown = write("unknown.yaml", """
                graph: g
                nodes:
                  - {id: lines, source: stdin}
                  - {id: out, sink: collect}
                edges:
                  - lines -> out
                  - lines -> nowhere
                """);
        assertThatThrownBy(() -> Pipeline.load(unknown))
                .hasMessage("unknown.yaml:7 edges[1]: Edge 'lines' -> 'nowhere': node"
                        + " 'nowhere' is not defined; defined nodes: [lines, out]");
    }

    @Test
    void malformedYamlNamesTheLine() throws Exception {
        Path file = write("pipeline.yaml", "graph: g\nnodes:\n  - id: [unclosed\n");

        assertThatThrownBy(() -> Pipeline.load(file)).hasMessageStartingWith("pipeline.yaml:4: not valid YAML: ");
        assertThatThrownBy(() -> Pipeline.load(dir.resolve("none.yaml")))
                .hasMessageEndingWith("none.yaml: no such file");
        assertThatThrownBy(() -> Pipeline.load(write("list.yaml", "- a\n- b\n")))
                .hasMessage("list.yaml:1: expected a mapping with graph, nodes and edges but found a list");
    }

    @Test
    void geniusriseTasksBecomeAGraphWhoseEdgesFollowLocations() throws Exception {
        write("in.txt", "alpha\nbeta\n");
        Path file = write("tasks.yaml", """
                tasks:
                  - name: batch-spout
                    type: spout
                    config:
                      inputConfig: {type: batch, source: ./in.txt}
                      outputConfig: {type: batch, destination: data/raw}
                  - name: bolt
                    type: bolt
                    class: io.sluice.yaml.PipelineTest$Upper
                    config:
                      inputConfig: {type: batch, source: data/raw}
                      outputConfig: {type: batch, destination: ./results.txt}
                """);

        Pipeline pipeline = Pipeline.load(file);

        assertThat(pipeline.graph().edges())
                .extracting(Object::toString)
                .containsExactly("batch-spout -> bolt", "bolt -> bolt-out");
        try (Deployment deployment = pipeline.graph().deploySystem(SystemType.LOCAL)) {
            assertThat(deployment.awaitCompletion(Duration.ofSeconds(30))).isTrue();
        }
        assertThat(Files.readAllLines(dir.resolve("results.txt"))).containsExactly("ALPHA", "BETA");
    }

    @Test
    void tasksWithLocationsNoConnectorOnTheClassPathHandlesNameTheModuleToAdd() throws Exception {
        Path file = write("tasks.yaml", """
                tasks:
                  - name: spout
                    type: spout
                    config:
                      inputConfig: {type: streaming, source: kafka-topic-1}
                      outputConfig: {type: batch, destination: s3://my-bucket/data}
                """);

        assertThatThrownBy(() -> Pipeline.load(file))
                .isInstanceOfSatisfying(PipelineException.class, e -> assertThat(e.problems())
                        .containsExactly(
                                "tasks.yaml:5 tasks[0].config.inputConfig.source: no connector reads or writes"
                                        + " 'kafka://kafka-topic-1': nothing on the class path handles 'kafka://'; schemes"
                                        + " there are: [mem]; add the module that brings it (sluice-kafka)",
                                "tasks.yaml:6 tasks[0].config.outputConfig.destination: no connector reads or writes"
                                        + " 's3://my-bucket/data': nothing on the class path handles 's3://'; schemes there"
                                        + " are: [mem]; add the module that brings it (sluice-connectors-s3)"));
    }
}
