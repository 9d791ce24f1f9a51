package io.sluice.crash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A graph the crash tests kill, run as a JVM of its own on this test's class path, its output discarded. */
final class ChildJvm {

    private ChildJvm() {}

    /** Starts {@code main} with {@code args}, a 256 MB heap and {@code fault} ({@code sluice.checkpoints.fault}). */
    static Process start(String fault, Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        if (!fault.isEmpty()) {
            command.add("-Dsluice.checkpoints.fault=" + fault);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** The size of {@code file}, 0 before it exists. */
    static long size(Path file) throws IOException {
        return Files.exists(file) ? Files.size(file) : 0;
    }
}
