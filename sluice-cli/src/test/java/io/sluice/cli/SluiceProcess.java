package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@code sluice} command as a user runs it: a real process on this build's class path. */
final class SluiceProcess {

    /** How a run ended: its exit code and what it printed. */
    record Outcome(int exit, String out, String err) {}

    private SluiceProcess() {}

    static Outcome run(String... args) throws Exception {
        return run(java.util.Map.of(), args);
    }

    /** A run with {@code environment} added to this process's own. */
    static Outcome run(java.util.Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // a command lives seconds, as a test's workers do: it starts as cheaply (the build's SLUICE_WORKER_JAVA_OPTS)
        command.addAll(io.sluice.kafka.Workers.environmentJvmOptions());
        command.addAll(List.of(
                "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process process = builder.start();
        // read both streams before waiting, so that a full pipe never blocks the process; on a thread of its own,
        // since the common pool may have a single thread, busy with something else (a dev server the test started)
        java.util.concurrent.FutureTask<String> err =
                new java.util.concurrent.FutureTask<>(() -> readAll(process.getErrorStream()));
        Thread.ofVirtual().start(err);
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(3, TimeUnit.MINUTES))
                .as("sluice %s ended", List.of(args))
                .isTrue();
        return new Outcome(process.exitValue(), new String(out, StandardCharsets.UTF_8), err.get(1, TimeUnit.MINUTES));
    }

    private static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
