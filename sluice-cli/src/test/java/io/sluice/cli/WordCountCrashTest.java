package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.testkit.KafkaBroker;
import io.sluice.testkit.WorkerLogs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The word count example as a user deploys it — {@code sluice deploy examples/wordcount.yaml}, one process per node,
 * exactly-once — with its stateful {@code count} worker killed with SIGKILL mid-run, once its store's changelog
 * holds a count of every word: the counts must equal those of {@code sluice run} on the same file. Power check: with
 * the store's restore skipped ({@code sluice.kafka.fault=skip-store-restore}, given to the workers through {@code
 * JAVA_TOOL_OPTIONS}, which they inherit), the same kill leaves the counts wrong.
 */
@Tag("slow")
class WordCountCrashTest {

    private static final Pattern COUNT = Pattern.compile("Count\\[word=(.*), count=(\\d+)]");
    private static final int COPIES = 5_000; // the example's text this many times: about a million words
    private static final int WORDS = 86; // distinct words in the example's text

    @TempDir
    Path dir;

    @Test
    void deployedWithExactlyOnceAndItsCountWorkerKilledItCountsAsRunDoes() throws Exception {
        Path pipeline = pipeline();

        assertThat(deployAndKillCount(pipeline, "")).isEqualTo(runLocally(pipeline));
    }

    @Test
    void withTheStoreNotRestoredTheSameKillLeavesTheCountsWrong() throws Exception {
        Path pipeline = pipeline();

        assertThat(deployAndKillCount(pipeline, "skip-store-restore"))
                .as("the counts, the store not restored")
                .isNotEqualTo(runLocally(pipeline));
    }

    /** The example over its text {@value #COPIES} times. */
    private Path pipeline() throws IOException {
        String text = Files.readString(Path.of("../examples/two-cities.txt"));
        Files.writeString(dir.resolve("big.txt"), text.repeat(COPIES));
        String example = Files.readString(Path.of("../examples/wordcount.yaml"));
        assertThat(example).contains("path: two-cities.txt");
        Path pipeline = dir.resolve("wordcount.yaml");
        Files.writeString(pipeline, example.replace("path: two-cities.txt", "path: big.txt"));
        return pipeline;
    }

    /** The counts {@code sluice run} finds: the judge. */
    private Map<String, Long> runLocally(Path pipeline) throws Exception {
        Process run = sluice(Map.of(), "run", pipeline.toString(), "--results", "100000");
        String runOut = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(run.exitValue()).as(runOut).isZero();
        Map<String, Long> expected = counts(runOut);
        assertThat(expected).hasSize(WORDS).containsEntry("the", 18L * COPIES);
        return expected;
    }

    /**
     * {@code sluice deploy} under exactly-once, its workers started with {@code fault} ({@code sluice.kafka.fault},
     * none if empty), the count worker killed once its store's changelog holds a count of every word; returns the
     * counts the deployment reports.
     */
    private Map<String, Long> deployAndKillCount(Path pipeline, String fault) throws Exception {
        Path logs = dir.resolve("logs");
        Process deploy = sluice(
                fault.isEmpty() ? Map.of() : Map.of("JAVA_TOOL_OPTIONS", "-Dsluice.kafka.fault=" + fault),
                "deploy",
                pipeline.toString(),
                "--bootstrap",
                KafkaBroker.shared().bootstrapServers(),
                "--guarantee",
                "exactly-once",
                "--on-existing",
                "fresh",
                "--logs",
                logs.toString(),
                "--results",
                "100000");
        StringBuilder deployOut = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                deployOut.append(new String(deploy.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        // Kill it once it committed a count of every word: from then on a restart that lost its store shows.
        try (io.sluice.Deployment attached = io.sluice.kafka.KafkaDeployments.attach(
                io.sluice.yaml.Pipeline.load(pipeline).graph(),
                io.sluice.kafka.KafkaOptions.of(KafkaBroker.shared().bootstrapServers()))) {
            await().atMost(Duration.ofMinutes(2))
                    .ignoreExceptions()
                    .until(() -> attached.store("count", "counts").entries(0).total() == WORDS);
        }
        ProcessHandle count = WorkerLogs.in(logs).liveWorker("count");
        assertThat(count).as("the count worker is still running").isNotNull();
        count.destroyForcibly(); // kill -9

        assertThat(deploy.waitFor(4, TimeUnit.MINUTES)).isTrue();
        reader.join();
        assertThat(deploy.exitValue()).as(deployOut.toString()).isZero();
        assertThat(WorkerLogs.in(logs).starts("count"))
                .as("the count worker was started again")
                .isEqualTo(2);
        Map<String, Long> counts = counts(deployOut.toString());
        System.out.printf(
                "word count deployed%s, its count worker killed: 'the' counted %s times, of %d%n",
                fault.isEmpty() ? "" : " (" + fault + ")", counts.get("the"), 18L * COPIES);
        return counts;
    }

    private static Map<String, Long> counts(String out) {
        Map<String, Long> counts = new TreeMap<>();
        Matcher matcher = COUNT.matcher(out);
        while (matcher.find()) {
            assertThat(counts.put(matcher.group(1), Long.parseLong(matcher.group(2))))
                    .as("one count per word")
                    .isNull();
        }
        return counts;
    }

    private Process sluice(Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(dir.resolve(args[0] + ".err").toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }
}
