package io.sluice.state.redis.internal;

import static io.sluice.spi.StoreSettings.firstSet;
import static io.sluice.state.redis.RedisBackend.CACHE_ENTRIES;
import static io.sluice.state.redis.RedisBackend.CONNECT_TIMEOUT;
import static io.sluice.state.redis.RedisBackend.PASSWORD;
import static io.sluice.state.redis.RedisBackend.PREFIX;
import static io.sluice.state.redis.RedisBackend.RETRY_TIMEOUT;
import static io.sluice.state.redis.RedisBackend.SETTINGS;
import static io.sluice.state.redis.RedisBackend.URI;

import io.sluice.StoreSpec;
import io.sluice.spi.StoreSettings;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.UnaryOperator;

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
        StoreSettings read = StoreSettings.read("redis", node, spec, SETTINGS);
        String uriText = firstSet(read.get(URI), env.apply(ENV_URI), DEFAULT_URI);
        Endpoint endpoint = endpoint(uriText, read.has(URI) ? "setting '" + URI + "'" : ENV_URI, read);
        String password = firstSet(read.get(PASSWORD), env.apply(ENV_PASSWORD), env.apply(ENV_REDISCLI_AUTH));
        if (password == null && endpoint != null) {
            password = endpoint.password;
        }
        String keyPrefix = spec.config().getOrDefault(PREFIX, DEFAULT_PREFIX);
        int cacheEntries =
                read.whole(CACHE_ENTRIES, DEFAULT_CACHE_ENTRIES, 0, MAX_CACHE_ENTRIES, "entries", "no cache");
        Duration connectTimeout = read.positiveDuration(CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT);
        Duration retryTimeout = read.positiveDuration(RETRY_TIMEOUT, DEFAULT_RETRY_TIMEOUT);
        read.check();
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
    private static Endpoint endpoint(String text, String source, StoreSettings read) {
        String rule = source + " must look like redis://host:port (or rediss:// for TLS, /N for a database); found '";
        java.net.URI uri;
        try {
            uri = new java.net.URI(text.strip());
        } catch (URISyntaxException e) {
            read.problem(rule + redact(text) + "'");
            return null;
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("redis") || scheme.equals("rediss")) || uri.getHost() == null) {
            read.problem(rule + redact(text) + "'");
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
                read.problem(rule + redact(text) + "'; the database after the '/' is a number from 0");
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
}
