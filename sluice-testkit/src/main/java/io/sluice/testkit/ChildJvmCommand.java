package io.sluice.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line of a JVM a test starts for a process of its own (a graph it kills, a server): this JVM's {@code
 * java} and class path, a 256 MB heap, the options the build gives worker processes ({@code SLUICE_WORKER_JAVA_OPTS}:
 * such a JVM lives seconds, as a test's workers do, and starts as cheaply), then {@code jvmOptions}, the main class
 * and its arguments.
 */
public final class ChildJvmCommand {

    private static final List<String> WORKER_JVM_OPTIONS = Arrays.stream(System.getenv()
                    .getOrDefault("SLUICE_WORKER_JAVA_OPTS", "")
                    .strip()
                    .split("\\s+"))
            .filter(option -> !option.isEmpty())
            .toList();

    private ChildJvmCommand() {}

    /** The options of {@code SLUICE_WORKER_JAVA_OPTS}, one per element. */
    static List<String> workerJvmOptions() {
        return WORKER_JVM_OPTIONS;
    }

    /** {@code java -Xmx256m $SLUICE_WORKER_JAVA_OPTS <jvmOptions> -cp <this class path> <main> <args>}. */
    public static List<String> of(List<String> jvmOptions, Class<?> main, String... args) {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        command.addAll(WORKER_JVM_OPTIONS);
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** {@code jvmOptions} with {@code -D<property>=<fault>} added, unless {@code fault} is empty. */
    public static List<String> withFault(List<String> jvmOptions, String property, String fault) {
        List<String> options = new ArrayList<>(jvmOptions);
        if (!fault.isEmpty()) {
            options.add("-D" + property + "=" + fault);
        }
        return options;
    }
}
