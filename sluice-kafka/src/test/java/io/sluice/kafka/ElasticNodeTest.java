package io.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.Emitter;
import io.sluice.GraphFactory;
import io.sluice.Node;
import io.sluice.NodeStatus;
import io.sluice.Partitioning;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.WorkerStatus;
import io.sluice.testkit.KafkaBroker;
import io.sluice.testkit.RunningCounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An elastic node on KAFKA under exactly-once, with worker processes: extra members of the node join the running
 * deployment, one of them and the configured instances' worker are killed with SIGKILL, and the stateful node after
 * it still counts every item exactly once — compared with what the counts must be, computed without Sluice. The power
 * check runs the same with the completion rule broken on purpose and shows the test catches it.
 */
@Tag("slow")
class ElasticNodeTest {

    static final int KEYS = 32;
    static final long ITEMS = 30_000;

    /**
     * A stateless step that waits a millisecond on something outside for each item, as an enrichment call would: the
     * node's members, not the machine's two cores, bound the throughput, so that extra members visibly help.
     */
    public static final class Enrich implements Node<Long, Long> {
        private final long waitNanos = Boolean.getBoolean(SLOW) ? 3_000_000 : 1_000_000;

        @Override
        public void process(Long item, Emitter<Long> out) {
            LockSupport.parkNanos(waitNanos);
            out.emit(item);
        }
    }

    /**
     * The system property that makes {@link Enrich} three times slower: given to the extra members, so that they still
     * hold a backlog when the configured instances are done with their own partitions — the moment the completion
     * rule is for.
     */
    static final String SLOW = "elastic.test.slow";

    /** The item at {@code i}, at no more than about 10,000 a second, so that joins and kills land mid-run. */
    static long paced(long i) {
        if (i % 10 == 0) {
            LockSupport.parkNanos(1_000_000);
        }
        return i;
    }

    static ComputationalGraph graph(String name) {
        return ComputationalGraph.builder(name)
                .start("numbers", Sources.generator(ITEMS, ElasticNodeTest::paced))
                .node("enrich", Enrich::new)
                .parallelism(2)
                .maxParallelism(8) // its input topic's partitions: room for 6 more members
                .node("count", () -> new RunningCounts(KEYS))
                .stores(RunningCounts.STORE)
                .parallelism(2)
                .end("out", Sinks.collect())
                .edge("numbers -> enrich")
                .edge("enrich -> count", Partitioning.keyed((Long x) -> x % KEYS))
                .edge("count -> out")
                .build();
    }

    public static final class Shop implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            return graph("elastic-shop");
        }
    }

    public static final class BrokenShop implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            return graph("elastic-broken");
        }
    }

    @TempDir
    Path logs;

    record Outcome(DeploymentState state, List<String> out, List<Long> extraItemsIn, NodeStatus enrich) {}

    private Process extra(Class<? extends GraphFactory> factory, int instance, List<String> jvm) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Workers.environmentJvmOptions()); // a worker started by hand, as the deployment starts its own
        command.addAll(jvm);
        command.add("-D" + SLOW + "=true");
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                Worker.class.getName(),
                "--factory",
                factory.getName(),
                "--node",
                "enrich",
                "--bootstrap",
                KafkaBroker.shared().bootstrapServers(),
                "--guarantee",
                "exactly-once",
                "--elastic",
                "enrich",
                "--instance",
                Integer.toString(instance),
                "--lifeline",
                Long.toString(ProcessHandle.current().pid())));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log(instance).toFile())
                .start();
    }

    private Path log(int instance) {
        return logs.resolve("extra-" + instance + ".log");
    }

    /** The items the extra member took, from the line its worker prints when it ends. */
    private long itemsIn(int instance) throws IOException {
        Matcher m = Pattern.compile("instance " + instance + ": (\\d+) in")
                .matcher(String.join("\n", Files.readAllLines(log(instance))));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private Outcome run(Class<? extends GraphFactory> factory, List<String> jvm) throws Exception {
        ComputationalGraph graph = factory.getConstructor().newInstance().create();
        KafkaOptions options = KafkaOptions.of(KafkaBroker.shared().bootstrapServers())
                .withGuarantee(Guarantee.EXACTLY_ONCE)
                .withOnExisting(OnExisting.FRESH)
                .withElasticNodes("enrich")
                .withWorkers(Workers.processes(factory, logs).withJvmOptions(jvm));
        List<Process> extras = new ArrayList<>();
        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options)) {
            // given the node running with its 2 configured instances
            Awaitility.await()
                    .atMost(Duration.ofMinutes(2))
                    .until(() -> deployment.status().node("enrich").itemsIn() > ITEMS / 10
                            || deployment.status().state().isFinal());

            // when 2 extra members join it mid-run
            extras.add(extra(factory, 2, jvm));
            extras.add(extra(factory, 3, jvm));
            Awaitility.await()
                    .atMost(Duration.ofMinutes(2))
                    .until(() -> deployment.status().node("enrich").extraMembers() == 2
                            || deployment.status().state().isFinal());
            long joined = deployment.status().node("enrich").itemsIn();
            Awaitility.await()
                    .atMost(Duration.ofMinutes(2))
                    .until(() -> deployment.status().node("enrich").itemsIn() > joined + ITEMS / 10
                            || deployment.status().state().isFinal());

            // and one of them and the configured instances' worker are killed with SIGKILL
            extras.get(1).destroyForcibly().waitFor(1, TimeUnit.MINUTES);
            WorkerStatus configured = deployment.status().workers().stream()
                    .filter(w -> w.node().equals("enrich"))
                    .findFirst()
                    .orElseThrow();
            ProcessHandle.of(configured.pid()).ifPresent(ProcessHandle::destroyForcibly);

            DeploymentState state = deployment.awaitTermination(Duration.ofMinutes(5));
            List<String> out = new ArrayList<>(deployment.<String>results("out"));
            Collections.sort(out);
            assertThat(extras.get(0).waitFor(2, TimeUnit.MINUTES))
                    .as("the extra member left once the input ended")
                    .isTrue();
            try (java.util.stream.Stream<Path> files = Files.list(logs)) {
                for (Path file : files.sorted().toList()) {
                    for (String line : Files.readAllLines(file)) {
                        if (line.contains("ended: [") || line.contains("FAILED")) {
                            System.out.println("elastic run, " + file.getFileName() + ": " + line);
                        }
                    }
                }
            }
            return new Outcome(
                    state, out, List.of(itemsIn(2)), deployment.status().node("enrich"));
        } finally {
            extras.forEach(Process::destroyForcibly);
        }
    }

    @Test
    void extraMembersJoinARunningElasticNodeAndKillsLoseAndDuplicateNothing() throws Exception {
        Outcome outcome = run(Shop.class, List.of());

        assertThat(outcome.state()).isEqualTo(DeploymentState.COMPLETED);
        assertThat(outcome.out())
                .as("every count exactly once, as computed without Sluice")
                .isEqualTo(RunningCounts.expected(ITEMS, KEYS));
        assertThat(outcome.extraItemsIn().get(0))
                .as("the extra member that lived took records")
                .isPositive();
        assertThat(outcome.enrich().elastic()).isTrue();
        assertThat(outcome.enrich().extraMembers()).isEqualTo(2);
        System.out.println("elastic: extra member 2 took "
                + outcome.extraItemsIn().get(0) + " of " + ITEMS + " items; node status " + outcome.enrich());
    }

    /** The power check: members that complete once their own partitions ended, not every partition. */
    @Test
    void theTestCatchesAMemberThatCompletesWithoutTheOthersPartitions() throws Exception {
        Outcome outcome = run(BrokenShop.class, List.of("-Dsluice.kafka.fault=member-completes-alone"));

        System.out.println(
                "elastic power check: " + outcome.state() + ", " + outcome.out().size() + " counts of " + ITEMS);
        assertThat(outcome.state() == DeploymentState.COMPLETED
                        && outcome.out().equals(RunningCounts.expected(ITEMS, KEYS)))
                .as("the broken completion rule is caught")
                .isFalse();
    }
}
