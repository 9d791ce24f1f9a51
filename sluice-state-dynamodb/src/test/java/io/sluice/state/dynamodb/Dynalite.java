package io.sluice.state.dynamodb;

import io.sluice.testkit.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real DynamoDB-compatible server on loopback for tests: dynalite (npm, MIT licence), run by {@code node} on a free
 * port, in memory or, with {@link #startPersistent}, on LevelDB files in its own directory so that {@link #stop} and
 * {@link #restart} keep the data. {@link #close} stops it and deletes its directory.
 *
 * <p>dynalite is installed with {@code npm install} into {@code ~/.cache/sluice/dynalite-<version>} the first time,
 * by one JVM of the machine at a time. When {@code node} or {@code npm} is missing they are installed with {@code
 * apt-get install -y nodejs npm} if this process runs as root where apt-get exists (a fresh CI machine); otherwise the
 * test fails saying how to install them.
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
    private ServerProcess process;

    private Dynalite(Path dir, int port, boolean persistent) {
        this.dir = dir;
        this.port = port;
        this.persistent = persistent;
    }

    private static Dynalite shared;

    /**
     * One in-memory server for every test that needs none of its own, stopped when the JVM exits. A shared server
     * found dead is started again on its port, its log's tail printed first: it died under a clean-clone CI run twice
     * (every later test then failed with "Connection refused"), and each test uses tables of its own, so nothing a
     * test needs is lost, while the log says why it died.
     */
    static synchronized Dynalite shared() {
        if (shared == null) {
            Dynalite server = start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "dynalite-stop"));
            shared = server;
        } else if (!ServerProcess.accepts(shared.port)) {
            System.err.println("The shared dynalite on port " + shared.port + " is gone; starting it again. Its log"
                    + " ended with:\n" + ServerProcess.tail(shared.dir.resolve("dynalite.log"), 30));
            shared.stop();
            shared.restart();
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
            Dynalite server =
                    new Dynalite(Files.createTempDirectory("sluice-dynalite-"), ServerProcess.freePort(), persistent);
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
                "--require",
                ignoringAbortedRequests().toString(),
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
        process = ServerProcess.start(
                "dynalite on port " + port,
                command,
                dir.resolve("dynalite.log"),
                START_TIMEOUT,
                () -> ServerProcess.accepts(port));
    }

    /**
     * A script node loads before dynalite: dynalite throws from a request's {@code error} event when its client goes
     * away mid-request ({@code ECONNRESET}, "aborted"), which ends the whole server — and the crash tests kill clients
     * with SIGKILL, so a shared server died mid-suite. Such a request has nobody left to answer; any other uncaught
     * error still ends the server.
     */
    private Path ignoringAbortedRequests() {
        Path script = dir.resolve("ignore-aborted-requests.js");
        try {
            Files.createDirectories(dir);
            Files.writeString(script, """
                    process.on('uncaughtException', function (err) {
                      if (err && (err.code === 'ECONNRESET' || err.message === 'aborted')) {
                        console.error('dynalite: a client went away mid-request (' + err.message + '); ignored');
                        return;
                      }
                      console.error(err);
                      process.exit(1);
                    });
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return script;
    }

    /** Stops the server and waits until it is gone. */
    void stop() {
        if (process != null) {
            process.stop();
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
        ServerProcess.deleteTree(dir);
    }

    // ---- node and dynalite ----

    private static Path cli;
    private static String node;

    private static synchronized String node() {
        if (node == null) {
            node = ServerProcess.aptInstall(
                    Dynalite::nodeWithNpm,
                    "The dynamodb tests run dynalite, which needs node and npm, and they are not on the PATH; install"
                            + " them with: sudo apt-get install -y nodejs npm (or from nodejs.org)",
                    "nodejs",
                    "npm");
            if (node == null) {
                throw new IllegalStateException("nodejs and npm were installed but 'node' or 'npm' is not on the PATH");
            }
        }
        return node;
    }

    /** Where {@code node} is, if {@code npm} is on the PATH too; {@code null} otherwise. */
    private static String nodeWithNpm() {
        String found = ServerProcess.which("node");
        return found != null && ServerProcess.which("npm") != null ? found : null;
    }

    /**
     * dynalite's cli.js, installed with npm into the user's cache the first time — by one JVM of the machine at a
     * time, as two builds (of two work trees, say) may run this module's tests at once.
     */
    private static synchronized Path cli() {
        if (cli == null) {
            Path home = ServerProcess.CACHE.resolve("dynalite-" + VERSION);
            Path script = home.resolve("node_modules/dynalite/cli.js");
            cli = ServerProcess.installOnce(
                    ServerProcess.CACHE.resolve("dynalite-" + VERSION + ".lock"),
                    () -> Files.exists(script) ? script : null,
                    () -> install(home));
            if (cli == null) {
                throw new IllegalStateException(
                        "npm installed dynalite@" + VERSION + " into " + home + ", but there is no " + script);
            }
        }
        return cli;
    }

    /**
     * Installs dynalite with npm into a directory beside {@code home}, then renames it {@code home}: a JVM that finds
     * cli.js there, holding no lock, finds the whole install.
     */
    private static void install(Path home) {
        node(); // and npm
        try {
            Path staging = Files.createTempDirectory(home.getParent(), home.getFileName() + "-installing-");
            try {
                ServerProcess.run(
                        List.of(
                                ServerProcess.which("npm"),
                                "install",
                                "--no-audit",
                                "--no-fund",
                                "--prefix",
                                staging.toString(),
                                "dynalite@" + VERSION),
                        "npm install dynalite@" + VERSION + " into " + staging + " failed; run it by hand to see why");
                ServerProcess.deleteTree(home); // what an install killed midway left there, without cli.js
                Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                ServerProcess.deleteTree(staging); // unless it was moved
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
