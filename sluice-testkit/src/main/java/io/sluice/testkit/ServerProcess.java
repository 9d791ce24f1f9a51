package io.sluice.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A real server run as a child process for tests (redis-server, dynalite, …): started with its output in a log file,
 * waited for until it answers, stopped with SIGTERM. With it, the helpers such harnesses share: a free loopback port,
 * a program on the PATH, installing a missing one with apt-get where that is possible, and deleting a directory.
 *
 * <pre>{@code
 * int port = ServerProcess.freePort();
 * ServerProcess server = ServerProcess.start(
 *         "redis-server on port " + port, command, dir.resolve("stdout.log"), Duration.ofSeconds(20),
 *         () -> ServerProcess.accepts(port));
 * ...
 * server.stop();
 * }</pre>
 */
public final class ServerProcess {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;

    private ServerProcess(Process process) {
        this.process = process;
    }

    /**
     * Starts {@code command}, its output and errors going to {@code log}, and waits until {@code ready} says it
     * answers.
     *
     * @param what the server as the failure names it: {@code redis-server on port 6379}
     * @throws IllegalStateException if it exits or does not answer within {@code timeout}, quoting its log; it is
     *     killed then
     */
    public static ServerProcess start(
            String what, List<String> command, Path log, Duration timeout, BooleanSupplier ready) {
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.getAsBoolean()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        what + " did not start within " + timeout.toSeconds() + " s; its log:\n" + read(log));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IllegalStateException("interrupted while starting " + what, e);
            }
        }
        return new ServerProcess(process);
    }

    /** Stops the server with SIGTERM, so it may write what it keeps, and waits until it is gone; SIGKILL after 20 s. */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A port free on loopback now: a server started soon after may take it. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether something accepts connections on {@code port} of loopback, within half a second. */
    public static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The full path of {@code program} on the PATH, or {@code null}. */
    public static String which(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /**
     * Installs Debian {@code packages} with apt-get, running {@code apt-get update} first if the install fails, when
     * this process runs as root where apt-get exists (a fresh CI machine).
     *
     * @param missing what is missing and how to install it by hand, for the failure when this cannot install
     * @throws IllegalStateException if not root, without apt-get, or the install failed
     */
    public static void aptInstall(String missing, String... packages) {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean apt = Files.isExecutable(Path.of("/usr/bin/apt-get"));
        if (!root || !apt) {
            throw new IllegalStateException(missing);
        }
        List<String> install = Stream.concat(
                        Stream.of("apt-get", "install", "-y", "--no-install-recommends"), Stream.of(packages))
                .toList();
        try {
            run(install, "");
        } catch (IllegalStateException e) {
            run(List.of("apt-get", "update"), "apt-get update failed");
            run(install, String.join(" ", install) + " failed; " + missing);
        }
    }

    /**
     * Runs {@code command} to its end, within 10 minutes.
     *
     * @throws IllegalStateException with {@code failure} and the command's output if it fails
     */
    public static void run(List<String> command, String failure) {
        try {
            Path log = Files.createTempFile("sluice-install-", ".log");
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException(failure + "\n" + read(log));
            }
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The text of {@code file}, or {@code ""} if it cannot be read. */
    public static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** The last {@code lines} lines of {@code file}, each ended by a newline, or {@code ""} if it cannot be read. */
    public static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
        } catch (IOException e) {
            return "";
        }
    }

    /** Deletes {@code dir} and everything in it, as far as it can: a temporary directory left is no test's failure. */
    public static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // left behind
        }
    }
}
