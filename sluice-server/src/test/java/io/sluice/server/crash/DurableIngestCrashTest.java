package io.sluice.server.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testkit.ChildJvmCommand;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP ingest into a durable inbox, in a child JVM killed with SIGKILL three times while clients post: every item a
 * POST acknowledged (202) must reach the output after restarts on the same directory; a POST cut off by the kill is
 * sent again, as a client would. Power check: with the log not written ({@code sluice.inbox.fault=memory-only}), the
 * same kills lose acknowledged items — the graph is slower than the clients, so accepted items wait at every kill.
 */
@Tag("slow")
class DurableIngestCrashTest {

    private static final int ITEMS = 4_000;
    private static final int BATCH = 40;
    private static final int KILLS = 3;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void everyAcknowledgedItemSurvivesKills(@TempDir Path dir) throws Exception {
        int delivered = postWhileKilled(dir, 7, "");

        assertThat(delivered).as("acknowledged items in the output").isEqualTo(ITEMS);
    }

    @Test
    void withTheLogNotWrittenTheSameKillsLoseAcknowledgedItems(@TempDir Path dir) throws Exception {
        int delivered = postWhileKilled(dir, 7, "memory-only");

        assertThat(delivered)
                .as("acknowledged items in the output, the log not written")
                .isLessThan(ITEMS);
    }

    /**
     * Posts {@value #ITEMS} items to a child JVM run with {@code fault} ({@code sluice.inbox.fault}, none if empty),
     * killing it {@value #KILLS} times, ends the inbox and waits for the child to complete; returns how many of the
     * items reached the output.
     */
    private int postWhileKilled(Path dir, long seed, String fault) throws Exception {
        Random random = new Random(seed);
        Process child = start(dir, fault);
        URI api = api(dir, child);
        int kills = 0;
        int next = 0;
        long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200 + random.nextInt(600));
        while (next < ITEMS) {
            if (kills < KILLS && System.nanoTime() > killAt) {
                Process doomed = child;
                // Kill while a POST is in flight: the POST fails, or succeeds just before the kill.
                Thread killer = Thread.ofPlatform().start(() -> {
                    sleepQuietly(random.nextInt(3));
                    doomed.destroyForcibly();
                });
                postQuietly(api, next);
                killer.join();
                doomed.waitFor();
                kills++;
                killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200 + random.nextInt(600));
                child = start(dir, fault);
                api = api(dir, child);
                continue; // the batch may or may not have been acknowledged: send it again
            }
            int status = post(api, next);
            if (status == 202) {
                next += BATCH;
            } else {
                Thread.sleep(20); // 503: the graph is behind; retry
            }
        }
        assertThat(post(api.resolve("/api/nodes/in/end"), "")).isEqualTo(202);
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).isZero();

        BitSet seen = new BitSet(ITEMS);
        List<String> lines = Files.readAllLines(dir.resolve("out.txt"));
        for (String line : lines) {
            seen.set(Integer.parseInt(line.substring(1)));
        }
        System.out.printf(
                "durable ingest%s: %d kills, %,d lines, %,d distinct, %,d duplicates; log left with %s%n",
                fault.isEmpty() ? "" : " (" + fault + ")",
                kills,
                lines.size(),
                seen.cardinality(),
                lines.size() - seen.cardinality(),
                Files.size(dir.resolve("in.log")));
        assertThat(kills).isEqualTo(KILLS);
        return seen.cardinality();
    }

    private int post(URI api, int from) throws Exception {
        String batch = LongStream.range(from, from + BATCH)
                .mapToObj(Long::toString)
                .collect(Collectors.joining(",", "[", "]"));
        return post(api.resolve("/api/nodes/in/items"), batch);
    }

    private int post(URI uri, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + DurableIngest.TOKEN)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private void postQuietly(URI api, int from) {
        try {
            post(api, from);
        } catch (Exception e) {
            // the kill cut it off
        }
    }

    private static void sleepQuietly(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Process start(Path dir, String fault) throws IOException {
        Files.deleteIfExists(dir.resolve("port"));
        List<String> command = ChildJvmCommand.of(
                ChildJvmCommand.withFault(List.of(), "sluice.inbox.fault", fault), DurableIngest.class, dir.toString());
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile())
                .start();
    }

    private static URI api(Path dir, Process child) throws Exception {
        Path port = dir.resolve("port");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(port)) {
            assertThat(child.isAlive())
                    .as("the child is up (see %s)", dir.resolve("child.log"))
                    .isTrue();
            assertThat(System.nanoTime()).as("the child listens within 60 s").isLessThan(deadline);
            Thread.sleep(20);
        }
        return URI.create("http://127.0.0.1:" + Files.readString(port).strip());
    }
}
