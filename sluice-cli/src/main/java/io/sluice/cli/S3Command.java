package io.sluice.cli;

import io.sluice.testkit.ServerProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice s3 dev}: a local S3-compatible server for people who have no bucket at hand. */
@Command(
        name = "s3",
        mixinStandardHelpOptions = true,
        description = "S3 helpers.",
        subcommands = {S3Command.Dev.class})
final class S3Command {

    @Command(
            name = "dev",
            mixinStandardHelpOptions = true,
            description = "Start a local S3-compatible server (s3proxy, keeping objects as files) on loopback until"
                    + " Ctrl-C, and print its endpoint and the AWS settings that point sluice (and any S3 client) at"
                    + " it. It runs in a JVM of its own, from lib/s3proxy of the distribution.")
    static final class Dev implements Callable<Integer> {

        private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

        @Spec
        CommandSpec spec;

        @Option(
                names = "--port",
                defaultValue = "9000",
                paramLabel = "PORT",
                description = "the port on 127.0.0.1 (default 9000; 0 for any free one)")
        int port;

        @Option(
                names = "--dir",
                paramLabel = "DIR",
                description = "keep the buckets in DIR, one folder each, and keep them after it stops (default: a"
                        + " temporary directory, deleted when it stops)")
        Path dir;

        @Option(
                names = "--bucket",
                paramLabel = "NAME",
                defaultValue = "sluice",
                description = "a bucket to create, repeatable (default: sluice)")
        List<String> buckets = new ArrayList<>();

        @Option(
                names = "--access-key",
                defaultValue = "sluice",
                paramLabel = "ID",
                description = "the access key id clients sign with (default: sluice)")
        String accessKey;

        @Option(
                names = "--secret-key",
                defaultValue = "sluice-secret",
                paramLabel = "SECRET",
                description = "the secret key clients sign with (default: sluice-secret)")
        String secretKey;

        @Option(
                names = "--server-jar",
                paramLabel = "JAR",
                description = "the s3proxy jar with its dependencies (default: lib/s3proxy/s3proxy.jar of the"
                        + " distribution, target/s3proxy/s3proxy.jar of a build)")
        Path serverJar;

        private final CountDownLatch stop = new CountDownLatch(1);

        @Override
        public Integer call() throws IOException, InterruptedException {
            for (String bucket : buckets) {
                if (!BUCKET.matcher(bucket).matches()) {
                    throw new IllegalArgumentException("--bucket: expected a name of 3 to 63 lower-case letters,"
                            + " digits, dots and hyphens but found '" + bucket + "'");
                }
            }
            Path jar = serverJar != null ? serverJar : defaultJar();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("the S3 server's jar is not at " + jar + "; it comes with the"
                        + " distribution (lib/s3proxy/) and with a build of sluice-cli (target/s3proxy/), or give"
                        + " --server-jar");
            }
            int chosen = port == 0 ? ServerProcess.freePort() : port;
            if (ServerProcess.accepts(chosen)) {
                throw new IllegalArgumentException("--port " + chosen + ": something already listens there; give"
                        + " another port, or --port 0 for any free one");
            }
            boolean temporary = dir == null;
            Path data = temporary ? Files.createTempDirectory("sluice-s3-dev-") : dir.toAbsolutePath();
            for (String bucket : buckets) {
                Files.createDirectories(data.resolve(bucket)); // a bucket of the filesystem store is a folder
            }
            String endpoint = "http://127.0.0.1:" + chosen;
            Path properties = Files.createTempFile("sluice-s3-dev-", ".properties");
            Files.writeString(
                    properties,
                    String.join(
                            "\n",
                            "s3proxy.endpoint=" + endpoint,
                            "s3proxy.authorization=aws-v2-or-v4",
                            "s3proxy.identity=" + accessKey,
                            "s3proxy.credential=" + secretKey,
                            "jclouds.provider=filesystem",
                            "jclouds.identity=" + accessKey,
                            "jclouds.credential=" + secretKey,
                            "jclouds.filesystem.basedir=" + data,
                            ""));
            Path log = Files.createTempFile("sluice-s3-dev-", ".log");
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = List.of(
                    java, "-cp", jar.toString(), "org.gaul.s3proxy.Main", "--properties", properties.toString());
            ServerProcess server;
            try {
                server = ServerProcess.start(
                        "s3proxy on port " + chosen,
                        command,
                        log,
                        Duration.ofMinutes(1),
                        () -> ServerProcess.accepts(chosen));
            } catch (IllegalStateException e) {
                Files.deleteIfExists(properties);
                if (temporary) {
                    ServerProcess.deleteTree(data);
                }
                throw e;
            }
            Runnable shutdown = () -> {
                server.stop();
                try {
                    Files.deleteIfExists(properties);
                    if (temporary) {
                        ServerProcess.deleteTree(data);
                    }
                } catch (IOException e) {
                    // stopping: what is left is in the temporary directory
                }
                stop.countDown();
            };
            Thread hook = new Thread(shutdown, "sluice-s3-dev-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            PrintWriter out = spec.commandLine().getOut();
            out.println("S3-compatible server (s3proxy) ready at " + endpoint + " — press Ctrl-C to stop");
            out.println("  buckets: " + String.join(", ", buckets) + "; objects in " + data
                    + (temporary ? " (deleted when it stops)" : "") + "; its log: " + log);
            out.println("Point sluice, or any S3 client, at it with the standard AWS settings:");
            out.println("  export AWS_ENDPOINT_URL=" + endpoint + " AWS_ACCESS_KEY_ID=" + accessKey
                    + " AWS_SECRET_ACCESS_KEY=" + secretKey + " AWS_REGION=us-east-1");
            out.println("  sluice run pipeline.yaml   # with source: s3://" + buckets.get(0) + "/in or sink: s3://"
                    + buckets.get(0) + "/out");
            out.flush();
            stop.await();
            boolean byCall;
            try {
                byCall = Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                byCall = false; // Ctrl-C: the hook stopped the server
            }
            if (byCall) {
                shutdown.run();
            }
            out.println("Stopped the S3 server");
            out.flush();
            return 0;
        }

        /** Stops the server, as Ctrl-C does. */
        void stop() {
            stop.countDown();
        }

        /** {@code s3proxy/s3proxy.jar} next to the CLI's jar (lib/) or classes (target/). */
        private static Path defaultJar() {
            try {
                Path code = Path.of(S3Command.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI());
                return code.getParent().resolve("s3proxy").resolve("s3proxy.jar");
            } catch (URISyntaxException | SecurityException | NullPointerException e) {
                return Path.of("lib", "s3proxy", "s3proxy.jar");
            }
        }
    }
}
