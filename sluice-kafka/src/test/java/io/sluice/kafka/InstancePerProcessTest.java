package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.Flow;
import io.sluice.GraphFactory;
import io.sluice.Sinks;
import io.sluice.SluiceException;
import io.sluice.Sources;
import io.sluice.testkit.KafkaBroker;
import io.sluice.testkit.RunningCounts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One instance per process, as a StatefulSet runs a node: each instance of the stateful node is a worker process of
 * its own that takes its instance from its pod's name ({@code --instance ordinal}, {@code SLUICE_POD_NAME}), reads
 * its partitions and restores its changelog partition; one of them is killed and started again, as Kubernetes
 * restarts a pod, and the results are exact.
 */
@Tag("slow")
class InstancePerProcessTest {

    static final int KEYS = 64;
    static final long ITEMS = 60_000;

    @TempDir
    Path logs;

    public static final class Shop implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            Flow flow = Flow.named("per-instance");
            flow.read("numbers", Sources.generator(ITEMS, i -> {
                        if (i % 10 == 0) { // about 6 s in all, so that the kill lands mid-run
                            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                        }
                        return i;
                    }))
                    .keyBy((Long i) -> i % KEYS)
                    .then("count", () -> new RunningCounts(KEYS))
                    .stores("counts")
                    .parallelism(3)
                    .to("out", Sinks.collect());
            return flow.build();
        }
    }

    private Process worker(String node, Map<String, String> environment, String... extra) throws IOException {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(Workers.environmentJvmOptions()); // a worker started by hand, as the deployment starts its own
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                Worker.class.getName(),
                "--factory",
                Shop.class.getName(),
                "--node",
                node,
                "--bootstrap",
                KafkaBroker.shared().bootstrapServers(),
                "--guarantee",
                "exactly-once",
                "--lifeline",
                Long.toString(ProcessHandle.current().pid())));
        command.addAll(List.of(extra));
        String log = node + environment.getOrDefault(Worker.POD_NAME, "") + "-" + System.nanoTime() + ".log";
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve(log).toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    private Process pod(int ordinal) throws IOException {
        return worker("count", Map.of(Worker.POD_NAME, "per-instance-count-" + ordinal), "--instance", "ordinal");
    }

    static List<String> expected() {
        return RunningCounts.expected(ITEMS, KEYS);
    }

    @Test
    void eachInstanceOfAStatefulNodeRunsInAProcessOfItsOwnAndOneKilledAndRestartedLosesNothing() throws Exception {
        ComputationalGraph graph = new Shop().create();
        KafkaOptions options = KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withGuarantee(Guarantee.EXACTLY_ONCE)
                .withOnExisting(OnExisting.FRESH);
        KafkaTopics.create(graph, options);

        List<Process> processes = new ArrayList<>();
        try (Deployment deployment = KafkaDeployments.attach(graph, options)) {
            processes.add(worker("numbers", Map.of()));
            processes.add(worker("out", Map.of()));
            Process[] pods = {pod(0), pod(1), pod(2)};
            processes.addAll(List.of(pods));

            // when pod 1 has worked a while, it is killed and started again, as Kubernetes restarts a pod
            Awaitility.await()
                    .atMost(Duration.ofMinutes(2))
                    .until(() -> deployment.status().node("count").itemsIn() > ITEMS / 4);
            assertThat(pods[1].isAlive())
                    .as("pod 1 still works when it is killed")
                    .isTrue();
            pods[1].destroyForcibly().waitFor(1, TimeUnit.MINUTES);
            Process restarted = pod(1);
            processes.add(restarted);

            assertThat(deployment.awaitTermination(Duration.ofMinutes(3))).isEqualTo(DeploymentState.COMPLETED);
            List<String> out = new ArrayList<>(deployment.<String>results("out"));
            Collections.sort(out);
            assertThat(out).isEqualTo(expected());
            for (Process pod : List.of(pods[0], pods[2], restarted)) {
                assertThat(pod.waitFor(1, TimeUnit.MINUTES)).isTrue();
                assertThat(pod.exitValue()).isZero();
            }
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
    }

    @Test
    void anOrdinalOutsideTheParallelismIsRefusedSayingHowManyReplicasFit() {
        assertThatThrownBy(() -> new io.sluice.kafka.internal.NodeProcess(
                        new Shop().create(),
                        "count",
                        3,
                        KafkaOptions.of(KafkaBroker.shared().bootstrapServers())))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Node 'count' has parallelism 3, so instances 0 to 2; there is no instance 3; run at most 3"
                        + " replicas of it, raise its parallelism (in the graph, or on a running deployment: sluice"
                        + " scale count 4), or make it elastic (KafkaOptions.withElasticNodes, worker flag --elastic"
                        + " count) so that extra members can join it");
    }

    @Test
    void theOrdinalComesFromThePodsNameAndANameWithoutOneIsRefused() {
        assertThat(Worker.instance("ordinal", Map.of(Worker.POD_NAME, "shop-count-12")))
                .isEqualTo(12);
        assertThat(Worker.instance("ordinal", Map.of("HOSTNAME", "shop-count-2")))
                .isEqualTo(2);
        assertThat(Worker.instance("4", Map.of())).isEqualTo(4);
        assertThatThrownBy(() -> Worker.instance("ordinal", Map.of("HOSTNAME", "laptop")))
                .isInstanceOf(SluiceException.class)
                .hasMessage("--instance ordinal takes the instance from the pod's name, which ends in -<ordinal> in a"
                        + " StatefulSet; found 'laptop'; set SLUICE_POD_NAME to the pod's name, or pass --instance N");
    }
}
