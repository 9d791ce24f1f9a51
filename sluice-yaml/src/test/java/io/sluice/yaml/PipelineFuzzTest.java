package io.sluice.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;

/** Malformed files give a PipelineException naming the file — never another exception, never a hang. */
class PipelineFuzzTest {

    private static final String VALID = """
            graph: fuzz
            nodes:
              - id: lines
                source: collection
                items: [1, 2, {a: 3}]
              - id: route
                use: route
                branches: [x, y]
              - id: x
                sink: collect
              - id: y
                sink: discard
                parallelism: 2
            edges:
              - lines -> route
              - {from: route.x, to: x, partitioning: keyed, key: item}
              - route.y -> y
            runtime: {system: local, mode: single-thread}
            """;

    @Property(tries = 400)
    void mutatedFilesFailCleanly(
            @ForAll @IntRange(min = 0, max = 1000) int position,
            @ForAll @IntRange(min = 0, max = 2) int operation,
            @ForAll @CharRange(from = ' ', to = '~') char inserted,
            @ForAll @IntRange(min = 1, max = 12) int length)
            throws Exception {
        String mutated = mutate(position % VALID.length(), operation, inserted, length);
        Path file = Files.createTempFile("fuzz", ".yaml");
        Files.writeString(file, mutated);
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                try {
                    Pipeline.load(file);
                } catch (PipelineException e) {
                    assertThat(e.getMessage()).startsWith(file.getFileName().toString());
                    assertThat(e.problems()).isNotEmpty();
                }
            });
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static String mutate(int at, int operation, char inserted, int length) {
        int end = Math.min(VALID.length(), at + length);
        return switch (operation) {
            case 0 -> VALID.substring(0, at) + VALID.substring(end); // delete a run
            case 1 -> VALID.substring(0, at) + String.valueOf(inserted).repeat(length) + VALID.substring(at); // insert
            default -> VALID.substring(0, at) + VALID.substring(end) + VALID.substring(at, end); // move a run
        };
    }
}
