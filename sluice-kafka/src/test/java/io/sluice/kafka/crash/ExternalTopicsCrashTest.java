package io.sluice.kafka.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.Flow;
import io.sluice.GraphFactory;
import io.sluice.SystemType;
import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.KafkaSinks;
import io.sluice.kafka.KafkaSources;
import io.sluice.kafka.Workers;
import io.sluice.testkit.KafkaBroker;
import io.sluice.testkit.WorkerKills;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka→Kafka bolt under exactly-once, one process per node, the start, middle and sink workers killed with
 * SIGKILL at random moments: the output topic holds every input record exactly once, as a {@code read_committed}
 * consumer sees it. The workers commit late ({@code commit-late}: a batch's transaction only when the next arrives),
 * so that most kills find output written and not committed. Power check: with the sink writing through a producer of
 * its own instead of the worker's transaction, the same kills leave duplicates — and so that it finds them every time,
 * not only when a kill of the sink lands between a write and its commit, the sink's worker also halts once right after
 * its first records reached the topic, before their input offsets were committed.
 */
@Tag("slow")
class ExternalTopicsCrashTest {

    private static final int ITEMS = 200_000;
    private static final String IN = "sluice.test.in";
    private static final String OUT = "sluice.test.out";
    private static final String BOOTSTRAP = "sluice.test.bootstrap";

    /** What the worker processes build: topic names from system properties. */
    public static final class Bolt implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            return bolt(System.getProperty(BOOTSTRAP), System.getProperty(IN), System.getProperty(OUT));
        }
    }

    static ComputationalGraph bolt(String bootstrap, String in, String out) {
        KafkaOptions options = KafkaOptions.of(bootstrap).withGuarantee(Guarantee.EXACTLY_ONCE);
        Flow flow = Flow.named("topic-bolt-" + in);
        flow.read("in", KafkaSources.topic(options, in).asStrings().untilEnd())
                .map("upper", (String value) -> {
                    if (Math.floorMod(value.hashCode(), 10) == 0) {
                        pause(); // a run long enough for several kills
                    }
                    return value.toUpperCase();
                })
                .to("out", KafkaSinks.topic(options, out));
        return flow.build();
    }

    private static void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @TempDir
    Path logs;

    @Test
    void everyRecordReachesTheOutputTopicExactlyOnceWhateverWorkerIsKilled() throws Exception {
        Map<String, Long> counts = crash("commit-late", 21);

        assertThat(counts).as("records of the output topic").hasSize(ITEMS);
        assertThat(counts.values()).as("each once").containsOnly(1L);
    }

    @Test
    void powerCheckASinkOutsideTheTransactionLeavesDuplicates() throws Exception {
        Map<String, Long> counts = crash("commit-late,sink-own-producer,halt-after-sink-write", 22);

        long duplicates = counts.values().stream().filter(c -> c > 1).count();
        System.out.printf("power check: %d of %d records written more than once%n", duplicates, ITEMS);
        try (Stream<Path> files = Files.list(halted())) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("the workers that halted after the sink's first write")
                    .containsExactly("out");
        }
        assertThat(counts).as("nothing lost").hasSize(ITEMS);
        assertThat(duplicates).as("records written more than once").isPositive();
    }

    /** Where a worker that halts on purpose leaves its mark, so that one worker of a node halts per deployment. */
    private Path halted() throws IOException {
        return Files.createDirectories(logs.resolve("halted"));
    }

    private Map<String, Long> crash(String fault, long seed) throws Exception {
        String in = "crash-in-" + seed + "-" + System.nanoTime();
        String out = "crash-out-" + seed + "-" + System.nanoTime();
        KafkaBroker.shared().createTopics(2, in);
        io.sluice.kafka.ExternalTopicsTest.produce(in, ITEMS);
        List<String> jvm = new java.util.ArrayList<>(List.of(
                "-D" + BOOTSTRAP + "=" + KafkaBroker.shared().bootstrapServers(),
                "-D" + IN + "=" + in,
                "-D" + OUT + "=" + out));
        jvm.add("-Dsluice.kafka.fault=" + fault);
        jvm.add("-Dsluice.kafka.fault.once=" + halted());
        KafkaOptions options = KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withGuarantee(Guarantee.EXACTLY_ONCE)
                .withDeleteTopicsOnClose(true)
                .withWorkers(Workers.processes(Bolt.class, logs).withJvmOptions(jvm));
        List<String> kills;
        try (Deployment deployment =
                bolt(KafkaBroker.shared().bootstrapServers(), in, out).deploy(SystemType.KAFKA, options)) {
            kills = WorkerKills.kill(
                    deployment, logs, List.of("in", "upper", "out"), 5, new Random(seed), Duration.ofMillis(2500));
            assertThat(deployment.awaitCompletion(Duration.ofMinutes(5))).isTrue();
        }
        System.out.printf("topic bolt (%s): kills %s%n", fault, kills);
        if (!fault.contains("halt-after-sink-write")) { // the power check's sink halts, whatever the kills
            assertThat(kills).as("kills of every kind of worker").contains("in", "upper", "out");
        }
        Map<String, Long> counts = new HashMap<>();
        for (String value : io.sluice.kafka.ExternalTopicsTest.committedValues(out)) {
            counts.merge(value, 1L, Long::sum);
        }
        return counts;
    }
}
