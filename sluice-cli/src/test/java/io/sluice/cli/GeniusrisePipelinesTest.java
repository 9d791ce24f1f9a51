package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.testkit.KafkaBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The geniusrise design's example pipelines, as the examples directory has them, validated and run by a real {@code
 * sluice} process against the test servers.
 */
class GeniusrisePipelinesTest {

    private static SluiceProcess.Outcome sluice(String... args) throws Exception {
        return SluiceProcess.run(args);
    }

    @Test
    void theStreamingPipelineCarriesEveryRecordFromTheExternalTopicToTheLastOneOnce() throws Exception {
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        KafkaBroker.shared().createTopics(2, "events");
        List<String> records = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            String record = i % 10 == 0 ? "   " : "  event " + i + " ";
            records.add(record);
            if (!record.isBlank()) {
                expected.add("EVENT " + i);
            }
        }
        KafkaBroker.shared().produce("events", records);
        String example = "../examples/geniusrise-streaming.yaml";

        SluiceProcess.Outcome validate = sluice("validate", example);
        SluiceProcess.Outcome run = sluice("run", example, "--bootstrap", bootstrap);

        assertThat(validate.exit()).as(validate.err()).isZero();
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("Completed");
        assertThat(KafkaBroker.shared().readCommitted("kafka-topic-2")).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void theBatchPipelineNormalisesWhatArrivedInTheBucketIntoCommittedPartFiles(@TempDir Path dir) throws Exception {
        StringWriter printed = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(printed, true));
        Path buckets = dir.resolve("buckets");
        // the dev server runs until stopped: on a thread of its own, not the common pool's
        CompletableFuture<Integer> dev = new CompletableFuture<>();
        Thread.ofVirtual()
                .start(() -> dev.complete(commandLine.execute(
                        "s3", "dev", "--port", "0", "--dir", buckets.toString(), "--bucket", "my-bucket")));
        await().atMost(Duration.ofMinutes(2)).until(() -> printed.toString().contains("ready at ") || dev.isDone());
        Matcher ready =
                Pattern.compile("ready at (http://127\\.0\\.0\\.1:\\d+) ").matcher(printed.toString());
        assertThat(ready.find()).as(printed.toString()).isTrue();
        // what arrived: two objects under incoming/, as a file system blob store holds them
        Path incoming = Files.createDirectories(buckets.resolve("my-bucket/incoming"));
        List<String> expected = new ArrayList<>();
        for (String object : List.of("1.txt", "2.txt")) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                String record = i % 7 == 0 ? " " : " order " + object + "-" + i + " ";
                lines.add(record);
                if (!record.isBlank()) {
                    expected.add(record.strip().toUpperCase(java.util.Locale.ROOT));
                }
            }
            Files.write(incoming.resolve(object), lines);
        }
        Map<String, String> aws = Map.of(
                "AWS_ENDPOINT_URL", ready.group(1),
                "AWS_ACCESS_KEY_ID", "sluice",
                "AWS_SECRET_ACCESS_KEY", "sluice-secret",
                "AWS_REGION", "us-east-1");
        String example = "../examples/geniusrise-batch.yaml";

        SluiceProcess.Outcome validate = SluiceProcess.run(aws, "validate", example);
        SluiceProcess.Outcome run = SluiceProcess.run(aws, "run", example);

        assertThat(validate.exit()).as(validate.err()).isZero();
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        List<String> results = new ArrayList<>();
        try (var files = Files.list(buckets.resolve("my-bucket/results"))) {
            for (Path file : files.filter(f -> !f.getFileName().toString().startsWith("_"))
                    .toList()) {
                results.addAll(Files.readAllLines(file));
            }
        }
        assertThat(results).containsExactlyInAnyOrderElementsOf(expected);
        ((S3Command.Dev) commandLine
                        .getSubcommands()
                        .get("s3")
                        .getSubcommands()
                        .get("dev")
                        .getCommand())
                .stop();
        assertThat(dev.get(1, TimeUnit.MINUTES)).isZero();
    }
}
