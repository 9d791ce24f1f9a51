package io.sluice.state.redis.internal;

import io.sluice.SluiceException;
import io.sluice.spi.StoreBytes;
import io.sluice.spi.WriteBehindStoreEngine;
import io.sluice.state.redis.RedisBackend;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
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
 * One store of one node instance in a Redis hash, written behind ({@link WriteBehindStoreEngine} gathers the changes,
 * caches reads and retries): {@link #commit} sends the changes with the version in one Lua script, which Redis runs
 * atomically. The script checks the stored version first and writes nothing for a version not above it, so a commit
 * retried after a lost reply, or replayed after a restart, is never applied twice.
 *
 * <p>One connection, guarded by its own lock, as a query thread may read while the instance's thread writes. A call
 * that loses the connection drops it; the next attempt connects again, with back-off for up to {@code
 * retry-timeout}, then fails naming the server; a failed commit keeps its changes.
 */
public final class RedisEngine extends WriteBehindStoreEngine {

    private static final int SCAN_PAGE = 1_000;

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

    private final Settings settings;
    private final byte[] hashKey;
    private final byte[] versionKey;
    private final String keyName;
    private final ReentrantLock lock = new ReentrantLock(); // guards the connection: a Jedis is one socket

    // Guarded by lock.
    private Jedis jedis; // null after a lost connection, until the next call reconnects
    private final Map<byte[], byte[]> shas = new HashMap<>(); // script -> its SHA1, once loaded

    private RedisEngine(String node, String store, Settings settings, String keyName) {
        super(
                "redis",
                node,
                store,
                settings.address(),
                "an entry read from the redis hash '" + keyName + "' on " + settings.address(),
                settings.cacheEntries(),
                WriteBehindStoreEngine.Retry.forUpTo(settings.retryTimeout()));
        this.settings = settings;
        this.keyName = keyName;
        this.hashKey = bytes(keyName);
        this.versionKey = bytes(keyName + ":version");
    }

    /**
     * Connects to the server for store {@code store} of instance {@code instance} of node {@code node}, kept in the
     * hash {@code <prefix><graph>:<node>:<instance>:<store>}, and reads its committed version. Fails within about
     * {@code connect-timeout} if the server cannot be reached, without retrying: a wrong address should say so at once.
     */
    public static RedisEngine open(String graph, String node, int instance, String store, Settings settings) {
        String keyName = settings.prefix() + graph + ":" + node + ":" + instance + ":" + store;
        RedisEngine engine = new RedisEngine(node, store, settings, keyName);
        try {
            engine.jedis = engine.connect();
            engine.openedAt(engine.readVersion(engine.jedis));
            engine.jedis.getConnection().setSoTimeout(commandTimeout(settings));
            return engine;
        } catch (JedisConnectionException e) {
            engine.drop();
            throw new SluiceException(engine.label() + ": cannot reach the redis server at " + settings.address()
                    + " within " + settings.connectTimeout().toMillis() + " ms (" + RedisBackend.CONNECT_TIMEOUT
                    + "); " + reason(e) + "; check '" + RedisBackend.URI + "' (or " + Settings.ENV_URI
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

    // ---- the operations of WriteBehindStoreEngine ----

    @Override
    protected byte[] load(byte[] key) {
        return onServer(j -> j.hget(hashKey, key));
    }

    @Override
    protected Page scan(Object cursor) {
        byte[] from = cursor == null ? ScanParams.SCAN_POINTER_START_BINARY : (byte[]) cursor;
        ScanResult<Map.Entry<byte[], byte[]>> page =
                onServer(j -> j.hscan(hashKey, from, new ScanParams().count(SCAN_PAGE)));
        List<Entry> entries = new ArrayList<>(page.getResult().size());
        for (Map.Entry<byte[], byte[]> entry : page.getResult()) {
            entries.add(new Entry(entry.getKey(), entry.getValue()));
        }
        return new Page(entries, page.isCompleteIteration() ? null : page.getCursorAsBytes());
    }

    /** A scan may return a field twice. */
    @Override
    protected boolean scanMayRepeat() {
        return true;
    }

    /** The server's count corrected by the gathered changes, in one round trip. */
    @Override
    protected long count(Collection<Change> changes) {
        if (changes.isEmpty()) {
            return onServer(j -> j.hlen(hashKey));
        }
        List<byte[]> args = new ArrayList<>(changes.size() + 1);
        args.add(null);
        int set = 0;
        for (Change change : changes) {
            if (!change.isDelete()) {
                args.add(change.keyBytes());
                set++;
            }
        }
        args.set(0, bytes(Integer.toString(set)));
        for (Change change : changes) {
            if (change.isDelete()) {
                args.add(change.keyBytes());
            }
        }
        return (Long) onServer(j -> script(j, SIZE, List.of(hashKey), args));
    }

    @Override
    protected boolean write(Collection<Change> changes, long version) {
        List<byte[]> args = new ArrayList<>(2 * changes.size() + 2);
        args.add(bytes(Long.toString(version)));
        args.add(null);
        int set = 0;
        for (Change change : changes) {
            if (!change.isDelete()) {
                args.add(change.keyBytes());
                args.add(change.value());
                set++;
            }
        }
        args.set(1, bytes(Integer.toString(set)));
        for (Change change : changes) {
            if (change.isDelete()) {
                args.add(change.keyBytes());
            }
        }
        Object held = onServer(j -> script(j, COMMIT, List.of(hashKey, versionKey), args));
        return parseVersion((byte[]) held) < version;
    }

    @Override
    protected long readVersion() {
        return onServer(this::readVersion);
    }

    /** Deletes the store instance's hash and version at once. */
    @Override
    protected void wipe() {
        onServer(j -> j.del(hashKey, versionKey));
    }

    @Override
    protected void release() {
        lock.lock();
        try {
            drop();
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected boolean isTransient(Exception failure) {
        return failure instanceof JedisConnectionException;
    }

    @Override
    protected RuntimeException unreachable(Call call, int attempts, Exception last) {
        return new SluiceException(
                label() + ": the redis server at " + settings.address() + " could not be reached to " + call.doing()
                        + (call.isCommit() ? " (" + call.changes() + " changes)" : "") + " after " + attempts
                        + " attempts over " + settings.retryTimeout().toMillis() + " ms ("
                        + RedisBackend.RETRY_TIMEOUT + "); " + reason(last)
                        + "; the changes not yet committed are kept for the next commit",
                last);
    }

    @Override
    protected RuntimeException refused(Call call, Exception failure) {
        if (failure instanceof JedisDataException e) {
            String doing = call.doing() + (call.isCommit() ? " (" + call.changes() + " changes)" : "");
            return refused(doing, e);
        }
        return super.refused(call, failure);
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
            throw new SluiceException(label() + ": the redis key '" + keyName + ":version' on " + settings.address()
                    + " should hold the committed version, a whole number, but holds '" + StoreBytes.shortText(version)
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
     * Runs {@code op} on the connection, connecting first after a lost one; a lost connection is dropped, for the
     * next attempt to connect again. One attempt: {@link #retry} tries again.
     */
    private <T> T onServer(Function<Jedis, T> op) {
        lock.lock();
        try {
            if (jedis == null) {
                jedis = connect();
                jedis.getConnection().setSoTimeout(commandTimeout(settings));
            }
            return op.apply(jedis);
        } catch (JedisConnectionException e) {
            drop();
            throw e;
        } finally {
            lock.unlock();
        }
    }

    private SluiceException refused(String doing, JedisDataException e) {
        String reply = String.valueOf(e.getMessage());
        String where = label() + ": the redis server at " + settings.address();
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

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
