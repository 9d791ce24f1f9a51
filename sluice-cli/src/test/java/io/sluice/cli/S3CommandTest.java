package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

class S3CommandTest {

    @Test
    void devServerTakesObjectsThatSluiceRunReadsAndWritesWithTheSettingsItPrints(@TempDir Path dir) throws Exception {
        StringWriter out = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        Path data = dir.resolve("buckets");
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> commandLine.execute(
                "s3", "dev", "--port", "0", "--dir", data.toString(), "--bucket", "inbox", "--bucket", "outbox"));

        await().atMost(Duration.ofMinutes(2)).until(() -> out.toString().contains("ready at ") || exit.isDone());
        Matcher endpoint =
                Pattern.compile("ready at (http://127\\.0\\.0\\.1:\\d+) ").matcher(out.toString());
        assertThat(endpoint.find()).as(out.toString()).isTrue();
        assertThat(out.toString())
                .contains("export AWS_ENDPOINT_URL=" + endpoint.group(1)
                        + " AWS_ACCESS_KEY_ID=sluice AWS_SECRET_ACCESS_KEY=sluice-secret AWS_REGION=us-east-1")
                .contains("buckets: inbox, outbox");
        try (S3Client client = S3Client.builder()
                .endpointOverride(URI.create(endpoint.group(1)))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("sluice", "sluice-secret")))
                .build()) {
            client.putObject(b -> b.bucket("inbox").key("data/1.txt"), RequestBody.fromString("a\nb\n"));
        }
        // as the command says: the standard AWS settings in the environment of sluice run
        Path pipeline = Files.writeString(dir.resolve("copy.yaml"), """
                graph: s3-copy
                nodes:
                  - {id: read, source: "s3://inbox/data"}
                  - {id: write, sink: "s3://outbox/copy", config: {format: jsonl}}
                edges:
                  - read -> write
                """);
        ProcessBuilder run = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                        Main.class.getName(),
                        "run",
                        pipeline.toString())
                .redirectErrorStream(true);
        run.environment()
                .putAll(Map.of(
                        "AWS_ENDPOINT_URL", endpoint.group(1),
                        "AWS_ACCESS_KEY_ID", "sluice",
                        "AWS_SECRET_ACCESS_KEY", "sluice-secret",
                        "AWS_REGION", "us-east-1"));
        Process process = run.start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(printed).isZero();
        assertThat(data.resolve("outbox/copy/part-write-0-000000.jsonl")).hasContent("\"a\"\n\"b\"");

        CommandLine dev =
                commandLine.getSubcommands().get("s3").getSubcommands().get("dev");
        ((S3Command.Dev) dev.getCommand()).stop();
        assertThat(exit.get(1, TimeUnit.MINUTES)).isZero();
        assertThat(Files.isDirectory(data.resolve("outbox")))
                .as("kept, as --dir asks")
                .isTrue();
    }
}
