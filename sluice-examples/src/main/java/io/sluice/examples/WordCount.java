package io.sluice.examples;

import io.sluice.ComputationalGraph;
import io.sluice.Emitter;
import io.sluice.Flow;
import io.sluice.KeyValueStore;
import io.sluice.Node;
import io.sluice.NodeContext;
import io.sluice.Sinks;
import io.sluice.Sources;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Word count over a text file: lines → words → counts keyed by word → results.
 *
 * <pre>
 * lines ──► words ══keyed══► count (×parallelism, store 'counts') ──► counts
 * </pre>
 */
public final class WordCount {

    /** How often a word occurs. */
    public record Count(String word, long count) {}

    private WordCount() {}

    public static ComputationalGraph graph(Path text, int parallelism) {
        Flow flow = Flow.named("wordcount");
        flow.read("lines", Sources.lines(text))
                .flatMap("words", WordCount::words)
                .keyBy(word -> word)
                .then("count", CountWords::new)
                .stores("counts")
                .parallelism(parallelism)
                .to("counts", Sinks.collect());
        return flow.build();
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

    /**
     * Counts the words of its key range in the store {@code counts}, which the node declares (so a restarted worker
     * gets its counts back and a deployment can be asked for them while it runs); emits every count when the input
     * ends. Usable by name from YAML, with {@code stores: [counts]}.
     */
    public static final class CountWords implements Node<String, Count> {
        private KeyValueStore<String, Long> counts;

        @Override
        public void open(NodeContext context) {
            counts = context.store("counts");
        }

        @Override
        public void process(String word, Emitter<Count> emitter) {
            counts.put(word, counts.getOrDefault(word, 0L) + 1);
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
