package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.GraphFactory;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.kafka.internal.WorkerOptions;
import io.sluice.testkit.KafkaBroker;
import io.sluice.testkit.WorkerLogs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker processes do not outlive their deployer: a deploying JVM killed with SIGKILL takes its workers with it, as
 * they watch the pipe of their standard input and the deployer's pid.
 */
class WorkerLifelineTest {

    private static final List<String> NODES = List.of("ticks", "out");

    /** A graph that never ends: a tick every 50 ms. */
    public static final class Endless implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            return ComputationalGraph.builder("lifeline")
                    .start("ticks", Sources.interval(Duration.ofMillis(50), Duration.ZERO))
                    .end("out", Sinks.discard())
                    .edge("ticks -> out")
                    .build();
        }
    }

    /** The deployer, in a JVM of its own: deploys {@link Endless} with a process per node, then waits for ever. */
    public static final class Deployer {
        public static void main(String[] args) throws Exception {
            KafkaOptions options = KafkaOptions.of(args[0])
                    .withOnExisting(OnExisting.FRESH)
                    .withWorkers(Workers.processes(Endless.class, Path.of(args[1])));
            Deployment deployment = new Endless().create().deploy(SystemType.KAFKA, options);
            System.out.println("deployed " + deployment.id());
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @TempDir
    Path logs;

    @Test
    void workersStopWhenTheirDeployerIsKilled() throws Exception {
        Process deployer = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Deployer.class.getName(),
                        KafkaBroker.shared().bootstrapServers(),
                        logs.toString())
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve("deployer.log").toFile())
                .start();
        List<ProcessHandle> workers = new ArrayList<>();
        try {
            WorkerLogs worker = WorkerLogs.in(logs);
            await().atMost(Duration.ofMinutes(2)).until(() -> NODES.stream().allMatch(node -> alive(worker, node)));
            for (String node : NODES) {
                workers.add(worker.liveWorker(node));
            }

            deployer.destroyForcibly(); // kill -9: no shutdown hook, no supervisor stopping anything

            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(workers)
                    .as("worker processes still alive")
                    .noneMatch(ProcessHandle::isAlive));
            for (String node : NODES) {
                assertThat(Files.readString(logs.resolve(node + ".log")))
                        .containsPattern("sluice-worker: (its standard input, held by the process that launched it"
                                + " \\(\\d+\\), closed|the process that launched it \\(\\d+\\) has ended); stopping");
            }
        } finally {
            deployer.destroyForcibly();
            workers.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static boolean alive(WorkerLogs logs, String node) {
        try {
            return logs.liveWorker(node) != null;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void optionsEndAtTheirLastLineAndLeaveTheRestOfTheStreamUnread() throws Exception {
        KafkaOptions options = KafkaOptions.of("k:9092").withGuarantee(Guarantee.EXACTLY_ONCE);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        WorkerOptions.write(options, written);
        written.write("after".getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = new ByteArrayInputStream(written.toByteArray());

        assertThat(WorkerOptions.read(in)).isEqualTo(options);
        assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("after");
    }
}
