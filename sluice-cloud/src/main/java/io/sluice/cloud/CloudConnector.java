package io.sluice.cloud;

import io.sluice.EndNode;
import io.sluice.StartNode;
import io.sluice.cloud.internal.CloudSink;
import io.sluice.cloud.internal.CloudSource;
import io.sluice.spi.Connector;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The {@link Connector} of {@code cloud://TYPE?node=HOST:PORT} locations, so that a pipeline's {@code source:
 * "cloud://Order?node=localhost:7000"} subscribes to Orders and {@code sink: "cloud://Invoice?node=localhost:7001"}
 * publishes Invoices: a Sluice graph is then a processing service of the cloud. Found with {@link
 * java.util.ServiceLoader} once this module is on the class path. The node defaults to {@code localhost:7000}.
 *
 * <p><b>Source.</b> Each instance subscribes in the group given by {@value #GROUP} (default: the pipeline's graph and
 * node id, {@code GRAPH.NODE}), so instances of one node share the objects and two graphs each get all of them. It
 * emits each object as its JSON text, and acknowledges the objects of one pull when it is called for the next, after
 * they have travelled downstream; objects not acknowledged when the deployment stops are delivered again. With
 * {@value #COUNT} it ends after that many objects.
 *
 * <p><b>Sink.</b> Publishes each item: JSON text, a Jackson tree, a map or a record. A batch counts as written once the
 * node has stored every object of it; an object the node refuses (unknown type, a field that does not match) fails
 * the node with the node's message.
 *
 * <p>Settings: {@value #GROUP}, {@value #COUNT}, {@value #TOKEN}, {@value #TLS_CA}.
 */
public final class CloudConnector implements Connector {

    /** Setting of a source: the group it subscribes in. */
    public static final String GROUP = "group";

    /** Setting of a source: how many objects before it ends (default: it never ends). */
    public static final String COUNT = "count";

    /** Setting: the node's bearer token. */
    public static final String TOKEN = "token";

    /** Setting: connect with TLS, trusting the certificates of this PEM file. */
    public static final String TLS_CA = "tls-ca";

    /** Creates the connector; {@link java.util.ServiceLoader} does. */
    public CloudConnector() {}

    @Override
    public String name() {
        return "cloud";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("cloud");
    }

    @Override
    public Set<String> settings() {
        return new TreeSet<>(Set.of(GROUP, COUNT, TOKEN, TLS_CA));
    }

    /**
     * A subscribing start node.
     *
     * @throws IllegalArgumentException if the location or a setting is malformed, naming it
     */
    @Override
    public Supplier<? extends StartNode<?>> source(String location, Map<String, String> settings) {
        Target target = parse(location);
        long count = 0;
        if (settings.containsKey(COUNT)) {
            try {
                count = Long.parseLong(settings.get(COUNT));
            } catch (NumberFormatException e) {
                count = -1;
            }
            if (count <= 0) {
                throw new IllegalArgumentException("'" + location + "': setting 'count': expected a positive whole"
                        + " number but found '" + settings.get(COUNT) + "'");
            }
        }
        long limit = count;
        Path trusted = settings.containsKey(TLS_CA) ? Path.of(settings.get(TLS_CA)) : null;
        return () ->
                new CloudSource(target.node, target.type, settings.get(GROUP), settings.get(TOKEN), trusted, limit);
    }

    /**
     * A publishing end node.
     *
     * @throws IllegalArgumentException if the location is malformed or a source's setting is given, naming it
     */
    @Override
    public Supplier<? extends EndNode<?>> sink(String location, Map<String, String> settings) {
        Target target = parse(location);
        for (String key : settings.keySet()) {
            if (!key.equals(TOKEN) && !key.equals(TLS_CA)) {
                throw new IllegalArgumentException("'" + location + "': setting '" + key
                        + "' is a setting of a cloud source, not of a sink; a sink's settings: [" + TLS_CA + ", "
                        + TOKEN + "]");
            }
        }
        Path trusted = settings.containsKey(TLS_CA) ? Path.of(settings.get(TLS_CA)) : null;
        return () -> new CloudSink(target.node, target.type, settings.get(TOKEN), trusted);
    }

    private record Target(String type, String node) {}

    private static Target parse(String location) {
        String rest = location.substring("cloud://".length());
        String type = rest;
        String node = "localhost:7000";
        int question = rest.indexOf('?');
        if (question >= 0) {
            type = rest.substring(0, question);
            for (String parameter : rest.substring(question + 1).split("&")) {
                int equals = parameter.indexOf('=');
                String key = equals < 0 ? parameter : parameter.substring(0, equals);
                String value =
                        equals < 0 ? "" : URLDecoder.decode(parameter.substring(equals + 1), StandardCharsets.UTF_8);
                if (!key.equals("node")) {
                    throw new IllegalArgumentException("'" + location + "': unknown parameter '" + key
                            + "'; expected cloud://TYPE?node=HOST:PORT");
                }
                node = value;
            }
        }
        if (type.endsWith("/")) {
            type = type.substring(0, type.length() - 1);
        }
        if (!type.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("'" + location + "': expected cloud://TYPE?node=HOST:PORT, such as"
                    + " cloud://Order?node=localhost:7000, but the type is '" + type + "'");
        }
        if (!node.matches("[^:/]+:[0-9]{1,5}")) {
            throw new IllegalArgumentException("'" + location + "': parameter 'node': expected HOST:PORT, such as"
                    + " localhost:7000, but found '" + node + "'");
        }
        return new Target(type, node);
    }
}
