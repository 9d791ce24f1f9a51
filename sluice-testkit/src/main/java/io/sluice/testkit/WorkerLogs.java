package io.sluice.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The logs process workers keep ({@code <logDir>/<node>.log}), read the way a crash test needs them: which process
 * runs a node now, so that it can be killed, and how many times the node's worker started.
 */
public final class WorkerLogs {

    private final Path directory;

    private WorkerLogs(Path directory) {
        this.directory = directory;
    }

    /** The logs in {@code directory}, as {@code Workers.processes(…, directory)} writes them. */
    public static WorkerLogs in(Path directory) {
        return new WorkerLogs(directory);
    }

    /**
     * The live worker process of {@code node}: the pid its latest start line names ({@code sluice-worker: node 'x'
     * starting in process PID}), if that process is alive; {@code null} otherwise.
     */
    public ProcessHandle liveWorker(String node) throws IOException {
        List<String> starts = startLines(node);
        if (starts.isEmpty()) {
            return null;
        }
        String last = starts.get(starts.size() - 1);
        long pid = Long.parseLong(last.substring(last.lastIndexOf(' ') + 1));
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).orElse(null);
    }

    /** How many times a worker of {@code node} started. */
    public long starts(String node) throws IOException {
        return startLines(node).size();
    }

    private List<String> startLines(String node) throws IOException {
        Path log = directory.resolve(node + ".log");
        if (!Files.exists(log)) {
            return List.of();
        }
        return Files.readAllLines(log).stream()
                .filter(line -> line.startsWith("sluice-worker: node '" + node + "' starting in process "))
                .toList();
    }
}
