package io.sluice.kafka.internal;

import io.sluice.NodeSpec;
import io.sluice.WorkerStatus;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.Worker;
import io.sluice.kafka.Workers;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launches the worker process of one node and keeps it alive: a worker that dies (a crash, {@code kill -9}) is
 * started again and resumes from its committed offsets, up to {@link Workers#restartLimit} times within {@link
 * Workers#restartWindow}; a worker whose node failed ends the deployment, quoting the failure; a worker that exits
 * cleanly has completed its node. The worker gets the deployment's {@link KafkaOptions} on its standard input, which
 * the supervisor then keeps open for the worker's life: if the deploying JVM dies, even by {@code kill -9}, the pipe
 * closes and the worker stops (as it does once this JVM's pid is gone: {@code --lifeline}), rather than run on
 * unsupervised.
 */
final class Supervisor implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    private static final Duration BACKOFF = Duration.ofMillis(500);

    /** What the java launcher prints when the class path lacks the worker's main class. */
    private static final String NO_MAIN_CLASS = "Could not find or load main class";

    private static final String NO_JVM = "Could not create the Java Virtual Machine"; // the reason before it
    private static final String VM_INIT_ERROR = "Error occurred during initialization of VM"; // the reason after it

    private final KafkaDeployment deployment;
    private final NodeSpec spec;
    private final Path log;
    private final RestartLimit restarts;
    private volatile Process process;
    private volatile int starts;
    private boolean held; // a rescale stopped the worker: start it again only once released; guarded by this

    Supervisor(KafkaDeployment deployment, NodeSpec spec) {
        this.deployment = deployment;
        this.spec = spec;
        Workers workers = deployment.options().workers();
        this.log = workers.logDirectory().resolve(spec.id() + ".log");
        this.restarts = new RestartLimit(workers.restartLimit(), workers.restartWindow(), System::nanoTime);
    }

    /** The worker as the deployment's status shows it. */
    WorkerStatus status() {
        Process current = process;
        return new WorkerStatus(
                spec.id(),
                current != null && current.isAlive(),
                current == null ? 0 : current.pid(),
                starts,
                Optional.of(log.toAbsolutePath().toString()));
    }

    String name() {
        return "sluice-" + deployment.graph().name() + "-" + spec.id() + "-supervisor";
    }

    @Override
    public void run() {
        try {
            Files.createDirectories(log.getParent());
            boolean relaunch = false; // after a rescale: not a restart
            while (deployment.isRunning()) {
                Process started;
                synchronized (this) {
                    while (held && deployment.isRunning()) {
                        wait();
                        relaunch = true;
                    }
                    if (!deployment.isRunning()) {
                        return;
                    }
                    started = launch();
                    process = started;
                    if (!relaunch) {
                        starts++;
                    }
                    relaunch = false;
                }
                int exit;
                try {
                    exit = started.waitFor();
                } finally {
                    closeQuietly(started.getOutputStream());
                }
                synchronized (this) {
                    if (held) {
                        continue; // stopped for a rescale, which starts it again
                    }
                }
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
        Workers workers = options.workers();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn"); // before the user's, which may override it
        command.addAll(Workers.environmentJvmOptions());
        command.addAll(workers.jvmOptions());
        command.addAll(List.of(
                "-cp",
                workers.classPath(),
                Worker.class.getName(),
                "--factory",
                workers.factory(),
                "--node",
                spec.id(),
                "--bootstrap",
                options.bootstrapServers(),
                "--options",
                "-",
                "--lifeline",
                Long.toString(ProcessHandle.current().pid())));
        String parallelism = deployment.parallelismFlag();
        if (!parallelism.isEmpty()) {
            command.addAll(List.of("--parallelism", parallelism)); // every worker agrees on rescaled nodes
        }
        Process started = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        try {
            WorkerOptions.write(options, started.getOutputStream()); // and kept open: the worker's lifeline
        } catch (IOException e) {
            // the worker died before reading its options; its exit code and log say why
            LOG.debug("Worker of node '{}' did not take its options: {}", spec.id(), e.toString());
        }
        return started;
    }

    private static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException e) {
            // the worker has ended; nothing reads the pipe
        }
    }

    /** Stops the worker: SIGTERM, then SIGKILL after the timeout. */
    void stop(Duration timeout) {
        synchronized (this) {
            notifyAll(); // a held supervisor sees the deployment stopping
        }
        stop(process, timeout);
    }

    /**
     * Stops the worker for a rescale and returns once its process is gone: SIGTERM, which aborts its open
     * transaction, then SIGKILL after the timeout. The supervisor starts it again only on {@link #release}, and does
     * not count that as a restart.
     */
    void hold(Duration timeout) throws InterruptedException {
        Process running;
        synchronized (this) {
            held = true;
            running = process;
        }
        stop(running, timeout);
        if (running != null) {
            running.waitFor(); // killed if it did not stop: gone now
        }
    }

    /** Starts the worker held by {@link #hold} again, with the command line the deployment gives now. */
    synchronized void release() {
        held = false;
        notifyAll();
    }

    private static void stop(Process running, Duration timeout) {
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

    String node() {
        return spec.id();
    }

    /** The worker's JVM refused its options, saying {@code reason}. */
    private String refusedOptions(String reason) {
        List<String> options = new ArrayList<>(Workers.environmentJvmOptions());
        options.addAll(deployment.options().workers().jvmOptions());
        return "Node '" + spec.id() + "': its worker JVM did not start with the options " + options + " ("
                + Workers.JVM_OPTIONS_VARIABLE + ", then Workers.withJvmOptions): " + reason + "; see " + log;
    }

    /** The failure the worker printed last, what kept its JVM from starting it, or a pointer to its log. */
    private String lastFailure() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i);
                if (line.startsWith(NodeProcess.FAILURE_PREFIX)) {
                    return line.substring(NodeProcess.FAILURE_PREFIX.length());
                }
                if (line.contains(NO_JVM) || line.contains(VM_INIT_ERROR)) {
                    int reason = line.contains(NO_JVM) ? i - 1 : i + 1;
                    return refusedOptions(
                            reason >= 0 && reason < lines.size()
                                    ? lines.get(reason).strip()
                                    : "");
                }
                if (line.contains(NO_MAIN_CLASS)) {
                    return "Node '" + spec.id() + "': its worker JVM could not load " + Worker.class.getName()
                            + " from the class path "
                            + deployment.options().workers().classPath()
                            + "; it needs Sluice, Kafka's clients and the graph's classes: set"
                            + " Workers.withClassPath(…) (the default is this JVM's java.class.path); see " + log;
                }
            }
        } catch (IOException e) {
            // fall through to the pointer
        }
        return "Node '" + spec.id() + "' failed in its worker process; see " + log;
    }
}
