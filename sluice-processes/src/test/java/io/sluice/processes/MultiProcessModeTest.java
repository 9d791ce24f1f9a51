package io.sluice.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.Emitter;
import io.sluice.Flow;
import io.sluice.GraphFactory;
import io.sluice.LocalOptions;
import io.sluice.Node;
import io.sluice.Sinks;
import io.sluice.SluiceException;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.WorkerStatus;
import io.sluice.testkit.RunningCounts;
import io.sluice.testkit.WorkerKills;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * LOCAL's third mode: the same graph single-thread, multi-thread and one process per node gives the same multiset of
 * results, and the multi-process mode survives kill -9 of its start, stateful and end node processes as KAFKA does.
 */
class MultiProcessModeTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(4);
    static final int KEYS = 64;

    /** The power check's node: its counts in a field, which a restarted process does not get back. */
    static final class CountInAField implements Node<Long, String> {
        private final long[] counts = new long[KEYS];

        @Override
        public void process(Long item, Emitter<String> out) {
            int key = (int) (item % KEYS);
            out.emit(key + ":" + ++counts[key]);
        }
    }

    static ComputationalGraph graph(String name, long items, int paceEvery) {
        return graph(name, items, paceEvery, true);
    }

    static ComputationalGraph graph(String name, long items, int paceEvery, boolean durable) {
        Flow flow = Flow.named(name);
        flow.read("numbers", Sources.generator(items, i -> {
                    if (paceEvery > 0 && i % paceEvery == 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                    }
                    return i;
                }))
                .keyBy((Long i) -> i % KEYS)
                .then("count", durable ? () -> new RunningCounts(KEYS) : CountInAField::new)
                .stores("counts")
                .parallelism(2)
                .to("out", Sinks.collect());
        return flow.build();
    }

    /** 30,000 numbers, unpaced. */
    public static final class Small implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            return graph("processes-small", 30_000, 0);
        }
    }

    /** 150,000 numbers, paced (about 5 s at the least) so that kills land mid-run. */
    public static final class Paced implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            return graph("processes-paced", 150_000, 30);
        }
    }

    /** As {@link Paced}, with the counts in a field. */
    public static final class PacedInAField implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            return graph("processes-field", 150_000, 30, false);
        }
    }

    static List<String> expected(long items) {
        return RunningCounts.expected(items, KEYS);
    }

    private static List<String> run(ComputationalGraph graph, LocalOptions options) throws InterruptedException {
        try (Deployment deployment = graph.deploy(SystemType.LOCAL, options)) {
            assertThat(deployment.awaitTermination(TIMEOUT)).isEqualTo(DeploymentState.COMPLETED);
            List<String> out = new ArrayList<>(deployment.<String>results("out"));
            Collections.sort(out);
            return out;
        }
    }

    @Test
    void theSameGraphGivesTheSameResultsInEveryMode() throws Exception {
        ComputationalGraph graph = new Small().create();
        List<String> expected = expected(30_000);

        List<String> single = run(graph, LocalOptions.defaults().withMode(LocalOptions.Mode.SINGLE_THREAD));
        List<String> multi = run(graph, LocalOptions.defaults());
        List<String> processes = run(graph, LocalOptions.defaults().withProcesses(Small.class));

        assertThat(single).isEqualTo(expected);
        assertThat(multi).isEqualTo(expected);
        assertThat(processes).isEqualTo(expected);
    }

    @Test
    void eachNodeRunsInAProcessOfItsOwn() throws Exception {
        ComputationalGraph graph = new Small().create();
        try (Deployment deployment =
                graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withProcesses(Small.class))) {
            assertThat(deployment.status().workers())
                    .extracting(WorkerStatus::node)
                    .containsExactlyInAnyOrder("numbers", "count", "out");
            // a worker's pid is 0 until its supervisor has started the process, which may come after deploy returns
            await().atMost(TIMEOUT)
                    .until(() -> deployment.status().workers().stream().allMatch(w -> w.pid() != 0));
            List<WorkerStatus> workers = deployment.status().workers();
            assertThat(workers)
                    .extracting(WorkerStatus::pid)
                    .doesNotHaveDuplicates()
                    .doesNotContain(0L, ProcessHandle.current().pid());
            assertThat(deployment.system()).isEqualTo(SystemType.LOCAL);
            assertThat(deployment.awaitTermination(TIMEOUT)).isEqualTo(DeploymentState.COMPLETED);
        }
    }

    @Test
    @Tag("slow")
    void killingTheStartStatefulAndEndProcessesChangesNoResult() throws Exception {
        ComputationalGraph graph = new Paced().create();
        List<String> kills;
        List<String> out;
        try (Deployment deployment =
                graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withProcesses(Paced.class))) {
            Path logs = Path.of(deployment.status().workers().get(0).log().orElseThrow())
                    .getParent();
            kills = WorkerKills.kill(
                    deployment, logs, List.of("numbers", "count", "out"), 4, new Random(17), Duration.ofSeconds(2));
            assertThat(deployment.awaitTermination(TIMEOUT)).isEqualTo(DeploymentState.COMPLETED);
            out = new ArrayList<>(deployment.<String>results("out"));
        }
        System.out.println("multi-process kills: " + kills);
        assertThat(kills).as("every kind of node process was killed").contains("numbers", "count", "out");
        Collections.sort(out);
        assertThat(out).isEqualTo(expected(150_000));
    }

    @Test
    @Tag("slow")
    void powerCheckAStatefulProcessWithItsStateInAFieldGetsResultsWrongAfterAKill() throws Exception {
        ComputationalGraph graph = new PacedInAField().create();
        List<String> out;
        try (Deployment deployment =
                graph.deploy(SystemType.LOCAL, LocalOptions.defaults().withProcesses(PacedInAField.class))) {
            Path logs = Path.of(deployment.status().workers().get(0).log().orElseThrow())
                    .getParent();
            WorkerKills.kill(deployment, logs, List.of("count"), 2, new Random(17), Duration.ofSeconds(2));
            assertThat(deployment.awaitTermination(TIMEOUT)).isEqualTo(DeploymentState.COMPLETED);
            out = new ArrayList<>(deployment.<String>results("out"));
        }
        Collections.sort(out);
        assertThat(out).hasSize(150_000).isNotEqualTo(expected(150_000));
    }

    @Test
    void checkpointsAreRefusedInMultiProcessModeSayingWhy() {
        ComputationalGraph graph = new Small().create();
        assertThatThrownBy(() -> graph.deploy(
                        SystemType.LOCAL,
                        LocalOptions.defaults()
                                .withCheckpoints(Path.of("target", "never"))
                                .withProcesses(Small.class)))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Graph 'processes-small': LOCAL checkpoints do not apply in MULTI_PROCESS mode, where each"
                        + " node's process recovers from the broker its deployment runs; drop withCheckpoints, or use"
                        + " MULTI_THREAD with checkpoints");
    }

    @Test
    void multiProcessModeWithoutAFactoryIsRefusedSayingWhatToDo() {
        assertThatThrownBy(() -> LocalOptions.defaults().withMode(LocalOptions.Mode.MULTI_PROCESS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("LocalOptions: MULTI_PROCESS mode needs the graph's factory, which each node's process"
                        + " builds the graph from; use withProcesses(MyGraph.class)");
    }
}
