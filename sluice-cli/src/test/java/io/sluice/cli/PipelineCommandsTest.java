package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** validate, run and graph on invalid pipelines, in this JVM: exit 1, one message with file and line, no stack trace. */
class PipelineCommandsTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final ByteArrayOutputStream stray = new ByteArrayOutputStream();

    private int sluice(String... args) {
        PrintStream systemErr = System.err;
        System.setErr(new PrintStream(stray, true, StandardCharsets.UTF_8));
        try {
            var commandLine = Main.commandLine();
            commandLine.setOut(new PrintWriter(out, true));
            commandLine.setErr(new PrintWriter(err, true));
            return commandLine.execute(args);
        } finally {
            System.setErr(systemErr);
        }
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void aValueTheCoreRefusesIsInvalidInputNotAUsageMistake() throws Exception {
        Path file = write("count.yaml", """
                graph: g
                nodes:
                  - id: numbers
                    source: generator
                    count: -1
                  - {id: out, sink: collect}
                edges: [numbers -> out]
                """);

        assertThat(sluice("validate", file.toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(sluice("run", file.toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(sluice("graph", file.toString())).isEqualTo(Main.EXIT_FAILED);

        assertThat(err.toString().lines().distinct())
                .containsExactly("sluice: count.yaml:5 nodes[0].count: expected a whole number ≥ 0 but found -1");
    }

    @Test
    void aStoreBackendsSettingsAreCheckedWhenThePipelineIsRead() throws Exception {
        Path file = write("stores.yaml", """
                graph: g
                nodes:
                  - {id: numbers, source: generator, count: 10}
                  - id: count
                    class: io.sluice.examples.WordCount$CountWords
                    stores:
                      - name: counts
                        backend: postgres
                        config: {url: "jdbc:postgresql://db:5432/state", tabel: counts}
                      - {name: totals, backend: redis, config: {uri: "http://cache:6379"}}
                      - {name: seen, backend: cassandra}
                  - {id: out, sink: collect}
                edges: [numbers -> count -> out]
                """);

        assertThat(sluice("validate", file.toString())).isEqualTo(Main.EXIT_FAILED);

        String problems = err.toString();
        assertThat(problems)
                .contains("stores.yaml:9 nodes[1].stores[0].config: ")
                .contains("'tabel'")
                .contains("did you mean 'table'?")
                .contains("stores.yaml:10 nodes[1].stores[1].config: ")
                .contains("stores.yaml:11 nodes[1].stores[2].backend: ")
                .contains("no backend named 'cassandra'")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void validateAndRunCheckTheInputFilesAlike() throws Exception {
        Path file = write("lines.yaml", """
                graph: g
                nodes:
                  - id: lines
                    source: lines
                    path: missing.txt
                  - {id: out, sink: collect}
                edges: [lines -> out]
                """);

        assertThat(sluice("validate", file.toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(sluice("run", file.toString())).isEqualTo(Main.EXIT_FAILED);

        assertThat(err.toString().lines().distinct())
                .containsExactly("sluice: lines.yaml:5 nodes[0].path: the input file " + dir.resolve("missing.txt")
                        + " does not exist");
        assertThat(stray.toString(StandardCharsets.UTF_8))
                .as("nothing logged by a deployment")
                .isEmpty();
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void parallelismThatWouldExhaustMemoryIsRefusedBeforeRunning() throws Exception {
        Path file = write("wide.yaml", """
                graph: g
                nodes:
                  - {id: numbers, source: generator, count: 3}
                  - id: out
                    sink: collect
                    parallelism: 2147483647
                edges: [numbers -> out]
                """);

        assertThat(sluice("run", file.toString())).isEqualTo(Main.EXIT_FAILED);

        assertThat(err.toString().strip())
                .isEqualTo("sluice: wide.yaml:6 nodes[1].parallelism: expected a whole number from 1 to 1024 but found"
                        + " 2147483647");
    }

    @Test
    void aFileOfManyProblemsPrintsAHundredAndCountsTheRest() throws Exception {
        StringBuilder text = new StringBuilder("graph: g\nnodes: []\nedges: []\n");
        for (int i = 0; i < 5_000; i++) {
            text.append("key").append(i).append(": 1\n");
        }
        Path file = write("many.yaml", text.toString());

        assertThat(sluice("validate", file.toString())).isEqualTo(Main.EXIT_FAILED);

        assertThat(err.toString())
                .startsWith("sluice: many.yaml: 5000 problems\n")
                .endsWith("  … and 4900 more (only the first 100 are listed)\n");
        assertThat(err.toString().lines()).hasSize(102);
    }
}
