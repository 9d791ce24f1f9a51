package io.sluice.yaml;

import io.sluice.ComputationalGraph;
import io.sluice.yaml.internal.PipelineReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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
 * @param inputs the files the graph's sources read, each with where the file names it
 */
public record Pipeline(ComputationalGraph graph, Runtime runtime, Path file, List<Input> inputs) {

    public Pipeline {
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(runtime, "runtime");
        inputs = List.copyOf(inputs);
    }

    /** A pipeline whose sources read no file, or whose inputs are not known. */
    public Pipeline(ComputationalGraph graph, Runtime runtime, Path file) {
        this(graph, runtime, file, List.of());
    }

    /**
     * The {@code runtime:} section.
     *
     * @param system {@code local} or {@code kafka}
     * @param mode LOCAL's {@code multi-thread}, {@code single-thread} or {@code multi-process} (a process per node)
     * @param bootstrap for KAFKA, the cluster
     * @param guarantee for KAFKA, {@code at-least-once} or {@code exactly-once}
     * @param checkpoints for LOCAL, where checkpoints are kept, or {@code null}
     * @param types classes a KAFKA deployment may move between nodes besides those always allowed ({@code types:})
     * @param typePackages packages whose classes it may move ({@code type-packages:})
     * @param onExisting what a KAFKA deployment does when the graph's topics exist: refuse, fresh or continue
     * @param schedule a five-field cron expression ({@code schedule:}, in UTC) when the pipeline is a batch to run on
     *     a schedule, else {@code null}: the generated manifests then start it at those times (a Kubernetes CronJob, an
     *     EventBridge rule), and {@code sluice run} runs it once
     */
    public record Runtime(
            String system,
            String mode,
            String bootstrap,
            String guarantee,
            Path checkpoints,
            List<String> types,
            List<String> typePackages,
            String onExisting,
            String schedule) {
        public static final Runtime DEFAULT =
                new Runtime("local", "multi-thread", null, "at-least-once", null, List.of(), List.of(), "refuse", null);

        public Runtime {
            types = List.copyOf(types);
            typePackages = List.copyOf(typePackages);
        }

        /** A runtime with no schedule. */
        public Runtime(
                String system,
                String mode,
                String bootstrap,
                String guarantee,
                Path checkpoints,
                List<String> types,
                List<String> typePackages,
                String onExisting) {
            this(system, mode, bootstrap, guarantee, checkpoints, types, typePackages, onExisting, null);
        }

        public Runtime(String system, String mode, String bootstrap, String guarantee, Path checkpoints) {
            this(system, mode, bootstrap, guarantee, checkpoints, List.of(), List.of(), "refuse", null);
        }

        /** This runtime with checkpoints in {@code directory}. */
        public Runtime withCheckpoints(Path directory) {
            return new Runtime(
                    system, mode, bootstrap, guarantee, directory, types, typePackages, onExisting, schedule);
        }
    }

    /**
     * A file a source of the graph reads.
     *
     * @param path the file, resolved against the pipeline file's directory
     * @param location where the pipeline names it: {@code file:line path}
     */
    public record Input(Path path, String location) {}

    /**
     * Reads and validates a pipeline file; relative paths in it are resolved against its directory. It does not
     * look at the files the sources read — they may live only where the source's worker runs; {@link #checkInputs()}
     * does, where they should be at hand.
     *
     * @throws PipelineException listing every problem with file, line and path; bounded, for files of any size
     */
    public static Pipeline load(Path file) {
        return PipelineReader.read(file);
    }

    /**
     * Checks that every file the sources read exists and can be read, as running the graph here will need.
     *
     * @return this pipeline
     * @throws PipelineException naming each input that cannot be read, at the line that names it
     */
    public Pipeline checkInputs() {
        List<String> problems = new ArrayList<>();
        for (Input input : inputs) {
            Path path = input.path().toAbsolutePath();
            String problem;
            if (Files.isDirectory(path)) {
                problem = "the input " + path + " is a directory; a lines source reads a file";
            } else if (!Files.exists(path)) {
                problem = "the input file " + path + " does not exist";
            } else if (!Files.isReadable(path)) {
                problem = "the input file " + path + " cannot be read (permission denied)";
            } else {
                continue;
            }
            problems.add(input.location() + ": " + problem);
        }
        if (!problems.isEmpty()) {
            String name = file == null || file.getFileName() == null
                    ? String.valueOf(file)
                    : file.getFileName().toString();
            throw new PipelineException(name, problems);
        }
        return this;
    }

    /** This pipeline with its checkpoints kept in {@code directory}, as {@code sluice run --checkpoints} asks. */
    public Pipeline withCheckpoints(Path directory) {
        Runtime r = runtime;
        return new Pipeline(graph, r.withCheckpoints(directory), file, inputs);
    }
}
