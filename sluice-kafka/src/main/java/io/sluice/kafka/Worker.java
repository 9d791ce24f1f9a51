package io.sluice.kafka;

import io.sluice.GraphFactory;
import io.sluice.NodeFailedException;
import io.sluice.SluiceException;
import io.sluice.kafka.internal.NodeProcess;
import io.sluice.kafka.internal.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The worker entry point: runs every instance of one node of a graph on Kafka, in this process. The same command runs
 * on this machine (launched by a deployment with {@link Workers#processes}) and in a container.
 *
 * <pre>
 * java -cp … io.sluice.kafka.Worker --factory com.example.RevenueGraph --node tag --bootstrap kafka:9092
 *     [--options FILE|-] [--guarantee exactly-once] [--replication 3] [--timeout-ms 30000] [--health-port N]
 *     [--lifeline PID] [--instance N|ordinal] [--parallelism NODE=N,…] [--elastic NODE,…]
 * </pre>
 *
 * <p>{@code --instance N} runs instance {@code N} of the node alone, where by default the process runs all of them;
 * {@code --instance ordinal} takes it from the pod's name — a StatefulSet names its pods {@code <name>-<ordinal>} —
 * read from {@value #POD_NAME} (the manifests set it from the pod's {@code metadata.name}), else {@code HOSTNAME}. So
 * a node of parallelism 8 runs as 8 pods, each reading the partitions of its instance and restoring its changelog
 * partition.
 *
 * <p>{@code --parallelism count=5,enrich=3} runs the graph with those nodes rescaled ({@code Deployment.scale}): a
 * deployment passes the parallelism of every node it rescaled to each worker it launches, so that they all agree.
 *
 * <p>{@code --elastic enrich,score} runs those nodes elastic ({@link KafkaOptions#withElasticNodes}), as the
 * deployment does (a deployment's supervisor passes it in the options); with it, {@code --instance N} at or above the
 * node's parallelism joins a running deployment as an extra member of the node, which reads what partitions the group
 * gives it and exits once the node's input has ended:
 *
 * <pre>
 * java -cp … io.sluice.kafka.Worker --factory com.example.Shop --node enrich --bootstrap kafka:9092 \
 *     --guarantee exactly-once --elastic enrich --instance 2
 * </pre>
 *
 * <p>{@code --options} reads every {@link KafkaOptions} field from a properties file, or from standard input for
 * {@code -} (how a deployment's supervisor passes them, so that client passwords never show on a command line): see
 * {@link WorkerOptions}. The flags given after it override its values.
 *
 * <p>{@code --lifeline PID} ties the worker to the process that launched it, as a deployment's supervisor does: the
 * worker stops its node (as on SIGTERM; an open transaction is aborted, and a restarted worker resumes from the
 * committed offsets) and exits once that process has ended or — with {@code --options -} — once its standard input,
 * which the supervisor holds open, is closed. So workers do not outlive a deployer that was killed.
 *
 * <p>Exit codes: 0 the node completed (or was stopped), 1 the node failed ({@value NodeProcess#FAILURE_PREFIX} and
 * the failure are the last line on standard error), 2 a usage mistake.
 */
public final class Worker {

    private static final Duration LIFELINE_POLL = Duration.ofMillis(250);

    /** The environment variable {@code --instance ordinal} reads the pod's name from. */
    public static final String POD_NAME = "SLUICE_POD_NAME";

    private Worker() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a worker; returns its exit code. */
    public static int run(String[] args) {
        Map<String, String> flags;
        try {
            flags = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("sluice-worker: " + e.getMessage());
            System.err.println("usage: --factory CLASS|FILE --node ID --bootstrap HOST:PORT [--options FILE|-]"
                    + " [--guarantee at-least-once|exactly-once] [--replication N] [--timeout-ms N] [--health-port N]"
                    + " [--lifeline PID] [--instance N|ordinal] [--parallelism NODE=N,…] [--elastic NODE,…]");
            return 2;
        }
        try {
            KafkaOptions options = options(flags);
            int instance = flags.containsKey("instance") ? instance(flags.get("instance"), System.getenv()) : -1;
            io.sluice.ComputationalGraph graph =
                    rescaled(GraphFactory.load(flags.get("factory")), flags.getOrDefault("parallelism", ""));
            NodeProcess process = new NodeProcess(graph, flags.get("node"), instance, options);
            com.sun.net.httpserver.HttpServer health = flags.containsKey("health-port")
                    ? health(process, Integer.parseInt(flags.get("health-port")))
                    : null;
            System.out.println("sluice-worker: node '" + flags.get("node") + "'"
                    + (instance < 0 ? "" : " instance " + instance) + " starting in process "
                    + ProcessHandle.current().pid());
            System.out.println("sluice-worker: options: " + WorkerOptions.summary(options));
            Thread stopper = new Thread(
                    () -> {
                        try {
                            process.stop();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "sluice-worker-stop");
            Runtime.getRuntime().addShutdownHook(stopper);
            if (flags.containsKey("lifeline")) {
                watchLifeline(process, Long.parseLong(flags.get("lifeline")), "-".equals(flags.get("options")));
            }
            NodeFailedException failure;
            try {
                failure = process.run();
            } catch (InterruptedException e) {
                process.stop(); // interrupted like SIGTERM: stop the node's instances before leaving
                throw e;
            } finally {
                removeHook(stopper);
                if (health != null) {
                    health.stop(0);
                }
            }
            System.out.println("sluice-worker: node '" + flags.get("node") + "' ended: " + process.counts());
            if (failure != null) {
                System.err.println(
                        NodeProcess.FAILURE_PREFIX + failure.getMessage().replace('\n', ' '));
                return NodeProcess.EXIT_NODE_FAILED;
            }
            return 0;
        } catch (SluiceException e) {
            System.err.println(NodeProcess.FAILURE_PREFIX + e.getMessage().replace('\n', ' '));
            return NodeProcess.EXIT_NODE_FAILED;
        } catch (java.io.IOException e) {
            System.err.println(NodeProcess.FAILURE_PREFIX + "cannot serve health on port " + flags.get("health-port")
                    + ": " + e.getMessage());
            return NodeProcess.EXIT_NODE_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (RuntimeException | Error e) {
            // Anything else — a graph factory's static initialiser, a class missing at run time — is this node's
            // failure too: say so for the supervisor, and exit with the code that stops it restarting a lost cause.
            System.err.println(NodeProcess.FAILURE_PREFIX + "Node '" + flags.get("node") + "': its worker failed: "
                    + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage().replace('\n', ' ')));
            e.printStackTrace();
            return NodeProcess.EXIT_NODE_FAILED;
        }
    }

    /**
     * Stops the node and exits once process {@code pid} has ended or, if {@code stdin}, once standard input closes:
     * the supervisor holds the other end of that pipe, and the operating system closes it when the supervisor's JVM
     * dies, however it dies.
     */
    private static void watchLifeline(NodeProcess process, long pid, boolean stdin) {
        Optional<ProcessHandle> parent = ProcessHandle.of(pid);
        Runnable stop = () -> {
            try {
                process.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.exit(0);
        };
        Thread.ofPlatform().daemon().name("sluice-worker-lifeline").start(() -> {
            while (parent.isPresent() && parent.get().isAlive()) {
                try {
                    Thread.sleep(LIFELINE_POLL);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.out.println("sluice-worker: the process that launched it (" + pid + ") has ended; stopping");
            stop.run();
        });
        if (stdin) {
            Thread.ofPlatform().daemon().name("sluice-worker-stdin").start(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // nothing is sent after the options: the pipe is only held open
                    }
                } catch (java.io.IOException e) {
                    // closed all the same
                }
                System.out.println("sluice-worker: its standard input, held by the process that launched it (" + pid
                        + "), closed; stopping");
                stop.run();
            });
        }
    }

    /** The options file (if any), then the flags over it. */
    private static KafkaOptions options(Map<String, String> flags) {
        KafkaOptions options;
        String file = flags.get("options");
        if (file == null) {
            options = KafkaOptions.of(flags.get("bootstrap"));
        } else if (file.equals("-")) {
            try {
                options = WorkerOptions.read(System.in, flags.get("bootstrap"));
            } catch (java.io.IOException e) {
                throw new SluiceException("Worker options: cannot read them from standard input: " + e);
            }
        } else {
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(file))) {
                options = WorkerOptions.read(in, flags.get("bootstrap"));
            } catch (java.nio.file.NoSuchFileException e) {
                throw new SluiceException("Worker options: file '" + file + "' does not exist");
            } catch (java.io.IOException e) {
                throw new SluiceException("Worker options: cannot read file '" + file + "': " + e);
            }
        }
        options = options.withBootstrapServers(flags.get("bootstrap"));
        if (flags.containsKey("guarantee")) {
            options = options.withGuarantee(Guarantee.of(flags.get("guarantee")));
        }
        if (flags.containsKey("replication")) {
            options = options.withReplicationFactor(Integer.parseInt(flags.get("replication")));
        }
        if (flags.containsKey("timeout-ms")) {
            options = options.withTimeout(Duration.ofMillis(Long.parseLong(flags.get("timeout-ms"))));
        }
        if (flags.containsKey("elastic")) {
            options = options.withElasticNodes(
                    java.util.Set.of(flags.get("elastic").split(",")));
        }
        return options;
    }

    /**
     * Kubernetes probes: {@code /health/live} answers 200 while the process is up; {@code /health/ready} 200 while its
     * node runs, 503 once it stopped or failed.
     */
    private static com.sun.net.httpserver.HttpServer health(NodeProcess process, int port) throws java.io.IOException {
        com.sun.net.httpserver.HttpServer server =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress(port), 0);
        server.createContext("/health/live", exchange -> answer(exchange, 200, "{\"status\":\"UP\"}"));
        server.createContext(
                "/health/ready",
                exchange -> answer(
                        exchange,
                        process.isReady() ? 200 : 503,
                        process.isReady() ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}"));
        server.start();
        System.out.println(
                "sluice-worker: health on port " + server.getAddress().getPort());
        return server;
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String body)
            throws java.io.IOException {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down, and the hook is running
        }
    }

    /**
     * The instance {@code --instance} names: a number, or for {@code ordinal} the number that ends the pod's name
     * ({@value #POD_NAME}, else {@code HOSTNAME}): {@code shop-count-3} is instance 3.
     *
     * @throws SluiceException if neither variable holds a name ending in {@code -<number>}
     */
    static int instance(String flag, Map<String, String> environment) {
        if (!flag.equals("ordinal")) {
            return Integer.parseInt(flag);
        }
        String name = environment.getOrDefault(POD_NAME, environment.get("HOSTNAME"));
        java.util.regex.Matcher ordinal =
                java.util.regex.Pattern.compile("-(\\d{1,4})$").matcher(name == null ? "" : name);
        if (!ordinal.find()) {
            throw new SluiceException("--instance ordinal takes the instance from the pod's name, which ends in"
                    + " -<ordinal> in a StatefulSet; found "
                    + (name == null ? "neither " + POD_NAME + " nor HOSTNAME" : "'" + name + "'") + "; set " + POD_NAME
                    + " to the pod's name, or pass --instance N");
        }
        return Integer.parseInt(ordinal.group(1));
    }

    /**
     * The graph with the nodes {@code flag} names ({@code count=5,enrich=3}) at that parallelism; the graph itself for
     * an empty flag.
     *
     * @throws SluiceException if a node is unknown or the graph does not allow the parallelism
     */
    static io.sluice.ComputationalGraph rescaled(io.sluice.ComputationalGraph graph, String flag) {
        io.sluice.ComputationalGraph rescaled = graph;
        for (String entry : flag.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int equals = entry.indexOf('=');
            rescaled =
                    rescaled.withParallelism(entry.substring(0, equals), Integer.parseInt(entry.substring(equals + 1)));
        }
        return rescaled;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        List<String> known = List.of(
                "factory",
                "node",
                "bootstrap",
                "options",
                "guarantee",
                "replication",
                "timeout-ms",
                "health-port",
                "lifeline",
                "instance",
                "parallelism",
                "elastic");
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || !known.contains(arg.substring(2))) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'; expected one of "
                        + known.stream().map(k -> "--" + k).toList());
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            flags.put(arg.substring(2), args[++i]);
        }
        List<String> missing = new ArrayList<>();
        for (String required : List.of("factory", "node", "bootstrap")) {
            if (!flags.containsKey(required)) {
                missing.add("--" + required);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("missing " + missing);
        }
        if (flags.containsKey("lifeline") && !flags.get("lifeline").matches("\\d{1,18}")) {
            throw new IllegalArgumentException(
                    "--lifeline must be a process id, found '" + flags.get("lifeline") + "'");
        }
        String instance = flags.get("instance");
        if (instance != null && !instance.equals("ordinal") && !instance.matches("\\d{1,4}")) {
            throw new IllegalArgumentException("--instance must be an instance number or 'ordinal' (from the pod's"
                    + " name), found '" + instance + "'");
        }
        String parallelism = flags.get("parallelism");
        if (parallelism != null && !parallelism.matches("[A-Za-z0-9_-]+=\\d{1,4}(,[A-Za-z0-9_-]+=\\d{1,4})*")) {
            throw new IllegalArgumentException("--parallelism must be NODE=N pairs separated by commas"
                    + " (count=5,enrich=3), found '" + parallelism + "'");
        }
        String guarantee = flags.getOrDefault("guarantee", "at-least-once");
        if (!guarantee.equals("at-least-once") && !guarantee.equals("exactly-once")) {
            throw new IllegalArgumentException(
                    "--guarantee must be at-least-once or exactly-once, found '" + guarantee + "'");
        }
        return flags;
    }
}
