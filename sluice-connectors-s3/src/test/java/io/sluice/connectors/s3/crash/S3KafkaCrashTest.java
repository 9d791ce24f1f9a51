package io.sluice.connectors.s3.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.GraphFactory;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.connectors.s3.S3;
import io.sluice.connectors.s3.S3Access;
import io.sluice.connectors.s3.S3TestServer;
import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.Workers;
import io.sluice.testkit.KafkaBroker;
import io.sluice.testkit.WorkerKills;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 300,000 numbers into the S3 sink (two instances, 16 KiB part files) on KAFKA under exactly-once, one process per
 * node, the start worker and the sink worker killed with SIGKILL at random moments: every record must be in exactly
 * one visible part file, no part file a reader saw may disappear or change, and nothing may be left in staging or in
 * unfinished uploads. The power check kills the sink worker the same way with part files completed as they roll
 * instead of when the transaction holding their position commits: readers then see files that a restarted sink takes
 * back.
 */
@Tag("slow")
class S3KafkaCrashTest {

    static final long ITEMS = 300_000;
    static final int KILLS = 6;
    static final Duration UP_BEFORE_KILL = Duration.ofMillis(2500);

    private static final String LOCATION = "sluice.test.s3.location";
    private static final String ENDPOINT = "sluice.test.s3.endpoint";

    private static final S3TestServer SERVER = S3TestServer.shared();

    /** What the worker processes build: the location and the endpoint from system properties. */
    public static final class Graph implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            return graph(System.getProperty(LOCATION), System.getProperty(ENDPOINT));
        }
    }

    static ComputationalGraph graph(String location, String endpoint) {
        // the credentials come from the default chain: the workers' aws.accessKeyId and aws.secretAccessKey
        return ComputationalGraph.builder("s3-crash-" + Integer.toHexString(location.hashCode()))
                .start("numbers", Sources.generator(ITEMS, S3CrashingGraph::paced))
                .end(
                        "out",
                        S3.sink(location)
                                .rollSize(16 * 1024)
                                .access(S3Access.defaults().withEndpoint(endpoint)))
                .parallelism(2)
                .edge("numbers -> out")
                .build();
    }

    @TempDir
    Path logs;

    @Test
    void exactlyOnceEveryRecordIsInExactlyOneVisiblePartFileWhateverWorkerIsKilled() throws Exception {
        S3LocalCrashTest.Outcome outcome = crash("", 31, List.of("numbers", "out"));

        assertThat(outcome.counts()).as("distinct records").hasSize((int) ITEMS);
        assertThat(outcome.counts().values()).as("each in exactly one file").containsOnly(1);
        assertThat(outcome.retracted()).as("part files seen, then taken back").isEmpty();
        assertThat(outcome.leftovers()).as("staging objects and uploads left").isEmpty();
    }

    @Test
    void powerCheckCompletingPartFilesOnRollLetsReadersSeeOutputARestartTakesBack() throws Exception {
        // only the sink, whose commit is broken: killed while the start worker keeps it busy, not while it waits
        // for a start worker that is restarting, with nothing rolled since its last commit
        S3LocalCrashTest.Outcome outcome = crash("complete-on-roll", 32, List.of("out"));

        assertThat(outcome.retracted()).as("part files seen, then taken back").isNotEmpty();
    }

    private S3LocalCrashTest.Outcome crash(String fault, long seed, List<String> victims) throws Exception {
        String bucket = SERVER.createBucket("crash-kafka");
        String location = "s3://" + bucket + "/out";
        List<String> jvm = new ArrayList<>(List.of(
                "-D" + LOCATION + "=" + location,
                "-D" + ENDPOINT + "=" + SERVER.endpoint(),
                "-Daws.accessKeyId=" + S3TestServer.ACCESS_KEY,
                "-Daws.secretAccessKey=" + S3TestServer.SECRET_KEY));
        if (!fault.isEmpty()) {
            jvm.add("-Dsluice.s3.fault=" + fault);
        }
        KafkaOptions options = KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withGuarantee(Guarantee.EXACTLY_ONCE)
                .withCommitInterval(Duration.ofMillis(250))
                .withDeleteTopicsOnClose(true)
                .withWorkers(Workers.processes(Graph.class, logs).withJvmOptions(jvm));
        long started = System.nanoTime();
        List<String> kills;
        S3LocalCrashTest.Outcome outcome;
        try (Visibility visibility = new Visibility(SERVER.client(), bucket, "out/");
                Deployment deployment = graph(location, SERVER.endpoint()).deploy(SystemType.KAFKA, options)) {
            kills = WorkerKills.kill(deployment, logs, victims, KILLS, new Random(seed), UP_BEFORE_KILL);
            assertThat(deployment.awaitCompletion(Duration.ofMinutes(5))).isTrue();
            outcome = S3LocalCrashTest.outcome(bucket, location, visibility);
        }
        System.out.printf(
                "S3 KAFKA crash test%s: kills %s; %.1f s in all; %,d records read back, %,d part files seen, %d taken"
                        + " back %s%n",
                fault.isEmpty() ? "" : " (" + fault + ")",
                kills,
                (System.nanoTime() - started) / 1e9,
                outcome.counts().values().stream().mapToInt(Integer::intValue).sum(),
                outcome.seen(),
                outcome.retracted().size(),
                outcome.retracted().stream().limit(5).toList());
        assertThat(kills).as("kills").containsAll(victims);
        return outcome;
    }
}
