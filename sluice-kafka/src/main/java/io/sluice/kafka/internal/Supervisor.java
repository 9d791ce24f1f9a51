package io.sluice.kafka.internal;

import io.sluice.NodeSpec;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.Worker;
import io.sluice.kafka.Workers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launches the worker process of one node and keeps it alive: a worker that dies (a crash, {@code kill -9}) is
 * started again and resumes from its committed offsets, up to {@link Workers#restartLimit} times within {@link
 * Workers#restartWindow}; a worker whose node failed ends the deployment, quoting the failure; a worker that exits
 * cleanly has completed its node.
 */
final class Supervisor implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    private static final Duration BACKOFF = Duration.ofMillis(500);

    private final KafkaDeployment deployment;
    private final NodeSpec spec;
    private final Path log;
    private final RestartLimit restarts;
    private volatile Process process;

    Supervisor(KafkaDeployment deployment, NodeSpec spec) {
        this.deployment = deployment;
        this.spec = spec;
        Workers workers = deployment.options().workers();
        this.log = workers.logDirectory().resolve(spec.id() + ".log");
        this.restarts = new RestartLimit(workers.restartLimit(), workers.restartWindow(), System::nanoTime);
    }

    String name() {
        return "sluice-" + deployment.graph().name() + "-" + spec.id() + "-supervisor";
    }

    @Override
    public void run() {
        try {
            Files.createDirectories(log.getParent());
            while (deployment.isRunning()) {
                Process started = launch();
                process = started;
                int exit = started.waitFor();
                if (exit == 0 || !deployment.isRunning()) {
                    return;
                }
                if (exit == NodeProcess.EXIT_NODE_FAILED) {
                    deployment.failNode(spec.id(), lastFailure());
                    return;
                }
                if (!restarts.allowRestart()) {
                    deployment.failNode(spec.id(), restarts.exhausted(spec.id(), exit, log));
                    return;
                }
                LOG.warn(
                        "Worker of node '{}' exited with code {}; restarting it ({}); log: {}",
                        spec.id(),
                        exit,
                        restarts.progress(),
                        log);
                Thread.sleep(BACKOFF);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            deployment.failNode(spec.id(), "Node '" + spec.id() + "': cannot start its worker process: " + e);
        } finally {
            deployment.workerFinished();
        }
    }

    private Process launch() throws IOException {
        KafkaOptions options = deployment.options();
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn",
                "-cp",
                System.getProperty("java.class.path"),
                Worker.class.getName(),
                "--factory",
                options.workers().factory(),
                "--node",
                spec.id(),
                "--bootstrap",
                options.bootstrapServers(),
                "--guarantee",
                options.guarantee().label(),
                "--replication",
                Short.toString(options.replicationFactor()),
                "--timeout-ms",
                Long.toString(options.timeout().toMillis()));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /** Stops the worker: SIGTERM, then SIGKILL after the timeout. */
    void stop(Duration timeout) {
        Process running = process;
        if (running == null) {
            return;
        }
        running.destroy();
        try {
            if (!running.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                running.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.destroyForcibly();
        }
    }

    /** The failure the worker printed last, or a pointer to its log. */
    private String lastFailure() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith(NodeProcess.FAILURE_PREFIX)) {
                    return lines.get(i).substring(NodeProcess.FAILURE_PREFIX.length());
                }
            }
        } catch (IOException e) {
            // fall through to the pointer
        }
        return "Node '" + spec.id() + "' failed in its worker process; see " + log;
    }
}
