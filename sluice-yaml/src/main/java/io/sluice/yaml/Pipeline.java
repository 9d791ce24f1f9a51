package io.sluice.yaml;

import io.sluice.ComputationalGraph;
import io.sluice.yaml.internal.PipelineReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A graph described in a YAML file, with how to run it. The format is in {@code docs/pipelines.md} and its JSON
 * Schema in {@code docs/pipeline.schema.json}:
 *
 * <pre>{@code
 * graph: wordcount
 * nodes:
 *   - id: lines
 *     source: lines
 *     path: words.txt
 *   - id: split
 *     class: com.example.SplitWords
 *     parallelism: 2
 *   - id: counts
 *     sink: collect
 * edges:
 *   - lines -> split
 *   - {from: split, to: counts, partitioning: keyed, key: item}
 * runtime:
 *   system: local
 * }</pre>
 *
 * <p>The spout/bolt {@code tasks:} form of the geniusrise design is read too; its edges follow from a task's
 * {@code destination} that another uses as its {@code source}.
 *
 * @param graph the validated graph
 * @param runtime how the file asks to run it
 * @param file where it was read from
 */
public record Pipeline(ComputationalGraph graph, Runtime runtime, Path file) {

    /**
     * The {@code runtime:} section.
     *
     * @param system {@code local} or {@code kafka}
     * @param mode LOCAL's {@code multi-thread} or {@code single-thread}
     * @param bootstrap for KAFKA, the cluster
     * @param guarantee for KAFKA, {@code at-least-once} or {@code exactly-once}
     */
    public record Runtime(String system, String mode, String bootstrap, String guarantee, Path checkpoints) {
        public static final Runtime DEFAULT = new Runtime("local", "multi-thread", null, "at-least-once", null);
    }

    /**
     * Reads and validates a pipeline file; relative paths in it are resolved against its directory.
     *
     * @throws PipelineException listing every problem with file, line and path
     */
    public static Pipeline load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new PipelineException(file.toString(), List.of(file + ": no such file"));
        } catch (IOException e) {
            throw new PipelineException(file.toString(), List.of(file + ": cannot be read: " + e.getMessage()));
        }
        Path directory = file.toAbsolutePath().getParent();
        return PipelineReader.read(file, text, directory);
    }
}
