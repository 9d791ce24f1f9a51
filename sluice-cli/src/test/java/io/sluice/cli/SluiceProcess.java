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
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                Main.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        // read both streams before waiting, so that a full pipe never blocks the process
        var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(3, TimeUnit.MINUTES))
                .as("sluice %s ended", List.of(args))
                .isTrue();
        return new Outcome(process.exitValue(), new String(out, StandardCharsets.UTF_8), err.join());
    }

    private static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
