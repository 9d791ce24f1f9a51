package io.sluice.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed files give a PipelineException naming the file, each problem at a line, a bounded number of them — never
 * another exception, never a hang. Over a thousand mutants of the example and test pipelines, and the extremes that
 * once escaped (deep nesting, recursive aliases, long chains, huge files, files of a million problems), in one JVM.
 */
class PipelineFuzzTest {

    /** How many mutants; the command line's fuzz test runs as many again through {@code sluice validate}. */
    static final int MUTANTS = 1_200;

    private static final long SEED = Long.getLong("fuzz.seed", 18L);

    @TempDir
    Path dir;

    @Test
    void mutantsOfTheExamplesAndTestPipelinesFailCleanly() throws Exception {
        PipelineMutations.DATA_FILES.forEach(f -> write(dir.resolve(f), "a b\nc a\n"));
        List<PipelineMutations.Mutant> mutants =
                PipelineMutations.generate(PipelineMutations.seeds(Path.of("../examples")), MUTANTS, SEED);
        int refused = 0;
        for (PipelineMutations.Mutant mutant : mutants) {
            refused += loadsOrFailsCleanly(mutant) ? 0 : 1;
        }
        // Most mutants are broken; a fuzz test whose mutants all load tests nothing.
        assertThat(refused).isGreaterThan(MUTANTS / 2);
    }

    @Test
    void extremesFailCleanly() throws Exception {
        for (PipelineMutations.Mutant mutant : PipelineMutations.extremes()) {
            loadsOrFailsCleanly(mutant);
        }
    }

    @Property(tries = 400)
    void mutatedFilesFailCleanly(
            @ForAll @IntRange(min = 0, max = 1000) int position,
            @ForAll @IntRange(min = 0, max = 2) int operation,
            @ForAll @CharRange(from = ' ', to = '~') char inserted,
            @ForAll @IntRange(min = 1, max = 12) int length)
            throws Exception {
        String valid = PipelineMutations.TEST_PIPELINES.get(0).text();
        String mutated = mutate(valid, position % valid.length(), operation, inserted, length);
        Path file = Files.createTempFile("fuzz", ".yaml");
        try {
            Files.writeString(file, mutated);
            loadsOrFailsCleanly(file, mutated);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Returns whether it loaded; fails the test if loading threw anything but a well-formed PipelineException. */
    private boolean loadsOrFailsCleanly(PipelineMutations.Mutant mutant) throws Exception {
        Path file = dir.resolve(mutant.name());
        Files.write(file, mutant.bytes());
        try {
            return loadsOrFailsCleanly(file, mutant.how());
        } finally {
            Files.delete(file);
        }
    }

    static boolean loadsOrFailsCleanly(Path file, String how) {
        return assertTimeoutPreemptively(
                Duration.ofSeconds(10),
                () -> {
                    try {
                        Pipeline.load(file);
                        return true;
                    } catch (PipelineException e) {
                        assertWellFormed(e, file.getFileName().toString(), how);
                        return false;
                    } catch (Throwable e) {
                        return fail("%s escaped as %s: %s", how, e.getClass().getName(), e.getMessage(), e);
                    }
                },
                () -> "hangs: " + how);
    }

    /** Every problem starts with file:line, there are at most 100 listed, none longer than 1,000 characters. */
    static void assertWellFormed(PipelineException e, String file, String how) {
        Pattern located = Pattern.compile(Pattern.quote(file) + ":[0-9]+[ :].*", Pattern.DOTALL);
        assertThat(e.problems()).as(how).isNotEmpty().hasSizeLessThanOrEqualTo(100);
        for (String problem : e.problems()) {
            boolean fileLevel = problem.startsWith(file + ": the file is larger than 10 MB");
            assertThat(fileLevel || located.matcher(problem).matches())
                    .as("%s: not at a line: %s", how, problem)
                    .isTrue();
            assertThat(problem.length()).as(how).isLessThanOrEqualTo(1_000);
        }
        assertThat(e.getMessage()).as(how).startsWith(file).doesNotContain("\tat ");
    }

    private static String mutate(String valid, int at, int operation, char inserted, int length) {
        int end = Math.min(valid.length(), at + length);
        return switch (operation) {
            case 0 -> valid.substring(0, at) + valid.substring(end); // delete a run
            case 1 -> valid.substring(0, at) + String.valueOf(inserted).repeat(length) + valid.substring(at); // insert
            default -> valid.substring(0, at) + valid.substring(end) + valid.substring(at, end); // move a run
        };
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
