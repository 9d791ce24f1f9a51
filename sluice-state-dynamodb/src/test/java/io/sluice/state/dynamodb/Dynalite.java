package io.sluice.state.dynamodb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real DynamoDB-compatible server on loopback for tests: dynalite (npm, MIT licence), run by {@code node} on a free
 * port, in memory or, with {@link #startPersistent}, on LevelDB files in its own directory so that {@link #stop} and
 * {@link #restart} keep the data. {@link #close} stops it and deletes its directory.
 *
 * <p>dynalite is installed with {@code npm install} into {@code ~/.cache/sluice/dynalite-<version>} the first time.
 * When {@code node} or {@code npm} is missing they are installed with {@code apt-get install -y nodejs npm} if this
 * process runs as root where apt-get exists (a fresh CI machine); otherwise the test fails saying how to install them.
 *
 * <p>It also sets the AWS SDK's test credentials and turns off the instance metadata service, so that no test looks
 * for credentials or a region beyond this machine.
 */
final class Dynalite implements AutoCloseable {

    static final String VERSION = "4.0.0";
    static final String REGION = "us-east-1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    static {
        System.setProperty("aws.accessKeyId", "sluice-test");
        System.setProperty("aws.secretAccessKey", "sluice-test-secret");
        System.setProperty("aws.disableEc2Metadata", "true");
    }

    private final Path dir;
    private final int port;
    private final boolean persistent;
    private Process process;

    private Dynalite(Path dir, int port, boolean persistent) {
        this.dir = dir;
        this.port = port;
        this.persistent = persistent;
    }

    private static Dynalite shared;

    /** One in-memory server for every test that needs none of its own, stopped when the JVM exits. */
    static synchronized Dynalite shared() {
        if (shared == null) {
            Dynalite server = start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "dynalite-stop"));
            shared = server;
        }
        return shared;
    }

    /** A server holding its tables in memory. */
    static Dynalite start() {
        return start(false);
    }

    /** A server holding its tables in LevelDB files, so that a restart keeps them. */
    static Dynalite startPersistent() {
        return start(true);
    }

    private static Dynalite start(boolean persistent) {
        try {
            Dynalite server = new Dynalite(Files.createTempDirectory("sluice-dynalite-"), freePort(), persistent);
            server.restart();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Starts the server (again), on its port, and waits until it accepts connections. */
    void restart() {
        List<String> command = new ArrayList<>(List.of(
                node(),
                cli().toString(),
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--createTableMs",
                "50",
                "--deleteTableMs",
                "50"));
        if (persistent) {
            command.addAll(List.of("--path", dir.resolve("data").toString()));
        }
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("dynalite.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("dynalite on port " + port + " did not start within "
                        + START_TIMEOUT.toSeconds() + " s; its log:\n" + read(dir.resolve("dynalite.log")));
            }
            pause();
        }
    }

    /** Stops the server and waits until it is gone. */
    void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is no failure of the test
        }
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ---- node and dynalite ----

    private static Path cli;
    private static String node;

    private static synchronized String node() {
        if (node == null) {
            node = which("node");
            if (node == null || which("npm") == null) {
                installNode();
                node = which("node");
            }
            if (node == null) {
                throw new IllegalStateException("nodejs was installed but 'node' is not on the PATH");
            }
        }
        return node;
    }

    /** dynalite's cli.js, installed with npm into the user's cache the first time. */
    private static synchronized Path cli() {
        if (cli == null) {
            Path home = Path.of(System.getProperty("user.home"), ".cache", "sluice", "dynalite-" + VERSION);
            Path script = home.resolve("node_modules/dynalite/cli.js");
            if (!Files.exists(script)) {
                node();
                try {
                    Files.createDirectories(home);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                run(
                        List.of(
                                which("npm"),
                                "install",
                                "--no-audit",
                                "--no-fund",
                                "--prefix",
                                home.toString(),
                                "dynalite@" + VERSION),
                        "npm install dynalite@" + VERSION + " into " + home + " failed; run it by hand to see why");
            }
            cli = script;
        }
        return cli;
    }

    private static void installNode() {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean apt = Files.isExecutable(Path.of("/usr/bin/apt-get"));
        if (!root || !apt) {
            throw new IllegalStateException("The dynamodb tests run dynalite, which needs node and npm, and they are"
                    + " not on the PATH; install them with: sudo apt-get install -y nodejs npm"
                    + " (or from nodejs.org)");
        }
        try {
            run(List.of("apt-get", "install", "-y", "--no-install-recommends", "nodejs", "npm"), "");
        } catch (IllegalStateException e) {
            run(List.of("apt-get", "update"), "apt-get update failed");
            run(
                    List.of("apt-get", "install", "-y", "--no-install-recommends", "nodejs", "npm"),
                    "apt-get install nodejs npm failed; install them by hand");
        }
    }

    private static String which(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    private static void run(List<String> command, String failure) {
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

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
