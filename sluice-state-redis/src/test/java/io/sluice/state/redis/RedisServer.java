package io.sluice.state.redis;

import io.sluice.testkit.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code redis-server} on loopback for tests: Debian's binary, started on a free port with its own directory,
 * without persistence unless asked, stopped (and its directory deleted) by {@link #close}. {@link #stop} and {@link
 * #restart} take it down and bring it back on the same port, with its data if it persists them.
 *
 * <p>When the binary is missing it is installed with {@code apt-get install -y redis-server} if this process runs as
 * root where apt-get exists, as on a fresh CI machine; otherwise the test fails saying how to install it.
 */
final class RedisServer implements AutoCloseable {

    private static final List<String> BINARIES = List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path dir;
    private final int port;
    private final List<String> extra;
    private ServerProcess process;

    private RedisServer(Path dir, int port, List<String> extra) {
        this.dir = dir;
        this.port = port;
        this.extra = extra;
    }

    private static RedisServer shared;

    /**
     * One server for every test class that needs no server of its own, started on first use and stopped when the
     * JVM exits; tests keep apart by graph name.
     */
    static synchronized RedisServer shared() {
        if (shared == null) {
            RedisServer server = start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "redis-server-stop"));
            shared = server;
        }
        return shared;
    }

    /** A server that keeps nothing on disk. */
    static RedisServer start() {
        return start(List.of("--save", "", "--appendonly", "no"));
    }

    /** A server whose every write is in its append-only file before it answers, so a restart keeps it all. */
    static RedisServer startPersistent() {
        return start(List.of("--save", "", "--appendonly", "yes", "--appendfsync", "always"));
    }

    /** A server started with {@code options} added to its command line ({@code --requirepass x}, …). */
    static RedisServer start(List<String> options) {
        try {
            Path dir = Files.createTempDirectory("sluice-redis-");
            RedisServer server = new RedisServer(dir, ServerProcess.freePort(), List.copyOf(options));
            server.restart();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server (again), on its port, and waits until it answers. */
    void restart() {
        List<String> command = new ArrayList<>(List.of(
                binary(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                dir.toString(),
                "--daemonize",
                "no",
                "--protected-mode",
                "no"));
        command.addAll(extra);
        process = ServerProcess.start(
                "redis-server on port " + port, command, dir.resolve("redis.log"), START_TIMEOUT, this::answers);
    }

    /** Stops the server (SIGTERM, so it writes its append-only file) and waits until it is gone. */
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

    /** Sends one command in Redis's inline form and returns the first line of the answer. */
    String command(String... words) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder("*" + words.length + "\r\n");
            for (String word : words) {
                request.append('$')
                        .append(word.getBytes(StandardCharsets.UTF_8).length)
                        .append("\r\n")
                        .append(word)
                        .append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return readReply(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readReply(InputStream in) throws IOException {
        String line = readLine(in);
        if (line.startsWith("$")) {
            int length = Integer.parseInt(line.substring(1));
            if (length < 0) {
                return null;
            }
            byte[] body = in.readNBytes(length + 2);
            return new String(body, 0, length, StandardCharsets.UTF_8);
        }
        return line;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private boolean answers() {
        try {
            String reply = command("PING");
            return reply.equals("+PONG") || reply.startsWith("-NOAUTH");
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /** How many times the server ran {@code command} since it started (INFO commandstats). */
    long calls(String command) {
        String stats = command("INFO", "commandstats");
        String marker = "cmdstat_" + command.toLowerCase() + ":calls=";
        int at = stats.indexOf(marker);
        if (at < 0) {
            return 0;
        }
        int from = at + marker.length();
        int to = stats.indexOf(',', from);
        return Long.parseLong(stats.substring(from, to));
    }

    // ---- the binary ----

    private static String binary;

    private static synchronized String binary() {
        if (binary == null) {
            binary = ServerProcess.aptInstall(
                    RedisServer::find,
                    "The redis tests need redis-server, which is not installed (looked in " + BINARIES + "); install it"
                            + " with: sudo apt-get install -y redis-server (or your system's package of Redis 7)",
                    "redis-server");
            if (binary == null) {
                throw new IllegalStateException("redis-server was installed but is not in " + BINARIES);
            }
        }
        return binary;
    }

    private static String find() {
        return BINARIES.stream()
                .filter(b -> Files.isExecutable(Path.of(b)))
                .findFirst()
                .orElse(null);
    }
}
