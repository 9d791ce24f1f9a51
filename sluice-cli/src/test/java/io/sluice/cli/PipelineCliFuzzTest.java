package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.sluice.yaml.PipelineMutations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The malformed pipelines of {@link PipelineMutations} through the {@code sluice} command, in this JVM, as a user
 * meets them: {@code validate} exits 1 with the problems and no stack trace, and what {@code validate} accepts,
 * {@code run} does not refuse with a stack trace. The user's node classes of the examples are on the class path here,
 * so the mutants get further than in the library's own fuzz test.
 */
class PipelineCliFuzzTest {

    private static final int MUTANTS = 1_200;
    private static final long SEED = Long.getLong("fuzz.seed", 1818L);

    /** An exception's or error's name where only sentences should be. */
    private static final Pattern THROWABLE = Pattern.compile("\\b[A-Z][A-Za-z]*(Exception|Error)\\b");

    @TempDir
    Path dir;

    private record Outcome(int exit, String out, String err) {}

    @BeforeEach
    void dataFiles() throws Exception {
        dataFiles(dir);
    }

    private static void dataFiles(Path into) throws Exception {
        Files.copy(Path.of("../examples/two-cities.txt"), into.resolve("two-cities.txt"));
        for (String file : PipelineMutations.DATA_FILES) {
            Files.writeString(into.resolve(file), "a b\nc a\n");
        }
    }

    @Test
    void validateExitsOneWithTheProblemsAndNoStackTrace() throws Exception {
        List<PipelineMutations.Mutant> mutants = new ArrayList<>(
                PipelineMutations.generate(PipelineMutations.seeds(Path.of("../examples")), MUTANTS, SEED));
        mutants.addAll(PipelineMutations.extremes());
        int invalid = 0;
        for (PipelineMutations.Mutant mutant : mutants) {
            Path file = dir.resolve(mutant.name());
            Files.write(file, mutant.bytes());
            Outcome validate = sluice(mutant.how(), "validate", file.toString());
            if (validate.exit() == 0) {
                assertThat(validate.out()).as(mutant.how()).contains("valid graph");
            } else {
                invalid++;
                assertThat(validate.exit())
                        .as(mutant.how() + "\n" + validate.err())
                        .isEqualTo(Main.EXIT_FAILED);
                assertThat(validate.err())
                        .as(mutant.how())
                        .startsWith("sluice: " + mutant.name())
                        .doesNotContain("\tat ")
                        .doesNotContainPattern(THROWABLE)
                        .hasSizeLessThan(120_000);
            }
            Files.delete(file);
        }
        assertThat(invalid).isGreaterThan(mutants.size() / 2);
    }

    @Test
    void whatValidateAcceptsRunsWithoutAStackTrace() throws Exception {
        List<PipelineMutations.Mutant> mutants =
                PipelineMutations.generate(PipelineMutations.seeds(Path.of("../examples")), MUTANTS, SEED + 1);
        int ran = 0;
        int failedInNodes = 0;
        for (PipelineMutations.Mutant mutant : mutants) {
            String text = mutant.text();
            // Sources without end, and clusters and servers that are not there, are beside the point here.
            if (text.contains("stdin")
                    || text.contains("interval")
                    || text.contains("cron")
                    || text.contains("kafka")
                    || text.contains("s3://")
                    || text.contains("tcp://")
                    || text.contains("http://")
                    || text.contains("https://")) {
                continue;
            }
            // Each in a directory of its own: runs write outputs and checkpoints next to the file.
            Path home = Files.createDirectory(dir.resolve("run-" + mutant.name()));
            dataFiles(home);
            Path file = home.resolve(mutant.name());
            Files.write(file, mutant.bytes());
            if (sluice(mutant.how(), "validate", file.toString()).exit() != 0) {
                continue;
            }
            ran++;
            Outcome run = sluice(mutant.how(), "run", file.toString(), "--timeout", "PT20S", "--results", "1");
            assertThat(run.exit()).as(mutant.how() + "\n" + run.err()).isIn(0, Main.EXIT_FAILED);
            if (run.err().contains("\tat ")) {
                // A node that fails on an item of data, or in its author's code, is the runtime's to log with its
                // stack trace, for the node's author; a problem of the file or of its inputs never is.
                assertThat(run.err().startsWith("sluice: Node '") && run.err().contains("' failed on item ")
                                || run.err().contains("\tat io.sluice.examples."))
                        .as("%s: %s", mutant.how(), run.err())
                        .isTrue();
                failedInNodes++;
            }
        }
        assertThat(ran).as("mutants that validate accepts, and run").isGreaterThan(20);
        assertThat(failedInNodes).as("runs that failed in a node").isLessThan(ran);
    }

    /** Runs the command in this JVM, with its output and the JVM's standard streams captured. */
    private Outcome sluice(String how, String... args) {
        return assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> {
                    StringWriter out = new StringWriter();
                    StringWriter err = new StringWriter();
                    ByteArrayOutputStream stray = new ByteArrayOutputStream();
                    PrintStream systemOut = System.out;
                    PrintStream systemErr = System.err;
                    int exit;
                    try (PrintStream capture = new PrintStream(stray, true, StandardCharsets.UTF_8)) {
                        System.setOut(capture);
                        System.setErr(capture);
                        var commandLine = Main.commandLine();
                        commandLine.setOut(new PrintWriter(out, true));
                        commandLine.setErr(new PrintWriter(err, true));
                        exit = commandLine.execute(args);
                    } finally {
                        System.setOut(systemOut);
                        System.setErr(systemErr);
                    }
                    return new Outcome(exit, out.toString(), err + stray.toString(StandardCharsets.UTF_8));
                },
                () -> "hangs: sluice " + String.join(" ", args) + " (" + how + ")");
    }
}
