package io.sluice.state.redis.internal;

import io.sluice.SluiceException;
import io.sluice.spi.ExternalStoreEngine;
import io.sluice.spi.StoreCodec;
import io.sluice.state.redis.RedisBackend;
import java.io.IOException;
import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * One store of one node instance in a Redis hash, written behind: puts and deletes are gathered in memory, keyed by
 * their encoded bytes, and {@link #commit} sends them with the version in one Lua script, which Redis runs atomically.
 * The script checks the stored version first and writes nothing for a version not above it, so a commit retried after
 * a lost reply, or replayed after a restart, is never applied twice.
 *
 * <p>One connection, guarded by one lock: the instance's thread writes and commits, a query thread may read ({@link
 * #get}, {@link #forEach}, {@link #size}) at the same time. A call that loses the connection reconnects with back-off
 * for up to {@code retry-timeout}, holding the lock, then fails naming the server; a failed commit keeps its changes.
 */
public final class RedisEngine implements ExternalStoreEngine {

    private static final Logger LOG = LoggerFactory.getLogger(RedisEngine.class);

    /** In the cache: the server holds no value for the key. */
    private static final byte[] ABSENT = new byte[0];

    private static final int KEY_TEXT_LIMIT = 80;
    private static final int SCAN_PAGE = 1_000;
    private static final long FIRST_BACKOFF_MS = 50;
    private static final long MAX_BACKOFF_MS = 1_000;

    /**
     * KEYS: the hash, the version key. ARGV: the version, the number n of fields set, n field-value pairs, then the
     * fields deleted. Returns the version held before, or -1. Versions are compared as decimal text, exactly, whatever
     * their size (Lua numbers are doubles); a version key holding anything else stops the script before it writes. Nothing can fail after the first write: a wrong type or a server out of
     * memory stops the first HSET or HDEL, and Redis lets a script that has written go on writing.
     */
    private static final byte[] COMMIT = bytes("""
            local function above(a, b)
              if #a ~= #b then return #a > #b end
              return a > b
            end
            local held = redis.call('GET', KEYS[2])
            if held and not string.match(held, '^%d+$') then
              return redis.error_reply('the version key holds ' .. string.sub(held, 1, 40) .. ', not a version')
            end
            if held and not above(ARGV[1], held) then return held end
            local last = 2 + 2 * tonumber(ARGV[2])
            local i = 3
            while i <= last do
              local stop = math.min(i + 999, last)
              redis.call('HSET', KEYS[1], unpack(ARGV, i, stop))
              i = stop + 1
            end
            while i <= #ARGV do
              local stop = math.min(i + 999, #ARGV)
              redis.call('HDEL', KEYS[1], unpack(ARGV, i, stop))
              i = stop + 1
            end
            redis.call('SET', KEYS[2], ARGV[1])
            return held or '-1'
            """);

    /** KEYS: the hash. ARGV: the number n of fields set, n fields, then the fields deleted. Returns the size after. */
    private static final byte[] SIZE = bytes("""
            local size = redis.call('HLEN', KEYS[1])
            local last = 1 + tonumber(ARGV[1])
            for i = 2, #ARGV do
              local held = redis.call('HEXISTS', KEYS[1], ARGV[i])
              if i <= last and held == 0 then size = size + 1 end
              if i > last and held == 1 then size = size - 1 end
            end
            return size
            """);

    private final String label;
    private final Settings settings;
    private final byte[] hashKey;
    private final byte[] versionKey;
    private final String keyName;
    private final StoreCodec codec;
    private final ReentrantLock lock = new ReentrantLock();

    // Guarded by lock.
    private Jedis jedis; // null after a lost connection, until the next call reconnects
    private final Map<Bytes, byte[]> pending = new HashMap<>(); // key -> value, or null if deleted
    private final Map<Bytes, byte[]> cache; // key -> value as the server holds it, or ABSENT
    private final Map<byte[], byte[]> shas = new HashMap<>(); // script -> its SHA1, once loaded
    private long committed = -1;
    private boolean closed;

    private RedisEngine(String label, Settings settings, String keyName) {
        this.label = label;
        this.settings = settings;
        this.keyName = keyName;
        this.hashKey = bytes(keyName);
        this.versionKey = bytes(keyName + ":version");
        this.codec = new StoreCodec(Thread.currentThread().getContextClassLoader());
        int limit = settings.cacheEntries();
        this.cache = new LinkedHashMap<>(Math.min(limit, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Bytes, byte[]> eldest) {
                return size() > limit;
            }
        };
    }

    /**
     * Connects to the server for store {@code store} of instance {@code instance} of node {@code node}, kept in the
     * hash {@code <prefix><graph>:<node>:<instance>:<store>}, and reads its committed version. Fails within about
     * {@code connect-timeout} if the server cannot be reached, without retrying: a wrong address should say so at once.
     */
    public static RedisEngine open(String graph, String node, int instance, String store, Settings settings) {
        String label = "Store '" + store + "' of node '" + node + "'";
        String keyName = settings.prefix() + graph + ":" + node + ":" + instance + ":" + store;
        RedisEngine engine = new RedisEngine(label, settings, keyName);
        try {
            engine.jedis = engine.connect();
            engine.committed = engine.readVersion(engine.jedis);
            engine.jedis.getConnection().setSoTimeout(commandTimeout(settings));
            return engine;
        } catch (JedisConnectionException e) {
            engine.drop();
            throw new SluiceException(label + ": cannot reach the redis server at " + settings.address() + " within "
                    + settings.connectTimeout().toMillis() + " ms (" + RedisBackend.CONNECT_TIMEOUT + "); "
                    + reason(e) + "; check '" + RedisBackend.URI + "' (or " + Settings.ENV_URI
                    + ") and that the server is up");
        } catch (JedisDataException e) {
            engine.drop();
            throw engine.refused("open the store", e);
        } catch (RuntimeException e) {
            engine.drop();
            throw e;
        }
    }

    private Jedis connect() {
        int connectMillis = (int) settings.connectTimeout().toMillis();
        DefaultJedisClientConfig config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(connectMillis)
                .socketTimeoutMillis(connectMillis) // until the first answer; then commandTimeout
                .user(settings.user())
                .password(settings.password())
                .database(settings.database())
                .ssl(settings.ssl())
                .clientName("sluice")
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                .build();
        return new Jedis(new HostAndPort(settings.host(), settings.port()), config);
    }

    /** How long a command may wait for its answer: a big commit may take a while, a dead server should not hang. */
    private static int commandTimeout(Settings settings) {
        return (int) Math.max(
                settings.connectTimeout().toMillis(), settings.retryTimeout().toMillis());
    }

    // ---- reads ----

    @Override
    public Object get(Object key) {
        byte[] k = encode(key, () -> "the key '" + text(key) + "'");
        Bytes b = new Bytes(k);
        byte[] v;
        lock.lock();
        try {
            live();
            if (pending.containsKey(b)) {
                v = pending.get(b);
            } else {
                v = cache.get(b);
                if (v == null) {
                    v = call("read key '" + text(key) + "'", j -> j.hget(hashKey, k));
                    if (settings.cacheEntries() > 0) {
                        cache.put(b, v == null ? ABSENT : v);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        return v == null || v == ABSENT ? null : decode(v);
    }

    /**
     * Every key once, with the value it has in the gathered changes or else on the server. The server's part is read
     * a page at a time, without holding the lock while {@code action} runs, so {@code action} may use the store.
     */
    @Override
    public void forEach(BiConsumer<Object, Object> action) {
        Map<Bytes, byte[]> changes;
        lock.lock();
        try {
            live();
            changes = new HashMap<>(pending);
        } finally {
            lock.unlock();
        }
        Set<Bytes> seen = new HashSet<>(); // a scan may return a field twice
        ScanParams params = new ScanParams().count(SCAN_PAGE);
        byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
        boolean complete;
        do {
            byte[] from = cursor;
            ScanResult<Map.Entry<byte[], byte[]>> page;
            lock.lock();
            try {
                live();
                page = call("list the store", j -> j.hscan(hashKey, from, params));
            } finally {
                lock.unlock();
            }
            for (Map.Entry<byte[], byte[]> entry : page.getResult()) {
                Bytes field = new Bytes(entry.getKey());
                if (!changes.containsKey(field) && seen.add(field)) {
                    action.accept(decode(entry.getKey()), decode(entry.getValue()));
                }
            }
            cursor = page.getCursorAsBytes();
            complete = page.isCompleteIteration();
        } while (!complete);
        for (Map.Entry<Bytes, byte[]> change : changes.entrySet()) {
            if (change.getValue() != null) {
                action.accept(decode(change.getKey().bytes), decode(change.getValue()));
            }
        }
    }

    /** The server's count corrected by the gathered changes, in one round trip. */
    @Override
    public long size() {
        lock.lock();
        try {
            live();
            if (pending.isEmpty()) {
                return call("count the store", j -> j.hlen(hashKey));
            }
            List<byte[]> args = new ArrayList<>(pending.size() + 1);
            args.add(null);
            int set = 0;
            for (Map.Entry<Bytes, byte[]> change : pending.entrySet()) {
                if (change.getValue() != null) {
                    args.add(change.getKey().bytes);
                    set++;
                }
            }
            args.set(0, bytes(Integer.toString(set)));
            for (Map.Entry<Bytes, byte[]> change : pending.entrySet()) {
                if (change.getValue() == null) {
                    args.add(change.getKey().bytes);
                }
            }
            return (Long) call("count the store", j -> script(j, SIZE, List.of(hashKey), args));
        } finally {
            lock.unlock();
        }
    }

    // ---- writes ----

    @Override
    public void put(Object key, Object value) {
        byte[] k = encode(key, () -> "the key '" + text(key) + "'");
        byte[] v = encode(value, () -> "the value of key '" + text(key) + "'");
        lock.lock();
        try {
            live();
            pending.put(new Bytes(k), v);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void delete(Object key) {
        byte[] k = encode(key, () -> "the key '" + text(key) + "'");
        lock.lock();
        try {
            live();
            pending.put(new Bytes(k), null);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long committedVersion() {
        lock.lock();
        try {
            live();
            committed = call("read the committed version", this::readVersion);
            return committed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void commit(long version) {
        if (version < 0) {
            throw new IllegalArgumentException(label + ": a commit's version is 0 or more; found " + version);
        }
        lock.lock();
        try {
            live();
            if (version <= committed) {
                pending.clear(); // already on the server, with the version that holds them
                return;
            }
            List<byte[]> args = new ArrayList<>(2 * pending.size() + 2);
            args.add(bytes(Long.toString(version)));
            args.add(null);
            int set = 0;
            for (Map.Entry<Bytes, byte[]> change : pending.entrySet()) {
                if (change.getValue() != null) {
                    args.add(change.getKey().bytes);
                    args.add(change.getValue());
                    set++;
                }
            }
            args.set(1, bytes(Integer.toString(set)));
            for (Map.Entry<Bytes, byte[]> change : pending.entrySet()) {
                if (change.getValue() == null) {
                    args.add(change.getKey().bytes);
                }
            }
            int changes = pending.size();
            Object held = call(
                    "commit version " + version + " (" + changes + " changes)",
                    j -> script(j, COMMIT, List.of(hashKey, versionKey), args));
            long before = parseVersion((byte[]) held);
            if (before < version) {
                if (settings.cacheEntries() > 0) {
                    pending.forEach((k, v) -> cache.put(k, v == null ? ABSENT : v));
                }
                committed = version;
            } else {
                // Held already: our own earlier attempt whose answer was lost (before == version), or another writer
                // ahead of us, whose content the cache may not show.
                cache.clear();
                committed = before;
            }
            pending.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Deletes the store instance's hash and version on the server at once: a deployment starting afresh. */
    @Override
    public void clear() {
        lock.lock();
        try {
            live();
            call("clear the store", j -> j.del(hashKey, versionKey));
            pending.clear();
            cache.clear();
            committed = -1;
        } finally {
            lock.unlock();
        }
    }

    /** Closes the connection; changes not committed are dropped (the runtime's log holds them). */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            pending.clear();
            cache.clear();
            drop();
        } finally {
            lock.unlock();
        }
    }

    // ---- the server ----

    private long readVersion(Jedis j) {
        return parseVersion(j.get(versionKey));
    }

    private long parseVersion(byte[] text) {
        if (text == null) {
            return -1;
        }
        String version = new String(text, StandardCharsets.US_ASCII);
        try {
            return Long.parseLong(version);
        } catch (NumberFormatException e) {
            throw new SluiceException(label + ": the redis key '" + keyName + ":version' on " + settings.address()
                    + " should hold the committed version, a whole number, but holds '" + text(version)
                    + "'; was it written by something else? Give this graph another '" + RedisBackend.PREFIX + "'");
        }
    }

    /** Runs a script by its SHA1, loading it first on a connection that does not know it (a restarted server). */
    private Object script(Jedis j, byte[] script, List<byte[]> keys, List<byte[]> args) {
        byte[] sha = shas.get(script);
        if (sha != null) {
            try {
                return j.evalsha(sha, keys, args);
            } catch (JedisNoScriptException e) {
                // the server forgot it: a restart, or SCRIPT FLUSH
            }
        }
        shas.put(script, j.scriptLoad(script));
        return j.evalsha(shas.get(script), keys, args);
    }

    /**
     * Runs {@code op} on the connection, reconnecting with back-off while the server cannot be reached, for up to
     * {@code retry-timeout}. Called with the lock held.
     */
    private <T> T call(String doing, Function<Jedis, T> op) {
        long deadline = System.nanoTime() + settings.retryTimeout().toNanos();
        long backoff = FIRST_BACKOFF_MS;
        int attempts = 0;
        while (true) {
            try {
                if (jedis == null) {
                    jedis = connect();
                    jedis.getConnection().setSoTimeout(commandTimeout(settings));
                }
                T result = op.apply(jedis);
                if (attempts > 0) {
                    LOG.info(
                            "{}: the redis server at {} answers again, after {} attempts",
                            label,
                            settings.address(),
                            attempts + 1);
                }
                return result;
            } catch (JedisConnectionException e) {
                drop();
                attempts++;
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new SluiceException(
                            label + ": the redis server at " + settings.address()
                                    + " could not be reached to " + doing + " after " + attempts + " attempts over "
                                    + settings.retryTimeout().toMillis() + " ms (" + RedisBackend.RETRY_TIMEOUT + "); "
                                    + reason(e) + "; the changes not yet committed are kept for the next commit",
                            e);
                }
                if (attempts == 1) {
                    LOG.warn(
                            "{}: lost the redis server at {} ({}); retrying for up to {} ms",
                            label,
                            settings.address(),
                            reason(e),
                            settings.retryTimeout().toMillis());
                }
                sleep(Math.min(backoff, left));
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            } catch (JedisDataException e) {
                throw refused(doing, e);
            }
        }
    }

    private SluiceException refused(String doing, JedisDataException e) {
        String reply = String.valueOf(e.getMessage());
        String where = label + ": the redis server at " + settings.address();
        if (reply.startsWith("NOAUTH")) {
            return new SluiceException(where + " asks for a password (" + reply + "); set '" + RedisBackend.PASSWORD
                    + "' (or " + Settings.ENV_PASSWORD + ", " + Settings.ENV_REDISCLI_AUTH + ")");
        }
        if (e instanceof JedisAccessControlException || reply.startsWith("WRONGPASS")) {
            return new SluiceException(where + " refused the credentials (" + reply + "); check '"
                    + RedisBackend.PASSWORD + "' (or " + Settings.ENV_PASSWORD + ", " + Settings.ENV_REDISCLI_AUTH
                    + ") and the user in '" + RedisBackend.URI + "'");
        }
        return new SluiceException(where + " refused to " + doing + ": " + reply, e);
    }

    private void drop() {
        Jedis lost = jedis;
        jedis = null;
        if (lost != null) {
            try {
                lost.close();
            } catch (RuntimeException e) {
                // a broken connection may fail to close; it is gone either way
            }
        }
    }

    private void live() {
        if (closed) {
            throw new SluiceException(label + ": the redis store is closed, as its node instance has ended");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException("interrupted while waiting to reconnect to redis", e);
        }
    }

    private static String reason(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + cause + ")";
    }

    // ---- bytes ----

    private byte[] encode(Object object, Supplier<String> what) {
        try {
            return codec.encode(object);
        } catch (NotSerializableException e) {
            String type = object.getClass().getName();
            String culprit = e.getMessage();
            String found = culprit.equals(type) ? type : type + " holding " + culprit;
            throw new SluiceException(label + ": " + what.get() + " cannot be stored in redis; expected a String,"
                    + " Long, Integer or java.io.Serializable object but found " + found
                    + ", which is not Serializable; make " + culprit
                    + " implement java.io.Serializable (a record can)");
        } catch (IOException e) {
            throw new SluiceException(
                    label + ": " + what.get() + " cannot be stored in redis; Java serialization of "
                            + object.getClass().getName() + " failed: " + e,
                    e);
        }
    }

    private Object decode(byte[] bytes) {
        try {
            return codec.decode(bytes);
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            throw new SluiceException(
                    label + ": an entry read from the redis hash '" + keyName + "' on " + settings.address()
                            + " cannot be turned back into an object; " + e
                            + "; is the class that wrote it on this class path?",
                    e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Object key) {
        String text = String.valueOf(key);
        return text.length() <= KEY_TEXT_LIMIT ? text : text.substring(0, KEY_TEXT_LIMIT) + "…";
    }

    /** Encoded bytes as a map key: equal when their content is. */
    private static final class Bytes {
        final byte[] bytes;
        private final int hash;

        Bytes(byte[] bytes) {
            this.bytes = bytes;
            this.hash = java.util.Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Bytes b && b.hash == hash && java.util.Arrays.equals(b.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
