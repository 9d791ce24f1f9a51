package io.sluice.spi;

import io.sluice.EndNode;
import io.sluice.StartNode;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads from and writes to the locations a pipeline names by URI scheme — {@code s3://bucket/prefix}, {@code
 * kafka://topic}, {@code tcp://0.0.0.0:9000}, {@code https://host/path} — so that {@code source: s3://…} in YAML means
 * what a user expects. Found with {@link java.util.ServiceLoader}: a module that brings one lists its class in {@code
 * META-INF/services/io.sluice.spi.Connector}. Java users call the connector module's own factories instead.
 *
 * <p>Implementations are thread-safe and cheap to create; the suppliers they return build one node per instance.
 */
public interface Connector {

    /** The connector's name in messages and docs: {@code s3}, {@code kafka}, {@code tcp}, {@code http}. */
    String name();

    /** The schemes it handles, lower case, without {@code ://}: {@code s3}; {@code http} and {@code https}. */
    Set<String> schemes();

    /** The settings a pipeline may give next to a location ({@code format}, {@code interval}, …): any other is refused. */
    Set<String> settings();

    /**
     * Start nodes reading {@code location}.
     *
     * @param location the whole location as written, scheme included
     * @param settings the settings given with it, all among {@link #settings()}
     * @throws IllegalArgumentException naming the location or setting, what was expected and what was found; the
     *     caller adds the file and line
     * @throws UnsupportedOperationException if this connector only writes
     */
    Supplier<? extends StartNode<?>> source(String location, Map<String, String> settings);

    /** End nodes writing to {@code location}; errors as for {@link #source}. */
    Supplier<? extends EndNode<?>> sink(String location, Map<String, String> settings);
}
