package io.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.Deployment;
import io.sluice.SystemType;
import io.sluice.examples.WordCount.Count;
import io.sluice.testkit.NodeTestDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WordCountTest {

    @TempDir
    Path dir;

    private static Map<String, Long> count(Path text, int parallelism) throws Exception {
        try (Deployment deployment = WordCount.graph(text, parallelism).deploySystem(SystemType.LOCAL)) {
            assertThat(deployment.awaitCompletion(Duration.ofSeconds(30))).isTrue();
            List<WordCount.Count> counts = deployment.results("counts");
            return counts.stream().collect(Collectors.toMap(WordCount.Count::word, WordCount.Count::count));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void countsEveryWordOfTheFile(int parallelism) throws Exception {
        Path text = dir.resolve("hat.txt");
        Files.writeString(text, "The cat and the hat.\nTHE END -- isn't it?\n\n  it's   the cat's\n");

        assertThat(count(text, parallelism))
                .containsOnly(
                        Map.entry("the", 4L),
                        Map.entry("cat", 1L),
                        Map.entry("and", 1L),
                        Map.entry("hat", 1L),
                        Map.entry("end", 1L),
                        Map.entry("isn't", 1L),
                        Map.entry("it", 1L),
                        Map.entry("it's", 1L),
                        Map.entry("cat's", 1L));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void bigTextCountsMatchAnIndependentTally(int parallelism) throws Exception {
        Path text = dir.resolve("big.txt");
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            content.append("alpha beta w").append(i % 500).append(i % 7 == 0 ? " gamma\n" : " ");
        }
        Files.writeString(text, content);

        Map<String, Long> counts = count(text, parallelism);

        assertThat(counts).containsEntry("alpha", 20_000L).containsEntry("beta", 20_000L);
        assertThat(counts.get("gamma")).isEqualTo(occurrences(content, "gamma"));
        assertThat(counts).hasSize(503);
        assertThat(counts.values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(3 * 20_000L + occurrences(content, "gamma"));
    }

    @org.junit.jupiter.api.Test
    void theCountsLiveInTheStoreCountsWhereTheDeploymentCanReadThem() throws Exception {
        Path text = dir.resolve("hat.txt");
        Files.writeString(text, "the cat and the hat\nthe end\n");

        try (Deployment deployment = WordCount.graph(text, 3).deploySystem(SystemType.LOCAL)) {
            assertThat(deployment.awaitCompletion(Duration.ofSeconds(30))).isTrue();
            io.sluice.StoreView counts = deployment.store("count", "counts");

            assertThat(counts.<Long>get("the")).contains(3L);
            Map<Object, Object> stored = counts.entries(100).entries().stream()
                    .collect(Collectors.toMap(io.sluice.StoreView.Entry::key, io.sluice.StoreView.Entry::value));
            List<WordCount.Count> emitted = deployment.results("counts");
            assertThat(stored)
                    .isEqualTo(
                            emitted.stream().collect(Collectors.toMap(WordCount.Count::word, WordCount.Count::count)));
        }
    }

    private static long occurrences(CharSequence text, String word) {
        Matcher m = Pattern.compile("\\b" + word + "\\b").matcher(text);
        long n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void theCountingNodeKeepsItsCountsInItsStoreAndEmitsThemAtTheEnd() {
        try (NodeTestDriver<String, Count> count =
                NodeTestDriver.of(WordCount.CountWords::new).stores("counts")) {
            count.process("to", "be", "or", "not", "to", "be");

            assertThat(count.emitted()).as("nothing before the input ends").isEmpty();
            assertThat(count.<String, Long>store("counts").get("to")).isEqualTo(2L);

            count.complete();
            assertThat(count.emitted())
                    .containsExactlyInAnyOrder(
                            new Count("to", 2), new Count("be", 2), new Count("or", 1), new Count("not", 1));
        }
    }
}
