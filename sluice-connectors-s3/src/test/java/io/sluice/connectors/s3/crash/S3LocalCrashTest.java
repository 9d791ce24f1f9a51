package io.sluice.connectors.s3.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.connectors.s3.S3;
import io.sluice.connectors.s3.S3SourceTest;
import io.sluice.connectors.s3.S3TestServer;
import io.sluice.testkit.ChildJvmCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A LOCAL graph with checkpoints writing 600,000 records through the S3 sink (two instances, 16 KiB part files) in a
 * child JVM, killed with SIGKILL at random moments four times and restarted on the same checkpoint directory until it
 * completes: every record must be in exactly one visible part file, no part file a reader saw may disappear or change
 * (output visible only once committed), and nothing may be left in staging or in unfinished uploads. The power check
 * runs the same kills with part files completed as they roll instead of when their checkpoint is written: readers
 * then see files that a restart takes back.
 */
@Tag("slow")
class S3LocalCrashTest {

    static final int COUNT = 600_000;
    static final int KILLS = 4;

    private static final S3TestServer SERVER = S3TestServer.shared();

    public record Outcome(Map<String, Integer> counts, List<String> retracted, int seen, List<String> leftovers) {}

    @Test
    void killedAndRestartedEveryRecordIsInExactlyOneVisiblePartFile(@TempDir Path dir) throws Exception {
        Outcome outcome = crash("", 1, dir);

        assertThat(outcome.counts()).as("distinct records").hasSize(COUNT);
        assertThat(outcome.counts().values()).as("each in exactly one file").containsOnly(1);
        assertThat(outcome.retracted()).as("part files seen, then taken back").isEmpty();
        assertThat(outcome.leftovers()).as("staging objects and uploads left").isEmpty();
    }

    @Test
    void powerCheckCompletingPartFilesOnRollLetsReadersSeeOutputARestartTakesBack(@TempDir Path dir) throws Exception {
        Outcome outcome = crash("complete-on-roll", 2, dir);

        assertThat(outcome.retracted()).as("part files seen, then taken back").isNotEmpty();
    }

    private Outcome crash(String fault, long seed, Path dir) throws Exception {
        String bucket = SERVER.createBucket("crash-local");
        String location = "s3://" + bucket + "/out";
        Path checkpoints = dir.resolve("checkpoints");
        Random random = new Random(seed);
        List<Long> killedAfterMillis = new ArrayList<>(); // since the test began
        long started = System.nanoTime();
        Outcome outcome;
        try (Visibility visibility = new Visibility(SERVER.client(), bucket, "out/")) {
            for (int kill = 0; kill < KILLS; kill++) {
                Process child = start(location, checkpoints, fault, dir.resolve("run-" + kill + ".log"));
                // kill at a random moment once the run has made progress: 3 to 12 more objects written or staged
                int target = visibility.listed() + 3 + random.nextInt(10);
                await().atMost(Duration.ofMinutes(1)).until(() -> visibility.listed() >= target || !child.isAlive());
                Thread.sleep(random.nextInt(400)); // anywhere between two checkpoints, not just after one
                assertThat(child.isAlive())
                        .as("run %d still running when killed; its log: %s", kill + 1, log(dir, kill))
                        .isTrue();
                child.destroyForcibly(); // SIGKILL: no shutdown hook, nothing flushed or aborted
                child.waitFor();
                killedAfterMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            }
            Process last = start(location, checkpoints, fault, dir.resolve("last.log"));
            assertThat(last.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(last.exitValue())
                    .as(Files.readString(dir.resolve("last.log")))
                    .isZero();
            outcome = outcome(bucket, location, visibility);
        }
        System.out.printf(
                "S3 LOCAL crash test%s: killed at %s ms; %.1f s in all; %,d records read back, %,d part files"
                        + " seen, %d taken back %s%n",
                fault.isEmpty() ? "" : " (" + fault + ")",
                killedAfterMillis,
                (System.nanoTime() - started) / 1e9,
                outcome.counts().values().stream().mapToInt(Integer::intValue).sum(),
                outcome.seen(),
                outcome.retracted().size(),
                outcome.retracted().stream().limit(5).toList());
        return outcome;
    }

    static Outcome outcome(String bucket, String location, Visibility visibility) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        for (String record :
                S3SourceTest.readAll(S3.source(location).access(SERVER.access()).get())) {
            counts.merge(record, 1, Integer::sum);
        }
        List<String> leftovers = new ArrayList<>(SERVER.keys(bucket, "out/_staging/"));
        SERVER.client()
                .listMultipartUploads(b -> b.bucket(bucket).prefix("out/"))
                .uploads()
                .forEach(u -> leftovers.add("upload of " + u.key()));
        return new Outcome(counts, visibility.retracted(), visibility.seen(), leftovers);
    }

    private static String log(Path dir, int run) throws IOException {
        Path log = dir.resolve("run-" + run + ".log");
        return Files.exists(log) ? Files.readString(log) : "(none)";
    }

    private static Process start(String location, Path checkpoints, String fault, Path log) throws IOException {
        List<String> command = ChildJvmCommand.of(
                ChildJvmCommand.withFault(List.of(), "sluice.s3.fault", fault),
                S3CrashingGraph.class,
                Integer.toString(COUNT),
                location,
                checkpoints.toString());
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(SERVER.environment()); // the standard AWS settings point it at the test server
        return builder.start();
    }
}
