package io.sluice.examples;

import io.sluice.ComputationalGraph;
import io.sluice.Emitter;
import io.sluice.Node;
import io.sluice.Partitioning;
import io.sluice.Sinks;
import io.sluice.Sources;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Word count over a text file: lines → words → counts keyed by word → results.
 *
 * <pre>
 * lines ──► words ══keyed══► count (×parallelism) ──► counts
 * </pre>
 */
public final class WordCount {

    /** How often a word occurs. */
    public record Count(String word, long count) {}

    private WordCount() {}

    public static ComputationalGraph graph(Path text, int parallelism) {
        return ComputationalGraph.builder("wordcount")
                .start("lines", Sources.lines(text))
                .flatMap("words", WordCount::words)
                .node("count", CountWords::new)
                .parallelism(parallelism)
                .end("counts", Sinks.collect())
                .edge("lines -> words")
                .edge("words -> count", Partitioning.keyed((String word) -> word))
                .edge("count -> counts")
                .build();
    }

    /** The lower-cased words of a line: runs of letters, digits and apostrophes. */
    static List<String> words(String line) {
        return Arrays.stream(line.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+"))
                .map(w -> w.replaceAll("^'+|'+$", ""))
                .filter(w -> !w.isEmpty())
                .toList();
    }

    /** Splits a line into its lower-cased words; usable by name from YAML. */
    public static final class SplitWords implements Node<String, String> {
        @Override
        public void process(String line, Emitter<String> emitter) {
            words(line).forEach(emitter::emit);
        }
    }

    /** Counts the words of its key range; emits every count when the input ends. Usable by name from YAML. */
    public static final class CountWords implements Node<String, Count> {
        private final Map<String, Long> counts = new HashMap<>();

        @Override
        public void process(String word, Emitter<Count> emitter) {
            counts.merge(word, 1L, Long::sum);
        }

        @Override
        public void onComplete(Emitter<Count> emitter) {
            counts.forEach((word, count) -> emitter.emit(new Count(word, count)));
        }
    }

    /** The counts from the most frequent down, ties in alphabetical order. */
    public static List<Count> ranked(List<Count> counts) {
        return counts.stream()
                .sorted(Comparator.comparingLong(Count::count).reversed().thenComparing(Count::word))
                .toList();
    }
}
