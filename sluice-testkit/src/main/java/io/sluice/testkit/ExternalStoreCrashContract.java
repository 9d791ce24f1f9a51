package io.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.Deployment;
import io.sluice.DeploymentOptions;
import io.sluice.DeploymentState;
import io.sluice.GraphFactory;
import io.sluice.LocalOptions;
import io.sluice.NodeFailedException;
import io.sluice.StoreSpec;
import io.sluice.SystemType;
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
 * What an external store backend must survive, on whole graphs with real servers: every store backend whose server
 * outlives the process runs it. The graph is a {@link CountingGraph}, with state in the start node's position, in the
 * stateful node's store and in the end node's store, all judged by what the server holds once the deployment
 * completed: every count and the end node's tally exactly those of a run without faults.
 *
 * <ul>
 *   <li>On LOCAL with checkpoints, the deploying JVM killed with SIGKILL several times, each time once it wrote to
 *       the server, and restarted on its checkpoints — also with the server run ahead of the checkpoint on purpose,
 *       which the restore must undo. Power check: with that restore skipped, the same test finds the counts wrong.
 *   <li>On KAFKA under exactly-once, one process per node, the start, the stateful and the end worker each killed
 *       with SIGKILL at random moments — as built, and with the server run ahead of the Kafka transaction on purpose.
 *       Power check: with the restore from the changelog skipped, the same test finds the counts wrong. And the
 *       stateful and end workers each halted once right after their first records reached the server, before their
 *       first commit: the restart must put the server back to what the instance adopted when it first ran.
 *   <li>The server stopped mid-run: a short outage is waited for and the run completes exactly; an outage longer than
 *       the store retries fails the deployment naming the server, and a deployment resumed once the server is back
 *       completes exactly.
 * </ul>
 *
 * <p>Extend it and say how to reach the backend's servers and the Kafka broker; the crash tests are tagged {@code
 * slow}.
 */
public abstract class ExternalStoreCrashContract {

    /** A server of the backend under test. */
    public interface StoreServer extends AutoCloseable {

        /**
         * The settings of a store named {@code store} of graph {@code graph} on this server, of its own (a table or
         * key prefix no other test uses), retrying a lost connection for about {@code retryFor} before it fails.
         */
        StoreSpec store(String store, String graph, Duration retryFor);

        /** {@code host:port}, as the backend's messages name the server. */
        String address();

        /** Stops the server, keeping its data. */
        void stop();

        /** Starts the server again on its address, with its data. */
        void start();

        @Override
        void close();
    }

    /** How long a store retries a lost connection unless a test says otherwise: longer than any test's outage. */
    protected static final Duration PATIENT = Duration.ofSeconds(60);

    /** A server every test of the class may share; it is never stopped. */
    protected abstract StoreServer sharedServer();

    /** A new server of the test's own, which keeps its data when stopped; the test closes it. */
    protected abstract StoreServer ownServer();

    /**
     * Items in each graph of the LOCAL tests, 400,000 by default. A backend whose server writes slowly may
     * run fewer: the server run ahead of the checkpoint commits after every batch, so such a server makes the runs
     * long (on dynalite, the last run alone took about 50 s), and fewer items still leave each kill mid-run.
     */
    protected long localItems() {
        return LOCAL_ITEMS;
    }

    /** Options the child JVMs need to reach the server ({@code -Daws.accessKeyId=…}); none by default. */
    protected List<String> childJvmOptions() {
        return List.of();
    }

    /**
     * KAFKA options under exactly-once on the test broker, with one worker process per node built by {@code
     * factory}, logging into {@code logs}, started with {@code jvmOptions}, deleting the graph's topics on close.
     */
    protected abstract DeploymentOptions kafkaProcesses(
            Class<? extends GraphFactory> factory, Path logs, List<String> jvmOptions);

    @TempDir
    protected Path dir;

    private static CountingGraph graph(StoreServer server, String name, long items, int paceEvery, Duration retryFor) {
        int keys = (int) Math.min(items, 400);
        return new CountingGraph(
                name,
                items,
                keys,
                paceEvery,
                server.store(CountingGraph.COUNTS, name, retryFor),
                server.store(CountingGraph.TALLY, name, retryFor));
    }

    private static void assertExact(CountingGraph graph) {
        assertThat(graph.storedCounts()).as("every key's count on the server").isEqualTo(graph.exactCounts());
        assertThat(graph.storedTally()).as("the end node's tally on the server").isEqualTo(graph.exactTally());
    }

    private static boolean isExact(CountingGraph graph) {
        return graph.storedCounts().equals(graph.exactCounts())
                && graph.storedTally().equals(graph.exactTally());
    }

    /**
     * The runs without faults made in this JVM, by server and graph, each with what failed it ({@code null} if the
     * counts were exact): the tests that kill graphs of one size share one, as their graphs differ only in name and
     * faults.
     */
    private static final Map<String, Throwable> FAULT_FREE_RUNS = new HashMap<>(); // guarded by itself

    /**
     * Runs a graph of {@code items} without faults on LOCAL in this JVM, unpaced (the pace is there only so that kills
     * land mid-run): the server must then hold the exact counts. It runs once per server and size in a JVM; the tests
     * after the first find its outcome, and fail as it did.
     */
    private static void runWithoutFaults(StoreServer server, String name, long items) throws InterruptedException {
        String key = server.address() + " " + name;
        synchronized (FAULT_FREE_RUNS) {
            if (FAULT_FREE_RUNS.containsKey(key)) {
                Throwable failure = FAULT_FREE_RUNS.get(key);
                if (failure != null) {
                    throw new AssertionError(
                            "the run without faults '" + name + "' failed in an earlier test", failure);
                }
                return;
            }
            CountingGraph graph = graph(server, name, items, 0, PATIENT);
            try {
                try (Deployment deployment = graph.build().deploy(SystemType.LOCAL, LocalOptions.defaults())) {
                    assertThat(deployment.awaitTermination(Duration.ofMinutes(5)))
                            .as("the run without faults")
                            .isEqualTo(DeploymentState.COMPLETED);
                }
                assertExact(graph);
                FAULT_FREE_RUNS.put(key, null);
            } catch (AssertionError | RuntimeException e) {
                FAULT_FREE_RUNS.put(key, e);
                throw e;
            }
        }
    }

    // ---- LOCAL, the deploying JVM killed ----

    private static final long LOCAL_ITEMS = 400_000;
    private static final int LOCAL_PACE = 100; // at most about 90,000 items a second: four seconds or more a run
    private static final int LOCAL_KILLS = 4;

    @Test
    @Tag("slow")
    void onLocalKilledAndRestartedOnItsCheckpointsTheServerHoldsExactCounts() throws Exception {
        CountingGraph graph = killOnLocal("local_exact", "", 1);

        assertExact(graph);
    }

    @Test
    @Tag("slow")
    void onLocalAServerAheadOfTheCheckpointIsPutBackToIt() throws Exception {
        CountingGraph graph = killOnLocal("local_ahead", "commit-external-eagerly", 2);

        assertExact(graph);
    }

    @Test
    @Tag("slow")
    void onLocalWithoutPuttingTheServerBackTheSameTestFindsTheCountsWrong() throws Exception {
        CountingGraph graph = killOnLocal("local_broken", "commit-external-eagerly,skip-store-restore", 3);

        assertThat(isExact(graph)).as("exact counts with the restore broken").isFalse();
    }

    /**
     * Runs the graph in child JVMs on LOCAL, each killed with SIGKILL at a random moment after it said it committed
     * numbers of its own ({@link CountingGraph#main}): by then the server holds writes of the run — with the server run
     * ahead of the checkpoint on purpose, writes beyond the last checkpoint nearly all the time, which a restart must
     * undo. A child starved on a loaded machine is waited for, not killed before it wrote anything (which once left
     * the power check nothing to get wrong). Then one last child runs the graph to completion.
     */
    private CountingGraph killOnLocal(String name, String fault, long seed) throws Exception {
        StoreServer server = sharedServer();
        runWithoutFaults(server, "local_fault_free", localItems());
        CountingGraph graph = graph(server, name, localItems(), LOCAL_PACE, PATIENT);
        Path file = graph.write(dir.resolve("graph.properties"));
        Path checkpoints = dir.resolve("checkpoints");
        Random random = new Random(seed * 0x9E3779B97F4A7C15L); // small seeds alone start alike
        List<Long> killedAfter = new ArrayList<>(); // by each kill, the last position the child said it committed
        for (int kill = 0; kill < LOCAL_KILLS; kill++) {
            Child child = startLocal(file, checkpoints, fault);
            Process process = child.process();
            boolean committed = awaitCommitted(child);
            if (committed && !process.waitFor(500 + random.nextInt(1500), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly(); // SIGKILL: no shutdown hooks, nothing flushed
            }
            process.waitFor();
            if (process.exitValue() != KILLED) {
                assertThat(process.exitValue())
                        .as("a run that ended before its kill:\n%s", Files.readString(child.log()))
                        .isZero();
                break; // it completed: the counts are final
            }
            killedAfter.add(lastCommitted(child));
        }
        Child last = startLocal(file, checkpoints, fault);
        assertThat(last.process().waitFor(5, TimeUnit.MINUTES))
                .as("the last run ended")
                .isTrue();
        assertThat(last.process().exitValue())
                .as("the last run's exit code:\n%s", Files.readString(last.log()))
                .isZero();
        System.out.printf(
                "%s on LOCAL (%s): %d kills, after committing up to %s%n",
                name, fault.isEmpty() ? "as built" : fault, killedAfter.size(), killedAfter);
        assertThat(killedAfter)
                .as("kills that landed after the child committed numbers of its own")
                .isNotEmpty();
        return graph;
    }

    /** The exit code of a JVM killed with SIGKILL (128 + 9). */
    private static final int KILLED = 137;

    /** A child JVM running the graph on LOCAL, and the file its output goes to. */
    private record Child(Process process, Path log) {}

    private Child startLocal(Path file, Path checkpoints, String fault) throws IOException {
        List<String> command = ChildJvmCommand.of(
                ChildJvmCommand.withFault(childJvmOptions(), "sluice.checkpoints.fault", fault),
                CountingGraph.class,
                file.toString(),
                checkpoints.toString());
        Path log = dir.resolve("local-" + (++children) + ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new Child(process, log);
    }

    private int children;

    /**
     * Waits until the child says it committed numbers of its own ({@code committed N}); false if it ended first. A
     * child that says nothing for two minutes fails the test with its output.
     */
    private static boolean awaitCommitted(Child child) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            if (lastCommitted(child) >= 0) {
                return true;
            }
            if (!child.process().isAlive()) {
                return false;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(
                "the child JVM committed no numbers of its own within two minutes:\n" + Files.readString(child.log()));
    }

    /** The last position the child said it committed, or -1 if it said none. */
    private static long lastCommitted(Child child) throws IOException {
        long last = -1;
        for (String line : Files.readAllLines(child.log())) {
            if (line.startsWith(CountingGraph.COMMITTED)) {
                last = Long.parseLong(line.substring(CountingGraph.COMMITTED.length()));
            }
        }
        return last;
    }

    // ---- KAFKA, every kind of worker killed ----

    private static final long KAFKA_ITEMS = 240_000;
    private static final int KAFKA_PACE = 20; // at most about 18,000 items a second: thirteen seconds or more
    private static final int KAFKA_KILLS = 5;
    private static final Duration UP_BEFORE_KILL = Duration.ofMillis(2500);

    @Test
    @Tag("slow")
    void onKafkaEveryKindOfWorkerKilledTheServerHoldsExactCounts() throws Exception {
        CountingGraph graph = killOnKafka("kafka_exact", "", 11);

        assertExact(graph);
    }

    @Test
    @Tag("slow")
    void onKafkaAServerAheadOfTheTransactionIsPutBackToTheChangelog() throws Exception {
        CountingGraph graph = killOnKafka("kafka_ahead", "commit-late", 12);

        assertExact(graph);
    }

    @Test
    @Tag("slow")
    void onKafkaWithoutPuttingTheServerBackTheSameTestFindsTheCountsWrong() throws Exception {
        CountingGraph graph = killOnKafka("kafka_broken", "commit-late,skip-store-restore", 13);

        assertThat(isExact(graph)).as("exact counts with the restore broken").isFalse();
    }

    /**
     * A worker killed before its first commit, after its first records' writes reached the server (the case the
     * random kills above hit only on a starved machine): the restart must put the server back to what the instance
     * adopted, not adopt the killed run's writes in turn.
     */
    @Test
    @Tag("slow")
    void onKafkaAWorkerKilledBeforeItsFirstCommitIsPutBackToWhatItAdopted() throws Exception {
        CountingGraph graph = graph(sharedServer(), "kafka_first", FIRST_ITEMS, KAFKA_PACE, PATIENT);
        Path halted = Files.createDirectories(dir.resolve("halted"));
        try (Deployment deployment =
                deployOnKafka(graph, "commit-late,halt-before-first-commit", "-Dsluice.kafka.fault.once=" + halted)) {
            awaitCompleted(deployment);
        }
        try (java.util.stream.Stream<Path> files = Files.list(halted)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("the workers that halted before their first commit")
                    .containsExactlyInAnyOrder(CountingGraph.COUNT, CountingGraph.TALLY);
        }
        assertExact(graph);
    }

    private static final long FIRST_ITEMS = 40_000;

    private CountingGraph killOnKafka(String name, String fault, long seed) throws Exception {
        runWithoutFaults(sharedServer(), "kafka_fault_free", KAFKA_ITEMS);
        CountingGraph graph = graph(sharedServer(), name, KAFKA_ITEMS, KAFKA_PACE, PATIENT);
        Path logs = dir.resolve("logs");
        List<String> kills;
        try (Deployment deployment = deployOnKafka(graph, fault)) {
            kills = WorkerKills.kill(
                    deployment,
                    logs,
                    List.of(CountingGraph.NUMBERS, CountingGraph.COUNT, CountingGraph.TALLY),
                    KAFKA_KILLS,
                    new Random(seed),
                    UP_BEFORE_KILL);
            awaitCompleted(deployment);
        }
        System.out.printf("%s on KAFKA (%s): kills %s%n", name, fault.isEmpty() ? "as built" : fault, kills);
        assertThat(kills)
                .as("kills of every kind of worker")
                .contains(CountingGraph.NUMBERS, CountingGraph.COUNT, CountingGraph.TALLY);
        return graph;
    }

    /** Deploys {@code graph} on KAFKA, one worker process per node logging into {@code logs}, with {@code fault}. */
    private Deployment deployOnKafka(CountingGraph graph, String fault, String... jvmExtra) throws IOException {
        Path file = graph.write(dir.resolve("graph.properties"));
        Path logs = Files.createDirectories(dir.resolve("logs"));
        List<String> jvmOptions = new ArrayList<>(childJvmOptions());
        jvmOptions.add("-D" + CountingGraph.FILE_PROPERTY + "=" + file);
        if (!fault.isEmpty()) {
            jvmOptions.add("-Dsluice.kafka.fault=" + fault);
        }
        jvmOptions.addAll(List.of(jvmExtra));
        return graph.build().deploy(SystemType.KAFKA, kafkaProcesses(CountingGraph.Factory.class, logs, jvmOptions));
    }

    private static void awaitCompleted(Deployment deployment) throws InterruptedException {
        DeploymentState state = deployment.awaitTermination(Duration.ofMinutes(5));
        assertThat(state)
                .as("the deployment, failed with %s", deployment.failure().map(Throwable::getMessage))
                .isEqualTo(DeploymentState.COMPLETED);
    }

    // ---- the server stopped mid-run ----

    private static final long OUTAGE_ITEMS = 200_000;
    private static final int OUTAGE_PACE = 50;

    @Test
    void aServerStoppedBrieflyMidRunIsWaitedForAndTheCountsAreExact() throws Exception {
        try (StoreServer server = ownServer()) {
            CountingGraph graph = graph(server, "outage_short", OUTAGE_ITEMS, OUTAGE_PACE, PATIENT);
            LocalOptions options = LocalOptions.defaults().withCheckpoints(dir.resolve("checkpoints"));
            try (Deployment deployment = graph.build().deploy(SystemType.LOCAL, options)) {
                awaitCounted(deployment, OUTAGE_ITEMS / 4);
                server.stop();
                Thread.sleep(3_000); // the outage: shorter than the store's retries
                assertThat(deployment.status().state())
                        .as("the deployment while its server is away")
                        .isEqualTo(DeploymentState.RUNNING);
                server.start();
                assertThat(deployment.awaitTermination(Duration.ofMinutes(3)))
                        .as("the deployment, failed with %s", deployment.failure())
                        .isEqualTo(DeploymentState.COMPLETED);
            }
            assertExact(graph);
        }
    }

    @Test
    void aServerGoneLongerThanItsRetriesFailsTheDeploymentNamingItAndAResumedRunIsExact() throws Exception {
        try (StoreServer server = ownServer()) {
            CountingGraph graph = graph(server, "outage_long", OUTAGE_ITEMS, OUTAGE_PACE, Duration.ofSeconds(1));
            LocalOptions options = LocalOptions.defaults().withCheckpoints(dir.resolve("checkpoints"));
            try (Deployment deployment = graph.build().deploy(SystemType.LOCAL, options)) {
                awaitCounted(deployment, OUTAGE_ITEMS / 4);
                server.stop();
                assertThat(deployment.awaitTermination(Duration.ofMinutes(2))).isEqualTo(DeploymentState.FAILED);
                NodeFailedException failure = deployment.failure().orElseThrow();
                assertThat(failure.getMessage()).as("the failure").contains(server.address());
                assertThat(failure.nodeId()).isIn(CountingGraph.COUNT, CountingGraph.TALLY);
            }
            server.start();
            try (Deployment resumed = graph.build().deploy(SystemType.LOCAL, options)) {
                assertThat(resumed.awaitTermination(Duration.ofMinutes(3)))
                        .as("the resumed deployment, failed with %s", resumed.failure())
                        .isEqualTo(DeploymentState.COMPLETED);
            }
            assertExact(graph);
        }
    }

    /** Waits until the counting node took {@code items}. */
    private static void awaitCounted(Deployment deployment, long items) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (deployment.status().node(CountingGraph.COUNT).itemsIn() < items) {
            assertThat(deployment.status().state()).as("the deployment").isEqualTo(DeploymentState.RUNNING);
            assertThat(System.nanoTime())
                    .as("counted %d items within two minutes", items)
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
