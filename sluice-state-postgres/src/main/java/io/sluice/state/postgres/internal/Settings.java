package io.sluice.state.postgres.internal;

import static io.sluice.state.postgres.PostgresBackend.CACHE_ENTRIES;
import static io.sluice.state.postgres.PostgresBackend.CONNECT_TIMEOUT;
import static io.sluice.state.postgres.PostgresBackend.PASSWORD;
import static io.sluice.state.postgres.PostgresBackend.RETRIES;
import static io.sluice.state.postgres.PostgresBackend.RETRY_BACKOFF;
import static io.sluice.state.postgres.PostgresBackend.SETTINGS;
import static io.sluice.state.postgres.PostgresBackend.TABLE;
import static io.sluice.state.postgres.PostgresBackend.URL;
import static io.sluice.state.postgres.PostgresBackend.USER;

import io.sluice.SluiceException;
import io.sluice.StoreSpec;
import io.sluice.state.postgres.PostgresBackend;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
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
        Duration retryBackoff) {

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
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    /** The settings of {@code spec}, with {@code env} as the fallback; or one error naming every problem. */
    public static Settings of(String node, StoreSpec spec, Map<String, String> env) {
        Map<String, String> config = spec.config();
        String prefix = "Store '" + spec.name() + "' of node '" + node + "': ";
        List<String> problems = new ArrayList<>();
        for (String key : new TreeSet<>(config.keySet())) {
            if (!SETTINGS.contains(key)) {
                problems.add("the postgres backend has no setting '" + key + "'; expected one of " + SETTINGS
                        + didYouMean(key, SETTINGS));
            }
        }

        String url = firstOf(config.get(URL), env.get(PostgresBackend.ENV_URL));
        String server = null;
        String database = null;
        if (url == null) {
            problems.add("the postgres backend needs setting '" + URL
                    + "' (jdbc:postgresql://host:port/database), in the store's config or in the environment variable "
                    + PostgresBackend.ENV_URL);
        } else {
            Properties parsed = url.startsWith("jdbc:postgresql:") ? Driver.parseURL(url, null) : null;
            if (parsed == null) {
                // the URL is not quoted: it may hold a password
                problems.add("setting '" + URL + "' of the postgres backend is not a PostgreSQL JDBC URL; expected"
                        + " jdbc:postgresql://host:port/database but found one starting '" + scheme(url) + "'");
            } else if (parsed.getProperty("password") != null) {
                problems.add("setting '" + URL + "' of the postgres backend holds a password; give it in setting '"
                        + PASSWORD + "' or the environment variable " + PostgresBackend.ENV_PASSWORD
                        + " instead, so that it is never shown with the URL");
            } else {
                server = servers(parsed);
                database = parsed.getProperty("PGDBNAME", "");
            }
        }
        String user = firstOf(config.get(USER), env.get(PostgresBackend.ENV_USER));
        String password = firstOf(
                config.get(PASSWORD), env.get(PostgresBackend.ENV_PASSWORD), env.get(PostgresBackend.ENV_PGPASSWORD));
        String table = table(config.get(TABLE), problems);
        int cacheEntries = whole(
                CACHE_ENTRIES,
                config.get(CACHE_ENTRIES),
                DEFAULT_CACHE_ENTRIES,
                MAX_CACHE_ENTRIES,
                "entries",
                problems);
        Duration connectTimeout = duration(
                CONNECT_TIMEOUT, config.get(CONNECT_TIMEOUT), DEFAULT_CONNECT_TIMEOUT, MIN_CONNECT_TIMEOUT, problems);
        int retries = whole(RETRIES, config.get(RETRIES), DEFAULT_RETRIES, MAX_RETRIES, "retries", problems);
        Duration retryBackoff =
                duration(RETRY_BACKOFF, config.get(RETRY_BACKOFF), DEFAULT_RETRY_BACKOFF, Duration.ZERO, problems);
        if (!problems.isEmpty()) {
            throw new SluiceException(prefix + String.join("\n" + prefix, problems));
        }
        return new Settings(
                url, server, database, user, password, table, cacheEntries, connectTimeout, retries, retryBackoff);
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
                + "]";
    }

    private static String firstOf(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return null;
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

    private static String table(String text, List<String> problems) {
        if (text == null) {
            return DEFAULT_TABLE;
        }
        String table = text.strip();
        if (TABLE_NAME.matcher(table).matches()) {
            return table;
        }
        problems.add("setting '" + TABLE + "' of the postgres backend must be a table name of lower-case letters,"
                + " digits and _, at most 54 characters, optionally after a schema and a dot; found '" + text + "'");
        return DEFAULT_TABLE;
    }

    private static int whole(String key, String text, int fallback, int max, String unit, List<String> problems) {
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= 0 && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the rule
        }
        problems.add("setting '" + key + "' of the postgres backend must be a whole number of " + unit
                + "; expected 0 to " + max + " but found '" + text + "'");
        return fallback;
    }

    /** {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT2S}), as everywhere in Sluice. */
    private static Duration duration(
            String key, String text, Duration fallback, Duration least, List<String> problems) {
        if (text == null) {
            return fallback;
        }
        Duration value = null;
        Matcher m = DURATION.matcher(text.strip());
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                value = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            } else {
                value = Duration.parse(text.strip());
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            // reported below, with the rule
        }
        if (value != null && value.compareTo(least) >= 0) {
            return value;
        }
        problems.add("setting '" + key + "' of the postgres backend must be a duration of at least "
                + (least.isZero() ? "0ms" : least.toMillis() + "ms") + " such as 250ms, 2s, 5m or PT2S; found '" + text
                + "'");
        return fallback;
    }

    /** {@code "; did you mean 'x'?"} for the candidate nearest {@code word} if it is near enough, else nothing. */
    static String didYouMean(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = distance(word, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best != null && bestDistance <= (word.length() < 4 ? 1 : 2) ? "; did you mean '" + best + "'?" : "";
    }

    /** Levenshtein distance, two rows at a time. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
