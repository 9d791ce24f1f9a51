package io.sluice.state.redis;

import io.sluice.StoreSpec;
import io.sluice.spi.ExternalStoreEngine;
import io.sluice.spi.StoreBackend;
import io.sluice.state.redis.internal.RedisEngine;
import io.sluice.state.redis.internal.Settings;
import java.util.List;

/**
 * The {@code redis} store backend: each store of each node instance is one Redis hash on a Redis server, so the state
 * outlives the run and other tools can read it. Found by {@link java.util.ServiceLoader} once this module is on the
 * class path:
 *
 * <pre>{@code
 * builder.node("count", Count::new)
 *        .stores(StoreSpec.of("counts", "redis", Map.of("uri", "redis://cache.internal:6379")))
 * }</pre>
 *
 * <p>or in YAML {@code stores: [{name: counts, backend: redis, config: {uri: "redis://cache.internal:6379"}}]}.
 *
 * <p><b>Settings</b> (every one optional; any other key is refused, naming the known ones):
 *
 * <ul>
 *   <li>{@value #URI}: {@code redis://host:port}, {@code rediss://} for TLS, {@code /N} after the port for a
 *       database; {@code SLUICE_REDIS_URI} from the environment, else {@code redis://localhost:6379}.
 *   <li>{@value #PASSWORD}: the password; {@code SLUICE_REDIS_PASSWORD} or {@code REDISCLI_AUTH} from the
 *       environment, or the one in the uri ({@code redis://user:secret@host:port}). Never printed or logged.
 *   <li>{@value #PREFIX}: what every key starts with, {@code sluice:} unless set.
 *   <li>{@value #CACHE_ENTRIES}: how many entries a store instance keeps in its read cache, 10000 unless set; 0 for
 *       none.
 *   <li>{@value #CONNECT_TIMEOUT}: how long opening the store may take to reach the server, {@code 5s} unless set.
 *   <li>{@value #RETRY_TIMEOUT}: how long a call keeps retrying, with back-off, when the connection is lost, before it
 *       fails; {@code 30s} unless set.
 * </ul>
 *
 * <p><b>Layout.</b> Store {@code s} of instance {@code i} of node {@code n} in graph {@code g} is the hash {@code
 * <prefix>g:n:i:s}, one field per key, and the string {@code <prefix>g:n:i:s:version} holds the version it was last
 * committed with.
 *
 * <p><b>Writes are gathered in memory</b> until {@link ExternalStoreEngine#commit commit(version)}, which sends them
 * all with the version in one Lua script: the script checks the stored version and applies every change and the new
 * version in one atomic step of the server, or nothing if the version is not above the stored one. Reads look at the
 * gathered changes, then a bounded cache, then the server. See {@code docs/state-redis.md} for the guarantees.
 *
 * <p><b>Keys and values</b> are kept as bytes: {@link String}, {@link Long} and {@link Integer} take a fast path (a
 * type byte and their raw bytes), anything else goes through Java serialization, so it must be {@link
 * java.io.Serializable}, or the write fails naming the store, the node, the key and the type.
 */
public final class RedisBackend implements StoreBackend {

    /** The backend's name in a {@link StoreSpec}. */
    public static final String NAME = "redis";

    /** Setting: the server, {@code redis://host:port}. */
    public static final String URI = "uri";

    /** Setting: the password (a secret: never printed). */
    public static final String PASSWORD = "password";

    /** Setting: what every key starts with. */
    public static final String PREFIX = "prefix";

    /** Setting: the read cache per store instance, in entries. */
    public static final String CACHE_ENTRIES = "cache-entries";

    /** Setting: how long opening may take to reach the server. */
    public static final String CONNECT_TIMEOUT = "connect-timeout";

    /** Setting: how long a call retries a lost connection. */
    public static final String RETRY_TIMEOUT = "retry-timeout";

    /** Every setting there is, in the order the docs give them. */
    public static final List<String> SETTINGS =
            List.of(URI, PASSWORD, PREFIX, CACHE_ENTRIES, CONNECT_TIMEOUT, RETRY_TIMEOUT);

    @Override
    public String name() {
        return NAME;
    }

    /** Parses the settings as {@link #open} does, opening nothing. */
    @Override
    public void check(String node, StoreSpec spec) {
        Settings.of(node, spec);
    }

    /**
     * Connects to the server and reads the version the store was last committed with.
     *
     * @return an {@link ExternalStoreEngine}
     * @throws io.sluice.SluiceException if a setting is unknown or malformed, the server cannot be reached within
     *     {@value #CONNECT_TIMEOUT}, or it refuses the credentials; the message names the store, the node and the
     *     server's host:port, never the password
     */
    @Override
    public ExternalStoreEngine open(String graph, String node, int instance, StoreSpec spec) {
        Settings settings = Settings.of(node, spec);
        return RedisEngine.open(graph, node, instance, spec.name(), settings);
    }
}
