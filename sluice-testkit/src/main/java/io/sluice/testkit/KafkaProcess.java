package io.sluice.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft broker in a child JVM ({@code kafka.Kafka} with a generated {@code server.properties},
 * formatted with {@code kafka.tools.StorageTool --standalone}), for tests that must kill the broker and bring it back
 * on the same data. Its ports are chosen free on loopback and kept across restarts.
 *
 * <pre>{@code
 * try (KafkaProcess kafka = KafkaProcess.start(dir)) {
 *     ...
 *     kafka.kill();     // SIGKILL
 *     kafka.restart();  // same data, same address
 * }
 * }</pre>
 */
public final class KafkaProcess implements AutoCloseable {

    private static final Duration READY = Duration.ofSeconds(90);

    private final Path directory;
    private final Path config;
    private final int brokerPort;
    private Process process;

    private KafkaProcess(Path directory, Path config, int brokerPort) {
        this.directory = directory;
        this.config = config;
        this.brokerPort = brokerPort;
    }

    /** Formats storage under {@code directory} and starts the broker, waiting until it answers. */
    public static KafkaProcess start(Path directory) {
        try {
            Files.createDirectories(directory);
            int brokerPort = ServerProcess.freePort();
            int controllerPort = ServerProcess.freePort();
            Path config = directory.resolve("server.properties");
            Files.writeString(
                    config,
                    String.join(
                            "\n",
                            "process.roles=broker,controller",
                            "node.id=1",
                            "controller.quorum.bootstrap.servers=localhost:" + controllerPort,
                            "listeners=PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:"
                                    + controllerPort,
                            "advertised.listeners=PLAINTEXT://localhost:" + brokerPort,
                            "controller.listener.names=CONTROLLER",
                            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                            "log.dirs=" + directory.resolve("data"),
                            "offsets.topic.replication.factor=1",
                            "offsets.topic.num.partitions=4",
                            "transaction.state.log.replication.factor=1",
                            "transaction.state.log.min.isr=1",
                            "transaction.state.log.num.partitions=4",
                            "group.initial.rebalance.delay.ms=0",
                            "auto.create.topics.enable=false",
                            ""));
            KafkaProcess kafka = new KafkaProcess(directory, config, brokerPort);
            int formatted = kafka.java(
                            "kafka.tools.StorageTool",
                            "format",
                            "-t",
                            Uuid.randomUuid().toString(),
                            "-c",
                            config.toString(),
                            "--standalone")
                    .waitFor();
            if (formatted != 0) {
                throw new IllegalStateException("kafka.tools.StorageTool format exited with " + formatted + "; see "
                        + directory.resolve("kafka.log"));
            }
            kafka.restart();
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a Kafka broker in " + directory, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting a Kafka broker", e);
        }
    }

    /** Starts the broker again on the same data and address, waiting until it answers. */
    public void restart() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the broker is running; kill() or close() it first");
        }
        try {
            process = java("kafka.Kafka", config.toString());
            awaitReady();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Kafka broker in " + directory, e);
        }
    }

    /** The address clients connect to. */
    public String bootstrapServers() {
        return "localhost:" + brokerPort;
    }

    /** The broker's process, while it runs. */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** Kills the broker at once, as {@code kill -9} does. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Stops the broker: SIGTERM, then SIGKILL after 30 s. */
    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private Process java(String mainClass, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        directory.resolve("kafka.log").toFile()))
                .start();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY.toNanos();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000))) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the Kafka broker exited with " + process.exitValue() + "; see "
                            + directory.resolve("kafka.log"));
                }
                try {
                    admin.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new IllegalStateException(
                                "the Kafka broker did not answer within " + READY + "; see "
                                        + directory.resolve("kafka.log"),
                                e);
                    }
                }
            }
        }
    }
}
