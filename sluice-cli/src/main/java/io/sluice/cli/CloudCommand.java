package io.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.cloud.CloudClient;
import io.sluice.cloud.CloudNode;
import io.sluice.cloud.CloudNodeOptions;
import io.sluice.cloud.CloudTls;
import io.sluice.cloud.ObjectType;
import io.sluice.cloud.Subscription;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice cloud node|define|publish|subscribe}: the typed-object cloud from the command line. */
@Command(
        name = "cloud",
        mixinStandardHelpOptions = true,
        description = "The typed-object cloud: run a node, define types, publish and subscribe to objects.",
        subcommands = {
            CloudCommand.Node.class,
            CloudCommand.Define.class,
            CloudCommand.Publish.class,
            CloudCommand.Subscribe.class
        })
final class CloudCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Command(
            name = "node",
            mixinStandardHelpOptions = true,
            description = "Run a cloud node until Ctrl-C: gRPC for clients and peers on --port, objects kept in"
                    + " --data, status as JSON on http://localhost:STATUS-PORT/status.")
    static final class Node implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--id", required = true, paramLabel = "ID", description = "the node's id, unique in the cloud")
        String id;

        @Option(names = "--port", defaultValue = "7000", paramLabel = "PORT", description = "gRPC port (default 7000)")
        int port;

        @Option(
                names = "--peers",
                split = ",",
                paramLabel = "HOST:PORT",
                description = "other nodes, comma-separated; nodes that connect to this one are added")
        List<String> peers = new ArrayList<>();

        @Option(names = "--data", required = true, paramLabel = "DIR", description = "where the node keeps its objects")
        Path data;

        @Option(
                names = "--status-port",
                defaultValue = "-1",
                paramLabel = "PORT",
                description = "serve GET /status and /metrics over HTTP on PORT (default: none)")
        int statusPort;

        @Option(
                names = "--types",
                paramLabel = "FILE",
                description = "a JSON file mapping type names to schemas: {\"Order\": {\"required\": [\"id\"],"
                        + " \"properties\": {\"id\": {\"type\": \"string\"}}}}")
        Path types;

        @Option(
                names = "--token",
                paramLabel = "TOKEN",
                description = "require this bearer token from clients and peers")
        String token;

        @Option(
                names = "--advertise",
                paramLabel = "HOST:PORT",
                description = "the address peers reach this node at (default localhost:PORT)")
        String advertise;

        @Option(
                names = "--tls-cert",
                paramLabel = "PEM",
                description = "serve TLS with this certificate chain (with --tls-key and --tls-ca)")
        Path tlsCert;

        @Option(names = "--tls-key", paramLabel = "PEM", description = "the private key of --tls-cert, PKCS#8")
        Path tlsKey;

        @Option(
                names = "--tls-ca",
                paramLabel = "PEM",
                description = "the certificates peers' certificates are signed with")
        Path tlsCa;

        @Override
        public Integer call() throws InterruptedException {
            CloudTls tls = null;
            if (tlsCert != null || tlsKey != null || tlsCa != null) {
                if (tlsCert == null || tlsKey == null || tlsCa == null) {
                    throw new IllegalArgumentException(
                            "--tls-cert, --tls-key and --tls-ca: give all three for TLS," + " or none for plain text");
                }
                tls = new CloudTls(tlsCert, tlsKey, tlsCa);
            }
            CloudNode node = CloudNode.start(new CloudNodeOptions(
                    id,
                    port,
                    peers,
                    data,
                    statusPort,
                    token,
                    types == null ? List.of() : ObjectType.readAll(types),
                    advertise,
                    tls));
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                node.close();
                stop.countDown();
            }));
            PrintWriter out = spec.commandLine().getOut();
            out.println("cloud node " + node.id() + " on port " + node.port()
                    + (node.statusPort() >= 0 ? ", status on http://localhost:" + node.statusPort() + "/status" : "")
                    + (peers.isEmpty() ? "" : ", peers " + String.join(",", peers)));
            out.flush();
            stop.await();
            return 0;
        }
    }

    @Command(
            name = "define",
            mixinStandardHelpOptions = true,
            description = "Define the types of a JSON types file at a node, which passes them on to its peers.")
    static final class Define implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        NodeConnection connection;

        @Option(names = "--types", required = true, paramLabel = "FILE", description = "the types file")
        Path types;

        @Override
        public Integer call() {
            try (CloudClient client = connection.connect()) {
                for (ObjectType type : ObjectType.readAll(types)) {
                    client.define(type);
                    spec.commandLine().getOut().println("defined " + type.name());
                }
            }
            return 0;
        }
    }

    @Command(
            name = "publish",
            mixinStandardHelpOptions = true,
            description = "Publish objects of one type: the --json object, or one JSON object per line of standard"
                    + " input. Prints each object's id once the node stored it.")
    static final class Publish implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        NodeConnection connection;

        @Option(names = "--type", required = true, paramLabel = "TYPE", description = "the objects' type")
        String type;

        @Option(names = "--json", paramLabel = "JSON", description = "the object (default: JSON lines from stdin)")
        String json;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            try (CloudClient client = connection.connect()) {
                List<CompletableFuture<String>> ids = new ArrayList<>();
                if (json != null) {
                    ids.add(client.publish(type, parse(json, "--json")));
                } else {
                    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                    int number = 0;
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        number++;
                        if (!line.isBlank()) {
                            ids.add(client.publish(type, parse(line, "stdin line " + number)));
                        }
                    }
                }
                for (CompletableFuture<String> id : ids) {
                    try {
                        out.println(id.join());
                    } catch (java.util.concurrent.CompletionException e) {
                        throw e.getCause() instanceof RuntimeException cause ? cause : e;
                    }
                }
            }
            return 0;
        }

        private static JsonNode parse(String text, String where) {
            try {
                return JSON.readTree(text);
            } catch (IOException e) {
                throw new IllegalArgumentException(where + ": expected a JSON object but found '" + text + "'");
            }
        }
    }

    @Command(
            name = "subscribe",
            mixinStandardHelpOptions = true,
            description = "Subscribe to a type and print each object as a JSON line, acknowledging it once printed;"
                    + " runs until Ctrl-C or --count objects.")
    static final class Subscribe implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        NodeConnection connection;

        @Option(names = "--type", required = true, paramLabel = "TYPE", description = "the type")
        String type;

        @Option(
                names = "--group",
                defaultValue = "default",
                paramLabel = "GROUP",
                description = "the group: each group gets every object, its members share them (default: default)")
        String group;

        @Option(names = "--count", defaultValue = "0", paramLabel = "N", description = "stop after N objects")
        long count;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            CountDownLatch done = new CountDownLatch(1);
            AtomicLong seen = new AtomicLong();
            try (CloudClient client = connection.connect()) {
                Subscription subscription = client.subscribe(type, group, object -> {
                    if (count > 0 && seen.get() >= count) {
                        return; // not acknowledged: the next member of the group gets it
                    }
                    synchronized (out) {
                        out.println(object.object());
                        out.flush();
                    }
                    object.ack();
                    if (count > 0 && seen.incrementAndGet() >= count) {
                        done.countDown();
                    }
                });
                subscription.ended().whenComplete((v, e) -> done.countDown());
                done.await();
                subscription.close();
                if (subscription.ended().isCompletedExceptionally() && (count == 0 || seen.get() < count)) {
                    try {
                        subscription.ended().join();
                    } catch (java.util.concurrent.CompletionException e) {
                        throw e.getCause() instanceof RuntimeException cause ? cause : e;
                    }
                }
            }
            return 0;
        }
    }

    /** How the client subcommands reach a node: its address, its token and the certificates to trust. */
    static final class NodeConnection {
        @Option(names = "--node", defaultValue = "localhost:7000", paramLabel = "HOST:PORT", description = "the node")
        String node;

        @Option(names = "--token", paramLabel = "TOKEN", description = "the node's bearer token")
        String token;

        @Option(names = "--tls-ca", paramLabel = "PEM", description = "connect with TLS, trusting these certificates")
        Path tlsCa;

        CloudClient connect() {
            return CloudClient.connect(node, token, tlsCa);
        }
    }
}
