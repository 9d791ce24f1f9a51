package io.sluice.state.postgres.internal;

import io.sluice.SluiceException;
import io.sluice.spi.ExternalStoreEngine;
import io.sluice.spi.StoreCodec;
import io.sluice.state.postgres.PostgresBackend;
import java.io.IOException;
import java.io.NotSerializableException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * One store of one node instance in a PostgreSQL table, written behind: puts and deletes are gathered in memory, per
 * key, and {@link #commit} writes them together with the runtime's version in one transaction, so the server holds
 * every change up to a version or none beyond it, and a version it already holds is never applied twice.
 *
 * <p>Reads look at the gathered changes first (a delete counts), then a bounded LRU cache of what the server holds,
 * then the server. The cache may be trusted because a store instance's rows are written by its engine only: they
 * change when this engine commits, and the cache takes each commit's changes.
 *
 * <p>Threads: the instance's thread calls everything; {@link #get}, {@link #forEach}, {@link #size} and {@link
 * #committedVersion} may also be called from a query thread. The gathered changes and the cache are guarded by one
 * lock, held for map operations only, never across a round trip to the server. A reader that missed the cache puts
 * what the server answered into the cache only if no commit or clear came in between ({@code generation}), so it
 * never caches a value a commit replaced.
 *
 * <p>Every call to the server is retried with doubling back-off while the failure is a lost connection ({@link
 * Faults}); a commit that still fails keeps its changes for the next commit. Retrying a commit whose first attempt
 * was in fact committed (the connection lost on COMMIT) is harmless: the version is then no longer above the server's,
 * and the retry drops the changes, which are there already.
 */
public final class PostgresStoreEngine implements ExternalStoreEngine {

    /** Keys longer than this are refused at {@link #put}: PostgreSQL indexes hold at most about 2.7 kB a row. */
    static final int MAX_KEY_BYTES = 2_000;

    private static final int PAGE = 500; // rows of one round trip of forEach
    private static final int BATCH = 5_000;
    private static final int KEY_TEXT_LIMIT = 80;
    private static final byte[] ABSENT = new byte[0]; // in the cache: the server holds no value for the key

    private final String label;
    private final Settings settings;
    private final Pools.Pool pool;
    private final StoreCodec codec;
    private final String graph;
    private final String node;
    private final int instance;
    private final String store;
    private final Sql sql;

    private final Object lock = new Object();
    private Map<Key, Change> changes = new HashMap<>(); // guarded by lock; written by the instance's thread only
    private final Lru cache; // guarded by lock
    private long generation; // guarded by lock; counts commits and clears
    private volatile boolean closed;

    private PostgresStoreEngine(
            String graph, String node, int instance, String store, Settings settings, Pools.Pool pool) {
        this.label = "Store '" + store + "' of node '" + node + "'";
        this.settings = settings;
        this.pool = pool;
        this.codec = new StoreCodec(Thread.currentThread().getContextClassLoader());
        this.graph = graph;
        this.node = node;
        this.instance = instance;
        this.store = store;
        this.sql = new Sql(settings.table(), settings.versionsTable());
        this.cache = new Lru(settings.cacheEntries());
    }

    /**
     * Opens store {@code store} of instance {@code instance} of node {@code node}: connects (sharing the pool of the
     * JVM's other stores on the same server and user) and creates the tables if they are missing.
     */
    public static PostgresStoreEngine open(String graph, String node, int instance, String store, Settings settings) {
        String label = "Store '" + store + "' of node '" + node + "'";
        Pools.Pool pool = Pools.acquire(settings, label);
        PostgresStoreEngine engine = new PostgresStoreEngine(graph, node, instance, store, settings, pool);
        try {
            engine.createTables();
            return engine;
        } catch (RuntimeException | Error e) {
            engine.close();
            throw e;
        }
    }

    // ---- reads ----

    @Override
    public Object get(Object key) {
        Key k = key(key);
        byte[] known;
        long seen;
        synchronized (lock) {
            requireOpen();
            Change change = changes.get(k);
            known = change != null ? (change.value == null ? ABSENT : change.value) : cache.get(k);
            seen = generation;
        }
        if (known != null) {
            return known == ABSENT ? null : decode(known);
        }
        byte[] value = call("read key '" + text(key) + "'", c -> {
            try (PreparedStatement select = c.prepareStatement(sql.selectOne)) {
                bindStore(select, 1).setBytes(5, k.bytes);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? row.getBytes(1) : null;
                }
            }
        });
        synchronized (lock) {
            if (generation == seen) {
                cache.put(k, value == null ? ABSENT : value);
            }
        }
        return value == null ? null : decode(value);
    }

    /**
     * The server's entries, a page at a time in key order, then the gathered changes over them; the connection is
     * given back between pages, so {@code action} may read and write the store. Entries committed while it runs may
     * or may not be listed, as with any store read while its node writes.
     */
    @Override
    public void forEach(BiConsumer<Object, Object> action) {
        Map<Key, Change> pending;
        synchronized (lock) {
            requireOpen();
            pending = new HashMap<>(changes);
        }
        byte[] after = null;
        while (true) {
            byte[] from = after;
            List<byte[][]> page = call("list the store", c -> {
                try (PreparedStatement select = c.prepareStatement(from == null ? sql.firstPage : sql.nextPage)) {
                    int at = 5;
                    bindStore(select, 1);
                    if (from != null) {
                        select.setBytes(at++, from);
                    }
                    select.setInt(at, PAGE);
                    List<byte[][]> rows = new ArrayList<>(PAGE);
                    try (ResultSet row = select.executeQuery()) {
                        while (row.next()) {
                            rows.add(new byte[][] {row.getBytes(1), row.getBytes(2)});
                        }
                    }
                    return rows;
                }
            });
            for (byte[][] row : page) {
                if (!pending.containsKey(new Key(row[0]))) {
                    action.accept(decode(row[0]), decode(row[1]));
                }
            }
            if (page.size() < PAGE) {
                break;
            }
            after = page.get(page.size() - 1)[0];
        }
        for (Map.Entry<Key, Change> change : pending.entrySet()) {
            if (change.getValue().value != null) {
                action.accept(decode(change.getKey().bytes), decode(change.getValue().value));
            }
        }
    }

    /** The server's count, less the gathered deletes and plus the gathered puts of keys it lacks. */
    @Override
    public long size() {
        List<byte[]> pendingKeys = new ArrayList<>();
        long puts = 0;
        synchronized (lock) {
            requireOpen();
            for (Map.Entry<Key, Change> change : changes.entrySet()) {
                pendingKeys.add(change.getKey().bytes);
                if (change.getValue().value != null) {
                    puts++;
                }
            }
        }
        long added = puts;
        return call("count the store", c -> {
            long total;
            try (PreparedStatement count = c.prepareStatement(sql.count)) {
                bindStore(count, 1);
                total = single(count);
            }
            if (pendingKeys.isEmpty()) {
                return total;
            }
            Array keys = c.createArrayOf("bytea", pendingKeys.toArray(new byte[0][]));
            try (PreparedStatement among = c.prepareStatement(sql.countAmong)) {
                bindStore(among, 1).setArray(5, keys);
                return total - single(among) + added;
            } finally {
                keys.free();
            }
        });
    }

    @Override
    public long committedVersion() {
        requireOpen();
        return call("read the committed version", c -> {
            try (PreparedStatement select = c.prepareStatement(sql.selectVersion)) {
                bindStore(select, 1);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? row.getLong(1) : -1L;
                }
            }
        });
    }

    // ---- writes ----

    @Override
    public void put(Object key, Object value) {
        Key k = key(key);
        byte[] v = encode(value, () -> "the value of key '" + text(key) + "'");
        synchronized (lock) {
            requireOpen();
            changes.put(k, new Change(key, v));
        }
    }

    @Override
    public void delete(Object key) {
        Key k = key(key);
        synchronized (lock) {
            requireOpen();
            changes.put(k, new Change(key, null));
        }
    }

    /**
     * In one transaction: raises the store's version row to {@code version} — which also locks it — or finds it at
     * {@code version} or above and writes nothing; then upserts and deletes the gathered changes in JDBC batches, and
     * commits. Afterwards the changes move into the cache.
     */
    @Override
    public void commit(long version) {
        Map<Key, Change> committing;
        synchronized (lock) {
            requireOpen();
            committing = changes;
        }
        // only this thread changes the map, so it may be read here without the lock while queries read it too
        boolean written = call(
                "commit version " + version,
                c -> {
                    c.setAutoCommit(false);
                    try {
                        boolean raised = write(c, committing, version);
                        if (raised) {
                            c.commit();
                        } else {
                            c.rollback();
                        }
                        return raised;
                    } catch (SQLException | RuntimeException | Error e) {
                        rollbackQuietly(c, e);
                        throw e;
                    }
                },
                () -> "; the " + committing.size()
                        + " changes gathered since the last commit are kept for the next commit");
        synchronized (lock) {
            changes = new HashMap<>();
            generation++;
            for (Map.Entry<Key, Change> change : committing.entrySet()) {
                if (written) {
                    byte[] value = change.getValue().value;
                    cache.put(change.getKey(), value == null ? ABSENT : value);
                } else {
                    // the server holds this version already, so these changes too; what the cache says may be older
                    cache.remove(change.getKey());
                }
            }
        }
    }

    private boolean write(Connection c, Map<Key, Change> committing, long version) throws SQLException {
        try (PreparedStatement raise = c.prepareStatement(sql.raiseVersion)) {
            bindStore(raise, 1).setLong(5, version);
            if (raise.executeUpdate() == 0) {
                return false;
            }
        }
        try (PreparedStatement upsert = c.prepareStatement(sql.upsert);
                PreparedStatement remove = c.prepareStatement(sql.deleteOne)) {
            int upserts = 0;
            int removes = 0;
            for (Map.Entry<Key, Change> entry : committing.entrySet()) {
                Change change = entry.getValue();
                if (change.value != null) {
                    bindStore(upsert, 1).setBytes(5, entry.getKey().bytes);
                    upsert.setString(6, keyText(change.key));
                    upsert.setBytes(7, change.value);
                    upsert.addBatch();
                    if (++upserts % BATCH == 0) {
                        upsert.executeBatch();
                    }
                } else {
                    bindStore(remove, 1).setBytes(5, entry.getKey().bytes);
                    remove.addBatch();
                    if (++removes % BATCH == 0) {
                        remove.executeBatch();
                    }
                }
            }
            if (upserts % BATCH != 0) {
                upsert.executeBatch();
            }
            if (removes % BATCH != 0) {
                remove.executeBatch();
            }
        }
        return true;
    }

    /**
     * Deletes this store instance's entries and version from the server, and forgets the gathered changes: for a
     * deployment that starts afresh.
     */
    @Override
    public void clear() {
        synchronized (lock) {
            requireOpen();
        }
        call("clear the store", c -> {
            c.setAutoCommit(false);
            try (PreparedStatement entries = c.prepareStatement(sql.deleteAll);
                    PreparedStatement version = c.prepareStatement(sql.deleteVersion)) {
                bindStore(entries, 1).executeUpdate();
                bindStore(version, 1).executeUpdate();
                c.commit();
                return null;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(c, e);
                throw e;
            }
        });
        synchronized (lock) {
            changes = new HashMap<>();
            cache.clear();
            generation++;
        }
    }

    /**
     * Gives back the connection pool; changes gathered since the last commit are dropped (the runtime's log holds
     * them). A second call does nothing.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            changes = new HashMap<>();
            cache.clear();
        }
        Pools.release(pool);
    }

    /** How many entries the read cache holds now. */
    int cached() {
        synchronized (lock) {
            return cache.size();
        }
    }

    /** How many changes are gathered for the next commit. */
    int pending() {
        synchronized (lock) {
            return changes.size();
        }
    }

    // ---- the server ----

    private void createTables() {
        if (!pool.firstToCheck(settings.table())) {
            return;
        }
        try {
            call("create its tables", c -> {
                c.setAutoCommit(false);
                try (Statement statement = c.createStatement()) {
                    // one creator at a time, across processes: concurrent CREATE TABLE IF NOT EXISTS may collide
                    statement.execute("SELECT pg_advisory_xact_lock(hashtext('sluice:" + settings.table() + "'))");
                    // looked up first, so tables made in advance need no CREATE privilege on their schema
                    boolean entries;
                    boolean versions;
                    try (ResultSet row = statement.executeQuery("SELECT to_regclass('" + settings.table()
                            + "') IS NOT NULL, to_regclass('" + settings.versionsTable() + "') IS NOT NULL")) {
                        row.next();
                        entries = row.getBoolean(1);
                        versions = row.getBoolean(2);
                    }
                    if (!entries) {
                        statement.execute(sql.createEntries);
                    }
                    if (!versions) {
                        statement.execute(sql.createVersions);
                    }
                    c.commit();
                    return null;
                } catch (SQLException | RuntimeException | Error e) {
                    rollbackQuietly(c, e);
                    throw e;
                }
            });
        } catch (RuntimeException | Error e) {
            pool.uncheck(settings.table());
            throw e;
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T call(String doing, Work<T> work) {
        return call(doing, work, () -> "");
    }

    /** Runs {@code work} on a pooled connection, retrying with back-off while the connection is what failed. */
    private <T> T call(String doing, Work<T> work, Supplier<String> hint) {
        Duration backoff = settings.retryBackoff();
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pool.dataSource().getConnection()) {
                return work.run(c);
            } catch (SQLException e) {
                if (closed) {
                    throw new SluiceException(label + ": " + closedText(), e);
                }
                if (!Faults.isTransient(e)) {
                    throw new SluiceException(
                            label + ": postgres at " + settings.server() + " failed to " + doing + "; " + e.getMessage()
                                    + hint.get(),
                            e);
                }
                if (attempt > settings.retries()) {
                    throw new SluiceException(
                            label + ": postgres at " + settings.server() + " failed to " + doing + ", "
                                    + (attempt == 1 ? "its only attempt" : "all " + attempt + " attempts")
                                    + " cut off from the server; " + e.getMessage() + hint.get()
                                    + "; allow more time with setting '" + PostgresBackend.RETRIES + "' or '"
                                    + PostgresBackend.RETRY_BACKOFF + "'",
                            e);
                }
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SluiceException(
                        label + ": interrupted while waiting to retry postgres at " + settings.server(), e);
            }
            backoff = backoff.multipliedBy(2);
            if (backoff.compareTo(Settings.MAX_BACKOFF) > 0) {
                backoff = Settings.MAX_BACKOFF;
            }
        }
    }

    private PreparedStatement bindStore(PreparedStatement statement, int from) throws SQLException {
        statement.setString(from, graph);
        statement.setString(from + 1, node);
        statement.setInt(from + 2, instance);
        statement.setString(from + 3, store);
        return statement;
    }

    private static long single(PreparedStatement select) throws SQLException {
        try (ResultSet row = select.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private static void rollbackQuietly(Connection c, Throwable failure) {
        try {
            c.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e); // the connection is likely gone; the pool drops it
        }
    }

    // ---- keys and values ----

    private Key key(Object key) {
        byte[] bytes = encode(key, () -> "the key '" + text(key) + "'");
        if (bytes.length > MAX_KEY_BYTES) {
            throw new SluiceException(label + ": the key '" + text(key) + "' cannot be stored in postgres; expected"
                    + " at most " + MAX_KEY_BYTES + " bytes, as an index entry must fit in a page, but it takes "
                    + bytes.length + " (a " + key.getClass().getName() + "); use a shorter key, such as an id");
        }
        return new Key(bytes);
    }

    private byte[] encode(Object object, Supplier<String> what) {
        try {
            return codec.encode(object);
        } catch (NotSerializableException e) {
            String type = object.getClass().getName();
            String culprit = e.getMessage();
            String found = culprit.equals(type) ? type : type + " holding " + culprit;
            throw new SluiceException(label + ": " + what.get() + " cannot be stored in postgres; expected a String,"
                    + " Long, Integer or java.io.Serializable object but found " + found
                    + ", which is not Serializable; make " + culprit
                    + " implement java.io.Serializable (a record can)");
        } catch (IOException e) {
            throw new SluiceException(
                    label + ": " + what.get() + " cannot be stored in postgres; Java serialization of "
                            + object.getClass().getName() + " failed: " + e,
                    e);
        }
    }

    private Object decode(byte[] bytes) {
        try {
            return codec.decode(bytes);
        } catch (IOException | ClassNotFoundException e) {
            throw new SluiceException(
                    label + ": an entry read from postgres table " + settings.table() + " cannot be turned back into"
                            + " an object; " + e + "; is the class that wrote it on this class path?",
                    e);
        }
    }

    /** The key as other tools read it in column key_text; PostgreSQL's text holds no NUL. */
    private static String keyText(Object key) {
        String text;
        try {
            text = String.valueOf(key);
        } catch (RuntimeException e) {
            text = key.getClass().getName() + " (its toString failed: " + e + ")";
        }
        return text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
    }

    private static String text(Object key) {
        String text = String.valueOf(key);
        return text.length() <= KEY_TEXT_LIMIT ? text : text.substring(0, KEY_TEXT_LIMIT) + "…";
    }

    private void requireOpen() {
        if (closed) {
            throw new SluiceException(label + ": " + closedText());
        }
    }

    private static String closedText() {
        return "the postgres store is closed, as its node instance has ended; its committed content stays in the"
                + " server";
    }

    /** A key's bytes, compared by content. */
    private static final class Key {
        final byte[] bytes;
        private final int hash;

        Key(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** A gathered change: the key as the node gave it (for key_text) and the value's bytes, {@code null} if deleted. */
    private record Change(Object key, byte[] value) {}

    /** At most {@code capacity} entries, the least recently used leaving first. */
    private static final class Lru extends LinkedHashMap<Key, byte[]> {
        private final int capacity;

        Lru(int capacity) {
            super(16, 0.75f, true);
            this.capacity = capacity;
        }

        @Override
        public byte[] put(Key key, byte[] value) {
            return capacity == 0 ? null : super.put(key, value);
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, byte[]> eldest) {
            return size() > capacity;
        }
    }
}
