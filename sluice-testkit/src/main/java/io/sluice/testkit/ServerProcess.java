package io.sluice.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A real server run as a child process for tests (redis-server, dynalite, …): started with its output in a log file,
 * waited for until it answers, stopped with SIGTERM. With it, the helpers such harnesses share: a free port that no
 * client's connection can take before the server listens on it, a program on the PATH, installing a missing one with
 * apt-get where that is possible — once, however many test JVMs ask at once — and deleting a directory.
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

    /** Where the kernel says its ephemeral ports are, on Linux. */
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    /** The lowest port {@link #freePort} picks: well above the ports of system services. */
    static final int LOWEST_PORT = 10_000;

    /**
     * A port free now on every address, outside the kernel's ephemeral range where there is room. The kernel gives
     * each outgoing connection a local port from that range (and a server asking for port 0 one too), so a port picked
     * there could be taken by some client's connection between this call and the server's start, or while a server is
     * stopped and started again on it, as the crash tests do. Outside the range only another listener can take it.
     * Picked at random, so that two JVMs asking at once rarely try the same one; where nothing outside the range is
     * free, a port the kernel picks.
     */
    public static int freePort() {
        int[] ephemeral = ephemeralRange();
        int below = Math.max(0, ephemeral[0] - LOWEST_PORT); // [LOWEST_PORT, ephemeral low)
        int above = Math.max(0, 65_535 - ephemeral[1]); // (ephemeral high, 65535]
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 100 && below + above > 0; attempt++) {
            int pick = random.nextInt(below + above);
            int port = pick < below ? LOWEST_PORT + pick : ephemeral[1] + 1 + pick - below;
            if (free(port)) {
                return port;
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The kernel's ephemeral port range, low and high inclusive; Linux's default where it does not say. */
    static int[] ephemeralRange() {
        try {
            String[] bounds = Files.readString(EPHEMERAL_RANGE).trim().split("\\s+");
            return new int[] {Integer.parseInt(bounds[0]), Integer.parseInt(bounds[1])};
        } catch (IOException | RuntimeException e) {
            return new int[] {32_768, 60_999};
        }
    }

    /** Whether a server can listen on {@code port} of every address now. */
    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return socket.isBound();
        } catch (IOException e) {
            return false;
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

    /** Where what the tests install for every JVM of this machine goes, with the locks that guard it. */
    public static final Path CACHE = Path.of(System.getProperty("user.home"), ".cache", "sluice");

    /** How long apt-get waits for dpkg's lock, which an apt run outside the tests may hold (.ci/run's, say). */
    static final Duration DPKG_LOCK_TIMEOUT = Duration.ofMinutes(5);

    /**
     * What {@code find} finds, installing Debian {@code packages} first if it finds nothing: with apt-get, when this
     * process runs as root where apt-get exists (a fresh CI machine), running {@code apt-get update} first if the
     * install fails. Test JVMs of modules built at once ({@code mvn -T 2}) may want packages at the same moment, and
     * dpkg lets one at a time in: the install runs under {@link #installOnce}'s lock {@code apt.lock} in {@link
     * #CACHE}, and apt-get waits up to {@link #DPKG_LOCK_TIMEOUT} for dpkg's lock as well.
     *
     * @param find where the program is, or {@code null} while it is missing; asked again once the lock is held
     * @param missing what is missing and how to install it by hand, for the failure when this cannot install
     * @return what {@code find} finds, after the install if one ran; {@code null} if it still finds nothing
     * @throws IllegalStateException if it must install but this process is not root or has no apt-get, or the
     *     install failed
     */
    public static <T> T aptInstall(Supplier<T> find, String missing, String... packages) {
        return installOnce(CACHE.resolve("apt.lock"), find, () -> aptGetInstall(missing, packages));
    }

    private static void aptGetInstall(String missing, String... packages) {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean apt = Files.isExecutable(Path.of("/usr/bin/apt-get"));
        if (!root || !apt) {
            throw new IllegalStateException(missing);
        }
        List<String> install = Stream.concat(
                        aptGet("install", "-y", "--no-install-recommends").stream(), Stream.of(packages))
                .toList();
        try {
            run(install, "");
        } catch (IllegalStateException e) {
            run(aptGet("update"), "apt-get update failed");
            run(install, String.join(" ", install) + " failed; " + missing);
        }
    }

    /** An apt-get command that asks nothing and waits for dpkg's lock rather than failing at once. */
    private static List<String> aptGet(String... arguments) {
        return Stream.concat(
                        Stream.of(
                                "env",
                                "DEBIAN_FRONTEND=noninteractive",
                                "apt-get",
                                "-o",
                                "DPkg::Lock::Timeout=" + DPKG_LOCK_TIMEOUT.toSeconds()),
                        Stream.of(arguments))
                .toList();
    }

    /** The monitor of each lock file, which this JVM's threads take before the file's lock. */
    private static final Map<Path, Object> IN_THIS_JVM = new ConcurrentHashMap<>();

    /**
     * What {@code find} finds, running {@code install} first if it finds nothing — once on this machine, however many
     * JVMs (and threads) ask at once: {@code install} runs holding an exclusive lock on the file {@code lock}, and
     * only if {@code find} still finds nothing once the lock is held, as another JVM may have installed meanwhile. So
     * {@code find} must find nothing until an install is whole (a marker written last, say): a JVM that finds it
     * takes no lock. A JVM that dies mid-install lets go of the lock with its process, and the next one installs.
     *
     * @return what {@code find} finds, after the install if one ran; {@code null} if it still finds nothing
     */
    public static <T> T installOnce(Path lock, Supplier<T> find, Runnable install) {
        T found = find.get();
        if (found != null) {
            return found;
        }
        // A file lock is held by the whole JVM, and a second one on the same file throws: threads queue here first.
        synchronized (IN_THIS_JVM.computeIfAbsent(lock.toAbsolutePath().normalize(), path -> new Object())) {
            try {
                Files.createDirectories(lock.getParent());
                try (FileChannel channel =
                        FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    channel.lock(); // let go when the channel closes
                    found = find.get();
                    if (found == null) {
                        install.run();
                        found = find.get();
                    }
                    return found;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock " + lock + " to install", e);
            }
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
