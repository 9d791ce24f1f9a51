package io.sluice.yaml;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Malformed pipeline files made from valid ones, as an outside tester makes them: lines deleted, duplicated, swapped
 * or shifted; scalars replaced by hostile values (negative, zero, huge, 20 digits, NUL, durations that overflow,
 * aliases); bytes that are not UTF-8; deep nesting, recursive aliases and long chains. Deterministic for a seed, so a
 * failing case can be made again; shared by the library's fuzz test and the command line's (a test jar).
 */
public final class PipelineMutations {

    /** One generated file: its name, its bytes, and how it was made. */
    public record Mutant(String name, byte[] bytes, String how) {
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** A valid pipeline to start from. */
    public record Seed(String name, String text) {}

    /** The data files the seeds read, relative to where the mutants are written. */
    public static final List<String> DATA_FILES = List.of("in.txt", "words.txt");

    /** Values that broke the reader once, or should not. */
    public static final List<String> HOSTILE = List.of(
            "-1",
            "0",
            "-0",
            "1",
            "2147483647",
            "2147483648",
            "-2147483649",
            "9223372036854775807",
            "99999999999999999999",
            "-99999999999999999999",
            "1_000",
            "1e400",
            "1" + "0".repeat(400) + ".5",
            "\"a\\0b\"",
            "\"\\x00\"",
            "\"\\u202Eevil\"",
            "''",
            "\"   \"",
            "~",
            "null",
            "[]",
            "{}",
            "[~]",
            "[a, a]",
            "[x, x, y]",
            "{a: 1, a: 2}",
            "a.b",
            "a.b.c",
            "a -> b",
            "'a -> '",
            "' -> b'",
            "0s",
            "0ms",
            "PT0S",
            "PT-1S",
            "-5s",
            "99999999999999999999h",
            "2562048h",
            "9999999999999h",
            "PT99999999999999999999H",
            "5",
            "5 parsecs",
            "*nowhere",
            "&a [*a]",
            "&b {x: *b}",
            "!!binary aGVsbG8=",
            "!!java.io.File /tmp",
            "true",
            "1.5",
            "stdout",
            "merge",
            "colect",
            "io.sluice.examples.RevenueSplit$Aggregatr",
            "io.sluice.examples.WordCountt",
            "java.lang.String",
            "java.lang.Runnable",
            "io.sluice.Node",
            "[Ljava.lang.String;",
            "missing-file.txt",
            "/",
            "file://",
            "s3://bucket/key",
            "kafka:9092",
            "host",
            "'" + "x".repeat(5_000) + "'",
            "ünïcödé-ñame",
            "[" + "[".repeat(60) + "]".repeat(60) + "]");

    private PipelineMutations() {}

    /** The example pipelines of the repository, and the pipelines of the tests, every section and kind among them. */
    public static List<Seed> seeds(Path examples) {
        List<Seed> seeds = new ArrayList<>();
        try (Stream<Path> files = Files.list(examples)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                seeds.add(new Seed(file.getFileName().toString(), Files.readString(file)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        seeds.addAll(TEST_PIPELINES);
        return seeds;
    }

    /** {@code count} mutants of the seeds, the same ones for the same {@code seed}. */
    public static List<Mutant> generate(List<Seed> seeds, int count, long seed) {
        Random random = new Random(seed);
        List<Mutant> mutants = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Seed from = seeds.get(random.nextInt(seeds.size()));
            byte[] bytes = from.text().getBytes(StandardCharsets.UTF_8);
            StringBuilder how = new StringBuilder(from.name());
            int mutations = 1 + (random.nextInt(4) == 0 ? 1 + random.nextInt(2) : 0);
            for (int m = 0; m < mutations; m++) {
                bytes = mutate(bytes, random, how);
            }
            mutants.add(new Mutant("mutant-" + i + ".yaml", bytes, how.toString()));
        }
        return mutants;
    }

    /** Files that broke the reader in one blow each: deep, recursive, long, huge, full of problems. */
    public static List<Mutant> extremes() {
        List<Mutant> extremes = new ArrayList<>();
        extremes.add(text("deep-nesting", "graph: g\nnodes: " + "[".repeat(2_000) + "]".repeat(2_000) + "\n"));
        extremes.add(
                text("deep-mappings", "graph: g\nnodes: " + "{a: ".repeat(2_000) + "1" + "}".repeat(2_000) + "\n"));
        extremes.add(text("recursive-config", """
                graph: g
                nodes:
                  - id: a
                    class: io.sluice.examples.RevenueSplit$PaymentSource
                    config: &c {count: 1, again: *c}
                  - {id: out, sink: collect}
                edges: [a -> out]
                """));
        extremes.add(text("recursive-items", """
                graph: g
                nodes:
                  - id: a
                    source: collection
                    items: &i [1, *i]
                  - {id: out, sink: collect}
                edges: [a -> out]
                """));
        extremes.add(text("alias-bomb", """
                graph: g
                x0: &x0 [a, a, a, a, a, a, a, a, a, a]
                x1: &x1 [*x0, *x0, *x0, *x0, *x0, *x0, *x0, *x0, *x0, *x0]
                x2: &x2 [*x1, *x1, *x1, *x1, *x1, *x1, *x1, *x1, *x1, *x1]
                x3: &x3 [*x2, *x2, *x2, *x2, *x2, *x2, *x2, *x2, *x2, *x2]
                nodes: []
                edges: []
                """));
        extremes.add(text("long-chain", chain(3_000)));
        extremes.add(text("long-cycle", chain(400).replace("  - n399 -> out", "  - n399 -> n1\n  - n399 -> out")));
        StringBuilder many = new StringBuilder("graph: g\nnodes: []\nedges: []\n");
        for (int i = 0; i < 40_000; i++) {
            many.append("key").append(i).append(": 1\n");
        }
        extremes.add(text("many-problems", many.toString()));
        StringBuilder values = new StringBuilder("graph: g\nnodes:\n");
        while (values.length() < 3 * 1024 * 1024) {
            values.append("  - {id: n").append(values.length()).append(", sink: colect, prallelism: 0}\n");
        }
        extremes.add(text("many-values", values.append("edges: []\n").toString()));
        StringBuilder wide =
                new StringBuilder("graph: g\nnodes:\n  - {id: n, source: stdin}\n  - {id: out, sink: collect}\n");
        wide.append("edges:\n  - n -> out\n");
        for (int i = 0; i < 30_000; i++) {
            wide.append("  - n -> missing").append(i).append('\n');
        }
        extremes.add(text("many-graph-problems", wide.toString()));
        byte[] huge = new byte[10 * 1024 * 1024 + 10];
        java.util.Arrays.fill(huge, (byte) '#');
        extremes.add(new Mutant("huge.yaml", huge, "huge"));
        extremes.add(new Mutant(
                "latin-1.yaml", "graph: caf\u00e9\nnodes: []\n".getBytes(StandardCharsets.ISO_8859_1), "latin-1"));
        extremes.add(text("empty", ""));
        extremes.add(text("comments-only", "# nothing here\n"));
        return extremes;
    }

    /** A chain of {@code n} nodes: a generator, n - 1 merges, and a collecting end. */
    public static String chain(int n) {
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

    private static Mutant text(String name, String text) {
        return new Mutant(name + ".yaml", text.getBytes(StandardCharsets.UTF_8), name);
    }

    private static byte[] mutate(byte[] bytes, Random random, StringBuilder how) {
        int operation = random.nextInt(10);
        if (operation == 9) {
            return corruptBytes(bytes, random, how);
        }
        List<String> lines = new ArrayList<>(List.of(new String(bytes, StandardCharsets.UTF_8).split("\n", -1)));
        if (lines.size() < 2) {
            lines.add("");
        }
        int at = random.nextInt(lines.size());
        switch (operation) {
            case 0 -> {
                how.append(" / delete line ").append(at + 1);
                lines.remove(at);
            }
            case 1 -> {
                how.append(" / duplicate line ").append(at + 1);
                lines.add(at, lines.get(at));
            }
            case 2 -> {
                int other = random.nextInt(lines.size());
                how.append(" / swap lines ").append(at + 1).append(" and ").append(other + 1);
                String line = lines.get(at);
                lines.set(at, lines.get(other));
                lines.set(other, line);
            }
            case 3 -> {
                how.append(" / shift line ").append(at + 1);
                String line = lines.get(at);
                lines.set(at, random.nextBoolean() ? "  " + line : line.replaceFirst("^  ", ""));
            }
            case 4 -> {
                how.append(" / truncate at line ").append(at + 1);
                lines = new ArrayList<>(lines.subList(0, at));
            }
            case 5 -> {
                String block = BLOCKS.get(random.nextInt(BLOCKS.size()));
                String indent =
                        lines.get(at).replaceFirst("^(\\s*(- )?).*$", "$1").replace("-", " ");
                how.append(" / insert at line ").append(at + 1).append(": ").append(cut(block));
                lines.add(at, indent + block);
            }
            default -> {
                // Replace the value of a "key: value" or "- value" line with a hostile value, most of the time.
                for (int tries = 0; tries < 20; tries++) {
                    int line = random.nextInt(lines.size());
                    String text = lines.get(line);
                    int colon = text.indexOf(": ");
                    int dash = text.indexOf("- ");
                    int cut = colon >= 0
                            ? colon + 2
                            : dash >= 0 && text.substring(0, dash).isBlank() ? dash + 2 : -1;
                    if (cut < 0) {
                        continue;
                    }
                    String value = HOSTILE.get(random.nextInt(HOSTILE.size()));
                    how.append(" / line ").append(line + 1).append(" value ").append(cut(value));
                    lines.set(line, text.substring(0, cut) + value);
                    break;
                }
            }
        }
        return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
    }

    /** Blocks inserted whole, indented as the line they go before. */
    private static final List<String> BLOCKS = List.of(
            "config: &r {a: *r}",
            "items: &s [1, [2, *s]]",
            "config: " + "[".repeat(1_000) + "]".repeat(1_000),
            "parallelism: 2147483647",
            "parallelism: 1025",
            "parallelism: 2",
            "count: -5",
            "count: 0",
            "period: 0s",
            "jitter: PT-1S",
            "time: 0ms",
            "backoff: PT-1S",
            "level: []",
            "level: ",
            "id: a.b",
            "name: a.b",
            "branches: [x, x]",
            "path: missing.txt",
            "key: item",
            "stores: [s, s]",
            "dead-letter: nowhere",
            "nodes: {ghost: track}",
            "bootstrap: not a host",
            "- {id: extra, use: merge}",
            "- extra -> extra",
            "- {from: a.b.c, to: d.e}",
            "? [complex, key]\n: value",
            "--- \nsecond: document",
            "%YAML 1.1",
            "!!map {a: 1}",
            "\"unterminated");

    private static byte[] corruptBytes(byte[] bytes, Random random, StringBuilder how) {
        byte[][] bad = {
            {(byte) 0xFF},
            {(byte) 0xC3},
            {(byte) 0xE2, (byte) 0x82},
            {0},
            {7},
            {0x1B},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}
        };
        byte[] insert = bad[random.nextInt(bad.length)];
        int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
        how.append(" / bytes ")
                .append(java.util.HexFormat.of().formatHex(insert))
                .append(" at ")
                .append(at);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + insert.length);
        out.write(bytes, 0, at);
        out.writeBytes(insert);
        out.write(bytes, at, bytes.length - at);
        return out.toByteArray();
    }

    private static String cut(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }

    /** The pipelines of the tests, so that every section and every kind is mutated. */
    static final List<Seed> TEST_PIPELINES = List.of(
            new Seed("collection-route.yaml", """
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
                    """),
            new Seed("robust.yaml", """
                    graph: robust
                    nodes:
                      - id: lines
                        source: lines
                        path: in.txt
                      - id: numbers
                        source: generator
                        count: 5
                      - id: both
                        use: merge
                      - id: chunks
                        use: chunk
                        count: 2
                      - id: out
                        sink: append-lines
                        path: out/out.txt
                      - id: dead
                        sink: collect
                    edges:
                      - lines -> both
                      - numbers -> both
                      - both -> chunks -> out
                    robustness:
                      level: replay
                      attempts: 2
                      backoff: 1ms
                      dead-letter: dead
                      failures-kept: 10
                      nodes: {out: track}
                    runtime:
                      mode: single-thread
                      checkpoints: state
                    """),
            new Seed("timed.yaml", """
                    graph: timed
                    nodes:
                      - id: ticks
                        source: interval
                        period: 10ms
                        jitter: 5ms
                      - id: crons
                        source: cron
                        expression: "*/5 * * * *"
                      - id: all
                        use: merge
                      - id: seconds
                        use: chunk
                        time: 1s
                      - id: fan
                        use: broadcast
                      - id: out
                        sink: stdout
                      - id: kept
                        sink: collect
                    edges:
                      - ticks -> all
                      - crons -> all
                      - all -> seconds -> fan -> out
                      - {from: fan, to: kept, partitioning: round-robin}
                    """),
            new Seed("stores.yaml", """
                    graph: stored
                    nodes:
                      - id: words
                        source: lines
                        path: words.txt
                      - id: count
                        class: io.sluice.examples.WordCount$CountWords
                        stores: [counts, {name: totals, backend: memory}]
                        parallelism: 2
                      - id: byKey
                        use: chunk
                        key: word
                      - id: out
                        sink: lines
                        path: out/counts.txt
                    edges:
                      - {from: words, to: count, partitioning: keyed, key: item}
                      - {from: count, to: byKey, partitioning: global}
                      - byKey -> out
                    runtime:
                      system: local
                      mode: multi-thread
                      guarantee: at-least-once
                    """),
            new Seed("kafka.yaml", """
                    graph: remote
                    nodes:
                      - {id: numbers, source: generator, count: 10}
                      - {id: out, sink: discard}
                    edges:
                      - {from: numbers, to: out, partitioning: broadcast}
                    runtime:
                      system: kafka
                      bootstrap: localhost:9092
                      guarantee: exactly-once
                    """),
            new Seed("tasks.yaml", """
                    tasks:
                      - name: batch-spout
                        type: spout
                        config:
                          inputConfig: {type: batch, source: ./in.txt}
                          outputConfig: {type: batch, destination: data/raw}
                      - name: bolt
                        type: bolt
                        class: io.sluice.examples.WordCount$SplitWords
                        config:
                          inputConfig: {type: streaming, source: data/raw}
                          outputConfig: {type: batch, destination: out/results.txt}
                    """));
}
