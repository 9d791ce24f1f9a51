package io.sluice.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real replicated KRaft cluster of {@code n} nodes, each a child JVM that is broker and controller at once ({@code
 * kafka.Kafka}), with replication factor {@code n} for Kafka's own topics, {@code min.insync.replicas} {@code n - 1}
 * and unclean leader election off: the production shape, small. A test can kill one node with SIGKILL and bring it
 * back on the same data and address while clients go on with the others.
 *
 * <pre>{@code
 * try (KafkaCluster kafka = KafkaCluster.start(dir, 3)) {
 *     graph.deploy(SystemType.KAFKA, KafkaOptions.of(kafka.bootstrapServers()).withReplicationFactor(3));
 *     kafka.kill(2);
 *     kafka.restart(2);
 * }
 * }</pre>
 */
public final class KafkaCluster implements AutoCloseable {

    private static final Duration READY = Duration.ofSeconds(120);

    private final Path directory;
    private final int[] brokerPorts;
    private final Process[] processes;

    private KafkaCluster(Path directory, int[] brokerPorts) {
        this.directory = directory;
        this.brokerPorts = brokerPorts;
        this.processes = new Process[brokerPorts.length];
    }

    /** Formats and starts {@code nodes} nodes (at least 3) under {@code directory}, waiting until all answer. */
    public static KafkaCluster start(Path directory, int nodes) {
        if (nodes < 3) {
            throw new IllegalArgumentException("a replicated cluster needs at least 3 nodes, found " + nodes);
        }
        try {
            int[] brokerPorts = new int[nodes];
            int[] controllerPorts = new int[nodes];
            StringJoiner voters = new StringJoiner(",");
            for (int i = 0; i < nodes; i++) {
                brokerPorts[i] = ServerProcess.freePort();
                controllerPorts[i] = ServerProcess.freePort();
                voters.add((i + 1) + "@localhost:" + controllerPorts[i]);
            }
            KafkaCluster cluster = new KafkaCluster(directory, brokerPorts);
            String clusterId = Uuid.randomUuid().toString();
            for (int i = 0; i < nodes; i++) {
                Path home = Files.createDirectories(cluster.home(i + 1));
                Files.writeString(
                        cluster.config(i + 1),
                        String.join(
                                "\n",
                                "process.roles=broker,controller",
                                "node.id=" + (i + 1),
                                "controller.quorum.voters=" + voters,
                                "listeners=PLAINTEXT://localhost:" + brokerPorts[i] + ",CONTROLLER://localhost:"
                                        + controllerPorts[i],
                                "advertised.listeners=PLAINTEXT://localhost:" + brokerPorts[i],
                                "controller.listener.names=CONTROLLER",
                                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                                "log.dirs=" + home.resolve("data"),
                                "default.replication.factor=" + nodes,
                                "min.insync.replicas=" + (nodes - 1),
                                "unclean.leader.election.enable=false",
                                "offsets.topic.replication.factor=" + nodes,
                                "offsets.topic.num.partitions=4",
                                "transaction.state.log.replication.factor=" + nodes,
                                "transaction.state.log.min.isr=" + (nodes - 1),
                                "transaction.state.log.num.partitions=4",
                                "group.initial.rebalance.delay.ms=0",
                                "auto.create.topics.enable=false",
                                ""));
                int formatted = cluster.java(
                                i + 1,
                                "kafka.tools.StorageTool",
                                "format",
                                "-t",
                                clusterId,
                                "-c",
                                cluster.config(i + 1).toString())
                        .waitFor();
                if (formatted != 0) {
                    throw new IllegalStateException("kafka.tools.StorageTool format of node " + (i + 1)
                            + " exited with " + formatted + "; see " + cluster.log(i + 1));
                }
            }
            for (int node = 1; node <= nodes; node++) {
                cluster.processes[node - 1] =
                        cluster.java(node, "kafka.Kafka", cluster.config(node).toString());
            }
            for (int node = 1; node <= nodes; node++) {
                cluster.awaitReady(node);
            }
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a Kafka cluster in " + directory, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting a Kafka cluster", e);
        }
    }

    /** Every node's address, as clients take them. */
    public String bootstrapServers() {
        StringJoiner servers = new StringJoiner(",");
        for (int port : brokerPorts) {
            servers.add("localhost:" + port);
        }
        return servers.toString();
    }

    /** How many nodes the cluster has; they are numbered from 1. */
    public int nodes() {
        return brokerPorts.length;
    }

    /** Kills node {@code node} at once, as {@code kill -9} does. */
    public void kill(int node) throws InterruptedException {
        Process process = processes[node - 1];
        process.destroyForcibly();
        process.waitFor();
    }

    /** Starts node {@code node} again on its data and address, waiting until it answers. */
    public void restart(int node) {
        Process process = processes[node - 1];
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("node " + node + " is running; kill it first");
        }
        try {
            processes[node - 1] = java(node, "kafka.Kafka", config(node).toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + node + " of the Kafka cluster", e);
        }
        awaitReady(node);
    }

    /** Stops every node: SIGTERM, then SIGKILL after 30 s. */
    @Override
    public void close() {
        for (Process process : processes) {
            if (process != null && process.isAlive()) {
                process.destroy();
            }
        }
        for (Process process : processes) {
            try {
                if (process != null && !process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private Path home(int node) {
        return directory.resolve("node-" + node);
    }

    private Path config(int node) {
        return home(node).resolve("server.properties");
    }

    private Path log(int node) {
        return home(node).resolve("kafka.log");
    }

    private Process java(int node, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(node).toFile()))
                .start();
    }

    /** Waits until node {@code node} answers a metadata request itself. */
    private void awaitReady(int node) {
        long deadline = System.nanoTime() + READY.toNanos();
        Process process = processes[node - 1];
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + brokerPorts[node - 1],
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000))) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(
                            "node " + node + " exited with " + process.exitValue() + "; see " + log(node));
                }
                try {
                    int brokers = admin.describeCluster()
                            .nodes()
                            .get(5, TimeUnit.SECONDS)
                            .size();
                    if (brokers == nodes()) {
                        return;
                    }
                } catch (Exception e) {
                    // not up yet
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException(
                            "node " + node + " did not see the whole cluster within " + READY + "; see " + log(node));
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for node " + node, e);
                }
            }
        }
    }
}
