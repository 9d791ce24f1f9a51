package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int sluice(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void exampleWithoutANameListsTheExamples() {
        assertThat(sluice("example")).isZero();
        assertThat(out.toString()).contains("wordcount", "revenue", "airports");
    }

    @Test
    void wordcountRunsOnAGivenFile() throws Exception {
        Path text = dir.resolve("t.txt");
        Files.writeString(text, "b a b\nc b a\n");

        assertThat(sluice("example", "wordcount", "--input", text.toString(), "--output", dir.toString()))
                .isZero();

        assertThat(out.toString())
                .containsPattern("b\\s+3\\n\\s+a\\s+2\\n\\s+c\\s+1\\n")
                .contains("COMPLETED");
    }

    @Test
    void unknownExampleIsAUsageErrorWithOneClearLine() {
        assertThat(sluice("example", "nope", "--output", dir.toString())).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString().strip())
                .isEqualTo("sluice: Example 'nope' does not exist; examples: [wordcount, revenue, airports]");
    }

    @Test
    void missingInputFileFailsWithTheFileNamed() {
        Path missing = dir.resolve("missing.txt");
        assertThat(sluice("example", "wordcount", "--input", missing.toString(), "--output", dir.toString()))
                .isEqualTo(Main.EXIT_FAILED);
        assertThat(err.toString().strip())
                .isEqualTo("sluice: Node 'lines' failed to open: UncheckedIOException: cannot read '" + missing
                        + "': no such file");
    }

    @Test
    void completionScriptCoversTheCommands() {
        assertThat(sluice("completion")).isZero();
        assertThat(out.toString()).contains("complete -F _complete_sluice", "validate", "deploy", "generate", "worker");
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertThat(sluice("example", "--nope")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).contains("Unknown option: '--nope'");
    }
}
