package io.sluice.kafka;

import io.sluice.GraphFactory;
import io.sluice.NodeFailedException;
import io.sluice.SluiceException;
import io.sluice.kafka.internal.NodeProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The worker entry point: runs every instance of one node of a graph on Kafka, in this process. The same command runs
 * on this machine (launched by a deployment with {@link Workers#processes}) and in a container.
 *
 * <pre>
 * java -cp … io.sluice.kafka.Worker --factory com.example.RevenueGraph --node tag --bootstrap kafka:9092
 *     [--guarantee exactly-once] [--replication 3] [--timeout-ms 30000]
 * </pre>
 *
 * <p>Exit codes: 0 the node completed (or was stopped), 1 the node failed ({@value NodeProcess#FAILURE_PREFIX} and
 * the failure are the last line on standard error), 2 a usage mistake.
 */
public final class Worker {

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
            System.err.println("usage: --factory CLASS --node ID --bootstrap HOST:PORT [--guarantee at-least-once|"
                    + "exactly-once] [--replication N] [--timeout-ms N]");
            return 2;
        }
        try {
            KafkaOptions options = KafkaOptions.of(flags.get("bootstrap"))
                    .withGuarantee(
                            flags.getOrDefault("guarantee", "at-least-once").equals("exactly-once")
                                    ? Guarantee.EXACTLY_ONCE
                                    : Guarantee.AT_LEAST_ONCE)
                    .withReplicationFactor(Integer.parseInt(flags.getOrDefault("replication", "1")))
                    .withTimeout(Duration.ofMillis(Long.parseLong(flags.getOrDefault("timeout-ms", "30000"))));
            NodeProcess process = new NodeProcess(GraphFactory.load(flags.get("factory")), flags.get("node"), options);
            System.out.println("sluice-worker: node '" + flags.get("node") + "' starting in process "
                    + ProcessHandle.current().pid());
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
            NodeFailedException failure;
            try {
                failure = process.run();
            } finally {
                removeHook(stopper);
            }
            if (failure != null) {
                System.err.println(
                        NodeProcess.FAILURE_PREFIX + failure.getMessage().replace('\n', ' '));
                return NodeProcess.EXIT_NODE_FAILED;
            }
            return 0;
        } catch (SluiceException e) {
            System.err.println(NodeProcess.FAILURE_PREFIX + e.getMessage().replace('\n', ' '));
            return NodeProcess.EXIT_NODE_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down, and the hook is running
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        List<String> known = List.of("factory", "node", "bootstrap", "guarantee", "replication", "timeout-ms");
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
        String guarantee = flags.getOrDefault("guarantee", "at-least-once");
        if (!guarantee.equals("at-least-once") && !guarantee.equals("exactly-once")) {
            throw new IllegalArgumentException(
                    "--guarantee must be at-least-once or exactly-once, found '" + guarantee + "'");
        }
        return flags;
    }
}
