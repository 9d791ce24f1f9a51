package io.sluice.kafka.internal;

import io.sluice.SluiceException;
import io.sluice.kafka.Guarantee;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.OnExisting;
import io.sluice.kafka.Serde;
import io.sluice.kafka.Serdes;
import io.sluice.kafka.Workers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The {@link KafkaOptions} a worker process runs with, as the properties its supervisor writes to the worker's
 * standard input ({@code --options -}) or a container mounts as a file ({@code --options FILE}): every field, so that
 * a worker behaves exactly as a worker thread of the same deployment would. Not on the command line, where every user
 * of the machine could read the client properties' passwords.
 *
 * <pre>
 * bootstrap=kafka:9092          (a worker's --bootstrap flag wins; may be left out of a file)
 * guarantee=exactly-once
 * replication=3
 * timeout=PT30S                 (ISO-8601 durations, exact)
 * commit-interval=PT0.1S
 * delete-topics-on-close=false
 * on-existing=refuse            (what the deploying side does with an earlier deployment's topics; workers join)
 * serde=json                    (or the class name of a Serde with a public no-argument constructor)
 * allowed-types=com.acme.Order,com.acme.Orders$Line    (binary class names, comma-separated)
 * allowed-packages=com.acme.model                      (each with its subpackages)
 * kept-results=100000
 * elastic=enrich,score          (the elastic nodes, comma-separated)
 * client.security.protocol=SASL_SSL
 * </pre>
 *
 * <p>The workers setting is not passed: a worker runs its node in its own process.
 */
public final class WorkerOptions {

    /** The prefix of Kafka client properties. */
    static final String CLIENT = "client.";

    /** How the default serde is named. */
    static final String JSON = "json";

    private static final List<String> KEYS = List.of(
            "bootstrap",
            "guarantee",
            "replication",
            "timeout",
            "commit-interval",
            "delete-topics-on-close",
            "on-existing",
            "serde",
            "allowed-types",
            "allowed-packages",
            "kept-results",
            "elastic");

    private WorkerOptions() {}

    /** Every field of {@code options} but the workers. */
    public static Properties toProperties(KafkaOptions options) {
        Properties properties = new Properties();
        properties.setProperty("bootstrap", options.bootstrapServers());
        properties.setProperty("guarantee", options.guarantee().label());
        properties.setProperty("replication", Short.toString(options.replicationFactor()));
        properties.setProperty("timeout", options.timeout().toString());
        properties.setProperty("commit-interval", options.commitInterval().toString());
        properties.setProperty("delete-topics-on-close", Boolean.toString(options.deleteTopicsOnClose()));
        properties.setProperty("on-existing", options.onExisting().label());
        properties.setProperty("serde", serdeName(options.serde()));
        properties.setProperty(
                "allowed-types",
                String.join(",", new TreeSet<>(options.allowedTypes().classes())));
        properties.setProperty(
                "allowed-packages",
                String.join(",", new TreeSet<>(options.allowedTypes().packages())));
        properties.setProperty("kept-results", Integer.toString(options.keptResults()));
        properties.setProperty("elastic", String.join(",", new TreeSet<>(options.elasticNodes())));
        options.clientProperties().forEach((key, value) -> properties.setProperty(CLIENT + key, value));
        return properties;
    }

    /**
     * The line that ends the options on a stream, so that a reader can stop there while the stream stays open — how a
     * supervisor keeps a worker's standard input as its lifeline. A comment to anything else that reads properties.
     */
    public static final String END = "#sluice: end of options";

    /** Writes {@link #toProperties} to {@code out}, then the line {@link #END}. */
    public static void write(KafkaOptions options, OutputStream out) throws IOException {
        toProperties(options).store(out, "KafkaOptions of a Sluice worker");
        out.write((END + "\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /**
     * Reads what {@link #write} wrote.
     *
     * @throws SluiceException naming the property and what it should be
     */
    public static KafkaOptions read(InputStream in) throws IOException {
        return read(in, null);
    }

    /**
     * Reads what {@link #write} wrote, or a file written by hand, taking {@code bootstrap} when the properties name no
     * cluster (a worker is told it on its command line).
     *
     * @throws SluiceException naming the property and what it should be
     */
    public static KafkaOptions read(InputStream in, String bootstrap) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(upToEnd(in)));
        if (bootstrap != null) {
            properties.putIfAbsent("bootstrap", bootstrap);
        }
        return fromProperties(properties);
    }

    /**
     * The text of {@code in} up to the line {@link #END} or the end of the stream, read a byte at a time so that
     * nothing after that line is taken from the stream.
     */
    private static String upToEnd(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                if (line.toString().strip().equals(END)) {
                    break;
                }
                text.append(line).append('\n');
                line.setLength(0);
            } else {
                line.append((char) b); // ISO 8859-1, as Properties.store writes, other characters escaped
            }
        }
        return text.append(line).toString();
    }

    /**
     * The options {@code properties} describe; keys left out keep the defaults of {@link KafkaOptions#of}, and the
     * workers are threads of the process that reads them.
     *
     * @throws SluiceException naming the property and what it should be
     */
    public static KafkaOptions fromProperties(Properties properties) {
        String bootstrap = properties.getProperty("bootstrap");
        if (bootstrap == null) {
            throw new SluiceException(
                    "Worker options: property 'bootstrap' is missing; expected host:port[,host:port…]");
        }
        KafkaOptions options = KafkaOptions.of(bootstrap);
        Map<String, String> client = new LinkedHashMap<>();
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            String value = properties.getProperty(key);
            if (key.startsWith(CLIENT)) {
                client.put(key.substring(CLIENT.length()), value);
                continue;
            }
            try {
                options = switch (key) {
                    case "bootstrap" -> options;
                    case "guarantee" -> options.withGuarantee(Guarantee.of(value));
                    case "replication" -> options.withReplicationFactor(Short.parseShort(value));
                    case "timeout" -> options.withTimeout(Duration.parse(value));
                    case "commit-interval" -> options.withCommitInterval(Duration.parse(value));
                    case "delete-topics-on-close" -> options.withDeleteTopicsOnClose(parseBoolean(value));
                    case "on-existing" -> options.withOnExisting(OnExisting.of(value));
                    case "serde" -> options.withSerde(serde(value));
                    case "allowed-types" ->
                        options.withAllowedTypes(options.allowedTypes().withClassNames(list(value)));
                    case "allowed-packages" ->
                        options.withAllowedTypes(
                                options.allowedTypes().withPackages(list(value).toArray(String[]::new)));
                    case "kept-results" -> options.withKeptResults(Integer.parseInt(value));
                    case "elastic" -> options.withElasticNodes(java.util.Set.copyOf(list(value)));
                    default ->
                        throw new SluiceException("Worker options: unknown property '" + key + "'; expected one of "
                                + KEYS + " or " + CLIENT + "<Kafka client property>");
                };
            } catch (NumberFormatException | DateTimeParseException e) {
                throw new SluiceException("Worker options: property '" + key + "' is '" + value + "'; expected "
                        + (key.equals("replication") || key.equals("kept-results")
                                ? "a number"
                                : "an ISO-8601 duration such as PT30S"));
            } catch (IllegalArgumentException e) {
                throw new SluiceException("Worker options: property '" + key + "': " + e.getMessage());
            }
        }
        return options.withClientProperties(client).withWorkers(Workers.threads());
    }

    /** One line for a worker's log: every option, and the names — never the values — of the client properties. */
    public static String summary(KafkaOptions options) {
        return "guarantee=" + options.guarantee().label() + ", replication=" + options.replicationFactor()
                + ", timeout=" + options.timeout() + ", commit-interval=" + options.commitInterval() + ", serde="
                + serdeName(options.serde()) + ", allowed types="
                + new TreeSet<>(options.allowedTypes().classes())
                + ", allowed packages=" + new TreeSet<>(options.allowedTypes().packages()) + ", kept results="
                + options.keptResults() + ", elastic nodes=" + new TreeSet<>(options.elasticNodes())
                + ", client properties="
                + new TreeSet<>(options.clientProperties().keySet());
    }

    /**
     * Checks, before any worker process starts, that the options can be passed to one.
     *
     * @throws SluiceException if the serde cannot be made from its class name, saying why and what to do
     */
    public static void requirePassable(KafkaOptions options) {
        Serde serde = options.serde();
        if (serde instanceof JsonSerde) {
            return;
        }
        String problem = problemOf(serde.getClass());
        if (problem != null) {
            throw new SluiceException(
                    "Serde '" + serde.getClass().getName() + "': a worker process makes its serde from"
                            + " the class name, so it needs a public class with a public no-argument constructor, but "
                            + problem
                            + "; give it one (and read any settings from system properties, see Workers.withJvmOptions), or"
                            + " run the workers as threads (Workers.threads())");
        }
    }

    private static String serdeName(Serde serde) {
        return serde instanceof JsonSerde ? JSON : serde.getClass().getName();
    }

    /** What keeps a worker from making an instance of {@code type} by name; {@code null} if nothing does. */
    private static String problemOf(Class<?> type) {
        if (type.isHidden() || type.isSynthetic()) {
            return "it is a lambda or a generated class";
        }
        if (type.isAnonymousClass()) {
            return "it is an anonymous class";
        }
        if (type.isLocalClass()) {
            return "it is a class local to a method";
        }
        if (type.isMemberClass() && !Modifier.isStatic(type.getModifiers())) {
            return "it is an inner class (make it static)";
        }
        if (!Modifier.isPublic(type.getModifiers())) {
            return "it is not public";
        }
        if (Modifier.isAbstract(type.getModifiers())) {
            return "it is abstract";
        }
        try {
            Constructor<?> constructor = type.getConstructor();
            return Modifier.isPublic(constructor.getModifiers()) ? null : "its no-argument constructor is not public";
        } catch (NoSuchMethodException e) {
            return "it has none";
        }
    }

    private static Serde serde(String name) {
        if (name.equals(JSON)) {
            return Serdes.json();
        }
        Class<?> type;
        try {
            type = Class.forName(name, true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new SluiceException("Serde '" + name + "' cannot be loaded: " + e
                    + "; it must be on the worker's class" + " path (Workers.withClassPath)");
        }
        if (!Serde.class.isAssignableFrom(type)) {
            throw new SluiceException("Serde '" + name + "': expected a class implementing " + Serde.class.getName()
                    + " but found one that does not");
        }
        String problem = problemOf(type);
        if (problem != null) {
            throw new SluiceException("Serde '" + name + "': a worker makes its serde from the class name, so it needs"
                    + " a public class with a public no-argument constructor, but " + problem);
        }
        try {
            return (Serde) type.getConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw new SluiceException("Serde '" + name + "': its constructor threw " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new SluiceException("Serde '" + name + "' cannot be made: " + e, e);
        }
    }

    /** The entries of a comma-separated list, blanks left out. */
    private static List<String> list(String value) {
        return java.util.Arrays.stream(value.split(","))
                .map(String::strip)
                .filter(entry -> !entry.isEmpty())
                .toList();
    }

    private static boolean parseBoolean(String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("expected true or false but found '" + value + "'");
        };
    }
}
