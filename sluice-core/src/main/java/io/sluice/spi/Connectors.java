package io.sluice.spi;

import io.sluice.EndNode;
import io.sluice.StartNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The {@link Connector}s on the class path, by scheme: what turns a location a pipeline names into a source or a sink,
 * with an error that says which module to add when none reads it.
 */
public final class Connectors {

    private Connectors() {}

    /** The scheme of {@code location} in lower case ({@code s3} of {@code s3://b/p}), or {@code null} if it has none. */
    public static String scheme(String location) {
        int at = location.indexOf("://");
        if (at <= 0) {
            return null;
        }
        String scheme = location.substring(0, at);
        return scheme.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')
                ? scheme.toLowerCase(Locale.ROOT)
                : null;
    }

    /** Whether {@code location} names a scheme, as a connector's location does (a file path does not). */
    public static boolean isConnectorLocation(String location) {
        return scheme(location) != null && !scheme(location).equals("file");
    }

    /**
     * The connector for {@code location}'s scheme.
     *
     * @throws IllegalArgumentException if none is on the class path, naming the schemes there are and the module to
     *     add
     */
    public static Connector forLocation(String location) {
        String scheme = scheme(location);
        Map<String, Connector> found = all();
        Connector connector = scheme == null ? null : found.get(scheme);
        if (connector == null) {
            throw new IllegalArgumentException("no connector reads or writes '" + location + "'"
                    + (scheme == null ? "" : ": nothing on the class path handles '" + scheme + "://'")
                    + "; schemes there are: " + new TreeSet<>(found.keySet())
                    + (scheme == null ? "" : "; add the module that brings it (" + module(scheme) + ")"));
        }
        return connector;
    }

    /** Start nodes reading {@code location}, settings checked against the connector's own. */
    public static Supplier<? extends StartNode<?>> source(String location, Map<String, String> settings) {
        Connector connector = forLocation(location);
        check(connector, location, settings);
        return connector.source(location, settings);
    }

    /** End nodes writing to {@code location}, settings checked against the connector's own. */
    public static Supplier<? extends EndNode<?>> sink(String location, Map<String, String> settings) {
        Connector connector = forLocation(location);
        check(connector, location, settings);
        return connector.sink(location, settings);
    }

    private static void check(Connector connector, String location, Map<String, String> settings) {
        for (String key : settings.keySet()) {
            if (!connector.settings().contains(key)) {
                throw new IllegalArgumentException("'" + location + "': the " + connector.name()
                        + " connector has no setting '" + key + "'" + Suggestions.didYouMean(key, connector.settings())
                        + "; its settings: " + new TreeSet<>(connector.settings()));
            }
        }
    }

    /** Every connector on the class path by scheme; the first one found wins a scheme. */
    public static Map<String, Connector> all() {
        Map<String, Connector> found = new LinkedHashMap<>();
        for (Connector connector : ServiceLoader.load(Connector.class, Connectors.class.getClassLoader())) {
            for (String scheme : connector.schemes()) {
                found.putIfAbsent(scheme, connector);
            }
        }
        return found;
    }

    private static String module(String scheme) {
        return switch (scheme) {
            case "s3" -> "sluice-connectors-s3";
            case "kafka" -> "sluice-kafka";
            case "tcp", "http", "https" -> "sluice-connectors-net";
            case "cloud" -> "sluice-cloud";
            default -> "a sluice-connectors-* module for '" + scheme + "'";
        };
    }

    /** The schemes on the class path, for messages. */
    public static Set<String> schemes() {
        return new TreeSet<>(all().keySet());
    }
}
