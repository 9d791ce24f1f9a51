package io.sluice.state.redis.internal;

import static io.sluice.state.redis.RedisBackend.CACHE_ENTRIES;
import static io.sluice.state.redis.RedisBackend.CONNECT_TIMEOUT;
import static io.sluice.state.redis.RedisBackend.PASSWORD;
import static io.sluice.state.redis.RedisBackend.PREFIX;
import static io.sluice.state.redis.RedisBackend.RETRY_TIMEOUT;
import static io.sluice.state.redis.RedisBackend.SETTINGS;
import static io.sluice.state.redis.RedisBackend.URI;

import io.sluice.SluiceException;
import io.sluice.StoreSpec;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings of one redis store, read from its {@link StoreSpec#config()} and the environment, and checked all at
 * once, so a store with a misspelt or malformed setting fails when its graph deploys, naming every problem.
 *
 * <p>The password is a secret: it is kept out of {@link #toString()} and out of every message.
 *
 * @param host the server's host
 * @param port the server's port
 * @param ssl whether to speak TLS ({@code rediss://})
 * @param database the logical database, 0 unless the uri names one
 * @param user the ACL user, or {@code null} for the default user
 * @param password the password, or {@code null} for none
 * @param prefix what every key this backend writes starts with
 * @param cacheEntries how many entries each store instance keeps in its read cache
 * @param connectTimeout how long connecting (and the first command) may take
 * @param retryTimeout how long a command keeps retrying a lost connection before it fails
 */
public record Settings(
        String host,
        int port,
        boolean ssl,
        int database,
        String user,
        String password,
        String prefix,
        int cacheEntries,
        Duration connectTimeout,
        Duration retryTimeout) {

    public static final String DEFAULT_URI = "redis://localhost:6379";
    public static final String DEFAULT_PREFIX = "sluice:";
    public static final int DEFAULT_CACHE_ENTRIES = 10_000;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RETRY_TIMEOUT = Duration.ofSeconds(30);

    static final String ENV_URI = "SLUICE_REDIS_URI";
    static final String ENV_PASSWORD = "SLUICE_REDIS_PASSWORD";
    static final String ENV_REDISCLI_AUTH = "REDISCLI_AUTH";

    private static final int MAX_CACHE_ENTRIES = 100_000_000;
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    /** The server as messages name it: never the password. */
    public String address() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return "Settings[" + (ssl ? "rediss://" : "redis://") + address() + "/" + database + ", user=" + user
                + ", password=" + (password == null ? "none" : "***") + ", prefix=" + prefix + ", cacheEntries="
                + cacheEntries + ", connectTimeout=" + connectTimeout + ", retryTimeout=" + retryTimeout + "]";
    }

    /** The settings of {@code spec}, falling back on the process's environment. */
    public static Settings of(String node, StoreSpec spec) {
        return of(node, spec, System::getenv);
    }

    /** The settings of {@code spec}, or one error naming every unknown or malformed setting. */
    public static Settings of(String node, StoreSpec spec, UnaryOperator<String> env) {
        Map<String, String> config = spec.config();
        String prefix = "Store '" + spec.name() + "' of node '" + node + "': ";
        List<String> problems = new ArrayList<>();
        for (String key : new TreeSet<>(config.keySet())) {
            if (!SETTINGS.contains(key)) {
                problems.add("the redis backend has no setting '" + key + "'; expected one of " + SETTINGS
                        + didYouMean(key, SETTINGS));
            }
        }

        String uriText = firstSet(config.get(URI), env.apply(ENV_URI), DEFAULT_URI);
        Endpoint endpoint = endpoint(uriText, config.containsKey(URI) ? "setting '" + URI + "'" : ENV_URI, problems);
        String password = firstSet(config.get(PASSWORD), env.apply(ENV_PASSWORD), env.apply(ENV_REDISCLI_AUTH));
        if (password == null && endpoint != null) {
            password = endpoint.password;
        }
        String keyPrefix = config.getOrDefault(PREFIX, DEFAULT_PREFIX);
        int cacheEntries = count(config.get(CACHE_ENTRIES), problems);
        Duration connectTimeout =
                duration(CONNECT_TIMEOUT, config.get(CONNECT_TIMEOUT), DEFAULT_CONNECT_TIMEOUT, problems);
        Duration retryTimeout = duration(RETRY_TIMEOUT, config.get(RETRY_TIMEOUT), DEFAULT_RETRY_TIMEOUT, problems);
        if (!problems.isEmpty()) {
            throw new SluiceException(prefix + String.join("\n" + prefix, problems));
        }
        return new Settings(
                endpoint.host,
                endpoint.port,
                endpoint.ssl,
                endpoint.database,
                endpoint.user,
                password,
                keyPrefix,
                cacheEntries,
                connectTimeout,
                retryTimeout);
    }

    private record Endpoint(String host, int port, boolean ssl, int database, String user, String password) {}

    /** {@code redis[s]://[[user]:password@]host[:port][/database]}; the password in it is never repeated. */
    private static Endpoint endpoint(String text, String source, List<String> problems) {
        String rule = source + " must look like redis://host:port (or rediss:// for TLS, /N for a database); found '";
        java.net.URI uri;
        try {
            uri = new java.net.URI(text.strip());
        } catch (URISyntaxException e) {
            problems.add(rule + redact(text) + "'");
            return null;
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("redis") || scheme.equals("rediss")) || uri.getHost() == null) {
            problems.add(rule + redact(text) + "'");
            return null;
        }
        int database = 0;
        String path = uri.getPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                database = -1;
            }
            if (database < 0) {
                problems.add(rule + redact(text) + "'; the database after the '/' is a number from 0");
                return null;
            }
        }
        String user = null;
        String password = null;
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            String name = colon < 0 ? "" : info.substring(0, colon);
            String secret = colon < 0 ? info : info.substring(colon + 1);
            user = name.isEmpty() ? null : URLDecoder.decode(name, StandardCharsets.UTF_8);
            password = secret.isEmpty() ? null : URLDecoder.decode(secret, StandardCharsets.UTF_8);
        }
        int port = uri.getPort() < 0 ? 6379 : uri.getPort();
        return new Endpoint(uri.getHost(), port, scheme.equals("rediss"), database, user, password);
    }

    /** The uri with any user information replaced, so that a password in it is never printed. */
    private static String redact(String text) {
        return text.replaceAll("//[^/@]*@", "//***@");
    }

    private static String firstSet(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate;
            }
        }
        return null;
    }

    private static int count(String text, List<String> problems) {
        if (text == null) {
            return DEFAULT_CACHE_ENTRIES;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= 0 && value <= MAX_CACHE_ENTRIES) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the rule
        }
        problems.add("setting '" + CACHE_ENTRIES + "' of the redis backend must be a whole number of entries;"
                + " expected 0 (no cache) to " + MAX_CACHE_ENTRIES + " but found '" + text + "'");
        return DEFAULT_CACHE_ENTRIES;
    }

    /** {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h}, or ISO-8601 ({@code PT2S}), as the YAML format takes them. */
    static Duration duration(String key, String text, Duration fallback, List<String> problems) {
        if (text == null) {
            return fallback;
        }
        Duration value = null;
        Matcher m = DURATION.matcher(text.strip());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            value = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        } else {
            try {
                value = Duration.parse(text.strip());
            } catch (DateTimeParseException e) {
                // reported below, with the rule
            }
        }
        if (value != null && !value.isNegative() && !value.isZero() && value.toMillis() <= Integer.MAX_VALUE) {
            return value;
        }
        problems.add("setting '" + key + "' of the redis backend must be a positive duration such as 250ms, 2s, 5m"
                + " or PT2S; found '" + text + "'");
        return fallback;
    }

    /** {@code "; did you mean 'x'?"} for the setting closest to a misspelt one, or {@code ""} if none is close. */
    static String didYouMean(String missing, List<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = distance(missing, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best != null && bestDistance <= (missing.length() < 4 ? 1 : 2) ? "; did you mean '" + best + "'?" : "";
    }

    /** Edit distance counting a swap of two neighbouring characters as one edit, as typing mistakes go. */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
