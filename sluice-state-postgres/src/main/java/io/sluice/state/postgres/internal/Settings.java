package io.sluice.state.postgres.internal;

import static io.sluice.state.postgres.PostgresBackend.CACHE_ENTRIES;
import static io.sluice.state.postgres.PostgresBackend.CONNECT_TIMEOUT;
import static io.sluice.state.postgres.PostgresBackend.PASSWORD;
import static io.sluice.state.postgres.PostgresBackend.RETRIES;
import static io.sluice.state.postgres.PostgresBackend.RETRY_BACKOFF;
import static io.sluice.state.postgres.PostgresBackend.RETRY_TIMEOUT;
import static io.sluice.state.postgres.PostgresBackend.SETTINGS;
import static io.sluice.state.postgres.PostgresBackend.TABLE;
import static io.sluice.state.postgres.PostgresBackend.URL;
import static io.sluice.state.postgres.PostgresBackend.USER;

import io.sluice.StoreSpec;
import io.sluice.spi.StoreSettings;
import io.sluice.state.postgres.PostgresBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.postgresql.Driver;

/**
 * The settings of one postgres store, read from its {@link StoreSpec#config()} with the environment as fallback, and
 * checked all at once, so a store with a misspelt or malformed setting fails when its graph deploys, naming every
 * problem.
 *
 * <p>The password is kept here and handed to the driver, never shown: {@link #toString()} leaves it out, and no
 * message quotes it or the URL it came with (messages name {@link #server()}, the host and port).
 *
 * @param url the JDBC URL, {@code jdbc:postgresql://host:port/database}
 * @param server {@code host:port} as messages name it (several, comma-separated, for a multi-host URL)
 * @param database the database's name, as messages name it
 * @param user the role to connect as, or {@code null} for the driver's default (the operating system's user)
 * @param password the role's password, or {@code null} for none
 * @param table the table of entries; versions go to {@code <table>_versions}
 * @param cacheEntries how many entries the read cache of one store instance keeps, 0 for none
 * @param connectTimeout how long opening a connection may take, and how long {@code open} tries
 * @param retries how many times a call that lost its connection is tried again
 * @param retryBackoff the wait before the first retry; it doubles before each next one, up to {@link #MAX_BACKOFF}
 * @param retryTimeout how long a call that lost its connection is tried again in all, or {@code null} for as long as
 *     its {@code retries} take
 */
public record Settings(
        String url,
        String server,
        String database,
        String user,
        String password,
        String table,
        int cacheEntries,
        Duration connectTimeout,
        int retries,
        Duration retryBackoff,
        Duration retryTimeout) {

    public static final String DEFAULT_TABLE = "sluice_state";
    public static final int DEFAULT_CACHE_ENTRIES = 10_000;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_RETRIES = 5;
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(100);
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    static final int MAX_CACHE_ENTRIES = 100_000_000;
    static final int MAX_RETRIES = 100;
    // HikariCP's least connection timeout
    static final Duration MIN_CONNECT_TIMEOUT = Duration.ofMillis(250);
    // a table name and its "_versions" sibling must fit PostgreSQL's 63-byte identifiers
    private static final Pattern TABLE_NAME = Pattern.compile("([a-z_][a-z0-9_]{0,62}\\.)?[a-z_][a-z0-9_]{0,53}");

    /** The settings of {@code spec}, with {@code env} as the fallback; or one error naming every problem. */
    public static Settings of(String node, StoreSpec spec, Map<String, String> env) {
        StoreSettings read = StoreSettings.read("postgres", node, spec, SETTINGS);
        String url = firstOf(read.get(URL), env.get(PostgresBackend.ENV_URL));
        String server = null;
        String database = null;
        if (url == null) {
            read.problem("the postgres backend needs setting '" + URL
                    + "' (jdbc:postgresql://host:port/database), in the store's config or in the environment variable "
                    + PostgresBackend.ENV_URL);
        } else {
            Properties parsed = url.startsWith("jdbc:postgresql:") ? Driver.parseURL(url, null) : null;
            if (parsed == null) {
                // the URL is not quoted: it may hold a password
                read.problem("setting '" + URL + "' of the postgres backend is not a PostgreSQL JDBC URL; expected"
                        + " jdbc:postgresql://host:port/database but found one starting '" + scheme(url) + "'");
            } else if (parsed.getProperty("password") != null) {
                read.problem("setting '" + URL + "' of the postgres backend holds a password; give it in setting '"
                        + PASSWORD + "' or the environment variable " + PostgresBackend.ENV_PASSWORD
                        + " instead, so that it is never shown with the URL");
            } else {
                server = servers(parsed);
                database = parsed.getProperty("PGDBNAME", "");
            }
        }
        String user = firstOf(read.get(USER), env.get(PostgresBackend.ENV_USER));
        String password = firstOf(
                read.get(PASSWORD), env.get(PostgresBackend.ENV_PASSWORD), env.get(PostgresBackend.ENV_PGPASSWORD));
        String table = table(read.get(TABLE), read);
        int cacheEntries = read.whole(CACHE_ENTRIES, DEFAULT_CACHE_ENTRIES, 0, MAX_CACHE_ENTRIES, "entries");
        Duration connectTimeout = read.duration(CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, MIN_CONNECT_TIMEOUT);
        int retries = read.whole(RETRIES, DEFAULT_RETRIES, 0, MAX_RETRIES, "retries");
        Duration retryBackoff = read.duration(RETRY_BACKOFF, DEFAULT_RETRY_BACKOFF, Duration.ZERO);
        Duration retryTimeout = read.positiveDuration(RETRY_TIMEOUT, null);
        read.check();
        return new Settings(
                url,
                server,
                database,
                user,
                password,
                table,
                cacheEntries,
                connectTimeout,
                retries,
                retryBackoff,
                retryTimeout);
    }

    /** The table of versions beside {@link #table}. */
    public String versionsTable() {
        return table + "_versions";
    }

    /** Everything but the password, which shows only as set or not. */
    @Override
    public String toString() {
        return "Settings[server=" + server + ", database=" + database + ", user=" + user + ", password="
                + (password == null ? "none" : "(set)") + ", table=" + table + ", cacheEntries=" + cacheEntries
                + ", connectTimeout=" + connectTimeout + ", retries=" + retries + ", retryBackoff=" + retryBackoff
                + ", retryTimeout=" + retryTimeout + "]";
    }

    private static String firstOf(String... values) {
        String value = StoreSettings.firstSet(values);
        return value == null ? null : value.strip();
    }

    private static String scheme(String url) {
        int end = url.indexOf("//");
        String start = end < 0 ? url : url.substring(0, end + 2);
        return start.length() <= 20 ? start : start.substring(0, 20) + "…";
    }

    private static String servers(Properties parsed) {
        String[] hosts = parsed.getProperty("PGHOST", "localhost").split(",");
        String[] ports = parsed.getProperty("PGPORT", "5432").split(",");
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < hosts.length; i++) {
            String host = hosts[i].contains(":") && !hosts[i].startsWith("[") ? "[" + hosts[i] + "]" : hosts[i];
            servers.add(host + ":" + (i < ports.length ? ports[i] : ports[ports.length - 1]));
        }
        return String.join(",", servers);
    }

    private static String table(String text, StoreSettings read) {
        if (text == null) {
            return DEFAULT_TABLE;
        }
        String table = text.strip();
        if (TABLE_NAME.matcher(table).matches()) {
            return table;
        }
        read.problem("setting '" + TABLE + "' of the postgres backend must be a table name of lower-case letters,"
                + " digits and _, at most 54 characters, optionally after a schema and a dot; found '" + text + "'");
        return DEFAULT_TABLE;
    }
}
