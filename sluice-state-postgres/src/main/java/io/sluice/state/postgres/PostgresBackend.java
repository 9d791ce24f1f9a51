package io.sluice.state.postgres;

import io.sluice.StoreSpec;
import io.sluice.spi.ExternalStoreEngine;
import io.sluice.spi.StoreBackend;
import io.sluice.state.postgres.internal.PostgresStoreEngine;
import io.sluice.state.postgres.internal.Settings;
import java.util.List;

/**
 * The {@code postgres} store backend: each store of each node instance as rows of a PostgreSQL table, so that node
 * state outlives the process, other tools can read it, and a later deployment can carry on from it. Found by {@link
 * java.util.ServiceLoader} once this module is on the class path:
 *
 * <pre>{@code
 * builder.node("count", Count::new)
 *        .stores(StoreSpec.of("counts", "postgres", Map.of("url", "jdbc:postgresql://db:5432/app", "user", "sluice")))
 * }</pre>
 *
 * <p>or in YAML {@code stores: [{name: counts, backend: postgres, config: {url: "jdbc:postgresql://db:5432/app"}}]},
 * with the password in the environment ({@value #ENV_PASSWORD}).
 *
 * <p><b>Settings</b> (any other key is refused, naming the known ones):
 *
 * <ul>
 *   <li>{@value #URL}: {@code jdbc:postgresql://host:port/database}; required, here or in {@value #ENV_URL}. It may
 *       carry the driver's parameters ({@code ?sslmode=require}), but not the password.
 *   <li>{@value #USER} and {@value #PASSWORD}: the role to connect as, else {@value #ENV_USER} and {@value
 *       #ENV_PASSWORD} or {@value #ENV_PGPASSWORD}. The password is handed to the driver only: no message, log line
 *       or {@code toString} shows it. Prefer the environment: a {@link StoreSpec}'s config is part of the graph.
 *   <li>{@value #TABLE}: the table of entries, {@code sluice_state} unless set, optionally after a schema ({@code
 *       app.state}); versions go to {@code <table>_versions}. Both are created if missing.
 *   <li>{@value #CACHE_ENTRIES}: how many entries each store instance keeps in its read cache, 10000 unless set; 0
 *       for none.
 *   <li>{@value #CONNECT_TIMEOUT}: how long {@link #open} tries to reach the server, and how long a call waits for a
 *       connection; {@code 10s} unless set.
 *   <li>{@value #RETRIES} and {@value #RETRY_BACKOFF}: a call that lost its connection is tried again this many times
 *       (5 unless set), after a wait that starts at {@code retry-backoff} ({@code 100ms} unless set) and doubles up to
 *       10 s.
 *   <li>{@value #RETRY_TIMEOUT}: how long such a call is tried again in all, whichever of it and {@value #RETRIES}
 *       comes first; unset, the retries alone decide. An attempt under way when it runs out may still wait up to
 *       {@value #CONNECT_TIMEOUT} for a connection.
 * </ul>
 *
 * <p><b>Commits.</b> The engine is an {@link ExternalStoreEngine}: writes are gathered in memory and reach the server
 * when the runtime commits a version, all of them and the version in one transaction, and a version not above the one
 * the server holds writes nothing. Until then, reads see them; other tools see only committed state.
 *
 * <p><b>Keys and values</b> are kept as bytes, encoded as the rocksdb backend encodes them: {@link String}, {@link
 * Long} and {@link Integer} take a fast path, anything else goes through Java serialization, so it must be {@link
 * java.io.Serializable}, or the write fails naming the store, the node, the key and the type. A key takes at most 2000
 * bytes. Each row also holds the key's {@code toString()} in column {@code key_text}, for people and tools; lookups
 * use the bytes only.
 *
 * <p><b>Threads.</b> The node's instance writes and commits; {@code get}, {@code forEach}, {@code size} and {@code
 * committedVersion} are safe from query threads at the same time.
 */
public final class PostgresBackend implements StoreBackend {

    /** The backend's name in a {@link StoreSpec}. */
    public static final String NAME = "postgres";

    /** Setting: the JDBC URL of the database. */
    public static final String URL = "url";

    /** Setting: the role to connect as. */
    public static final String USER = "user";

    /** Setting: the role's password; never shown. */
    public static final String PASSWORD = "password";

    /** Setting: the table of entries. */
    public static final String TABLE = "table";

    /** Setting: the read cache of a store instance, in entries. */
    public static final String CACHE_ENTRIES = "cache-entries";

    /** Setting: how long to try to reach the server. */
    public static final String CONNECT_TIMEOUT = "connect-timeout";

    /** Setting: how many times a call that lost its connection is tried again. */
    public static final String RETRIES = "retries";

    /** Setting: the wait before the first retry, doubled before each next one. */
    public static final String RETRY_BACKOFF = "retry-backoff";

    /** Setting: how long a call that lost its connection is tried again in all. */
    public static final String RETRY_TIMEOUT = "retry-timeout";

    /** Every setting there is, in the order the docs give them. */
    public static final List<String> SETTINGS =
            List.of(URL, USER, PASSWORD, TABLE, CACHE_ENTRIES, CONNECT_TIMEOUT, RETRIES, RETRY_BACKOFF, RETRY_TIMEOUT);

    /** The environment variable read when {@value #URL} is not set. */
    public static final String ENV_URL = "SLUICE_POSTGRES_URL";

    /** The environment variable read when {@value #USER} is not set. */
    public static final String ENV_USER = "SLUICE_POSTGRES_USER";

    /** The environment variable read when {@value #PASSWORD} is not set. */
    public static final String ENV_PASSWORD = "SLUICE_POSTGRES_PASSWORD";

    /** libpq's own variable, read when neither {@value #PASSWORD} nor {@value #ENV_PASSWORD} is set. */
    public static final String ENV_PGPASSWORD = "PGPASSWORD";

    @Override
    public String name() {
        return NAME;
    }

    /** Parses the settings as {@link #open} does, opening nothing. */
    @Override
    public void check(String node, StoreSpec spec) {
        Settings.of(node, spec, System.getenv());
    }

    /**
     * Connects to the server, creates the tables if they are missing, and returns the store instance's engine, an
     * {@link ExternalStoreEngine}.
     *
     * @throws io.sluice.SluiceException if a setting is unknown, missing or malformed; if the server cannot be reached
     *     within {@value #CONNECT_TIMEOUT}; if it refuses the user or has no such database. The message names the
     *     store, the node and the server's host:port, never the password.
     */
    @Override
    public ExternalStoreEngine open(String graph, String node, int instance, StoreSpec spec) {
        Settings settings = Settings.of(node, spec, System.getenv());
        return PostgresStoreEngine.open(graph, node, instance, spec.name(), settings);
    }
}
