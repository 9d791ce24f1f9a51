package io.sluice.state.postgres.internal;

import io.sluice.SluiceException;
import io.sluice.spi.StoreBytes;
import io.sluice.spi.WriteBehindStoreEngine;
import io.sluice.state.postgres.PostgresBackend;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One store of one node instance in a PostgreSQL table, written behind ({@link WriteBehindStoreEngine} gathers the
 * changes, caches reads and retries): {@link #commit} writes the changes together with the runtime's version in one
 * transaction, so the server holds every change up to a version or none beyond it, and a version it already holds is
 * never applied twice.
 *
 * <p>Each call takes a connection from the pool the JVM's stores of one server and user share, and gives it back, so
 * a query thread may read while the instance's thread writes. A call is retried with doubling back-off while the
 * failure is a lost connection ({@link Faults}), {@code retries} times; a commit that still fails keeps its changes
 * for the next commit. Retrying a commit whose first attempt was in fact committed (the connection lost on COMMIT) is
 * harmless: the version is then no longer above the server's, and the retry writes nothing.
 */
public final class PostgresStoreEngine extends WriteBehindStoreEngine {

    /** Keys longer than this are refused at {@link #put}: PostgreSQL indexes hold at most about 2.7 kB a row. */
    static final int MAX_KEY_BYTES = 2_000;

    private static final int PAGE = 500; // rows of one round trip of forEach
    private static final int BATCH = 5_000;

    private final Settings settings;
    private final Pools.Pool pool;
    private final String graph;
    private final String node;
    private final int instance;
    private final String store;
    private final Sql sql;

    private PostgresStoreEngine(
            String graph, String node, int instance, String store, Settings settings, Pools.Pool pool) {
        super(
                "postgres",
                node,
                store,
                settings.server(),
                "an entry read from postgres table " + settings.table(),
                settings.cacheEntries(),
                retry(settings));
        this.settings = settings;
        this.pool = pool;
        this.graph = graph;
        this.node = node;
        this.instance = instance;
        this.store = store;
        this.sql = new Sql(settings.table(), settings.versionsTable());
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

    // ---- the operations of WriteBehindStoreEngine ----

    @Override
    protected byte[] load(byte[] key) throws SQLException {
        try (Connection c = connection();
                PreparedStatement select = c.prepareStatement(sql.selectOne)) {
            bindStore(select, 1).setBytes(5, key);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getBytes(1) : null;
            }
        }
    }

    /** A page of the server's entries in key order; the cursor is the last key of the page before. */
    @Override
    protected Page scan(Object cursor) throws SQLException {
        byte[] after = (byte[]) cursor;
        try (Connection c = connection();
                PreparedStatement select = c.prepareStatement(after == null ? sql.firstPage : sql.nextPage)) {
            int at = 5;
            bindStore(select, 1);
            if (after != null) {
                select.setBytes(at++, after);
            }
            select.setInt(at, PAGE);
            List<Entry> rows = new ArrayList<>(PAGE);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    rows.add(new Entry(row.getBytes(1), row.getBytes(2)));
                }
            }
            return new Page(
                    rows, rows.size() < PAGE ? null : rows.get(rows.size() - 1).key());
        }
    }

    /** The server's count, less the changed keys it holds, plus the gathered puts. */
    @Override
    protected long count(Collection<Change> changes) throws SQLException {
        try (Connection c = connection()) {
            long total;
            try (PreparedStatement count = c.prepareStatement(sql.count)) {
                bindStore(count, 1);
                total = single(count);
            }
            if (changes.isEmpty()) {
                return total;
            }
            List<byte[]> keys = new ArrayList<>(changes.size());
            long puts = 0;
            for (Change change : changes) {
                keys.add(change.keyBytes());
                if (!change.isDelete()) {
                    puts++;
                }
            }
            Array among = c.createArrayOf("bytea", keys.toArray(new byte[0][]));
            try (PreparedStatement held = c.prepareStatement(sql.countAmong)) {
                bindStore(held, 1).setArray(5, among);
                return total - single(held) + puts;
            } finally {
                among.free();
            }
        }
    }

    @Override
    protected long readVersion() throws SQLException {
        try (Connection c = connection();
                PreparedStatement select = c.prepareStatement(sql.selectVersion)) {
            bindStore(select, 1);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getLong(1) : -1L;
            }
        }
    }

    /**
     * In one transaction: raises the store's version row to {@code version} — which also locks it — or finds it at
     * {@code version} or above and writes nothing; then upserts and deletes the changes in JDBC batches, and commits.
     */
    @Override
    protected boolean write(Collection<Change> changes, long version) throws SQLException {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            try {
                boolean raised = write(c, changes, version);
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
        }
    }

    private boolean write(Connection c, Collection<Change> changes, long version) throws SQLException {
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
            for (Change change : changes) {
                if (!change.isDelete()) {
                    bindStore(upsert, 1).setBytes(5, change.keyBytes());
                    upsert.setString(6, keyText(change.key()));
                    upsert.setBytes(7, change.value());
                    upsert.addBatch();
                    if (++upserts % BATCH == 0) {
                        upsert.executeBatch();
                    }
                } else {
                    bindStore(remove, 1).setBytes(5, change.keyBytes());
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

    /** Deletes this store instance's entries and version, in one transaction. */
    @Override
    protected void wipe() throws SQLException {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement entries = c.prepareStatement(sql.deleteAll);
                    PreparedStatement version = c.prepareStatement(sql.deleteVersion)) {
                bindStore(entries, 1).executeUpdate();
                bindStore(version, 1).executeUpdate();
                c.commit();
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(c, e);
                throw e;
            }
        }
    }

    /** Gives back the connection pool. */
    @Override
    protected void release() {
        Pools.release(pool);
    }

    @Override
    protected void checkKey(Object key, byte[] bytes) {
        if (bytes.length > MAX_KEY_BYTES) {
            throw new SluiceException(label() + ": the key '" + StoreBytes.shortText(key)
                    + "' cannot be stored in postgres;"
                    + " expected at most " + MAX_KEY_BYTES + " bytes, as an index entry must fit in a page, but it"
                    + " takes " + bytes.length + " (a " + key.getClass().getName() + "); use a shorter key, such as"
                    + " an id");
        }
    }

    @Override
    protected String closedText() {
        return "the postgres store is closed, as its node instance has ended; its committed content stays in the"
                + " server";
    }

    @Override
    protected boolean isTransient(Exception failure) {
        return failure instanceof SQLException e && Faults.isTransient(e);
    }

    @Override
    protected RuntimeException unreachable(Call call, int attempts, Exception last) {
        return new SluiceException(
                label() + ": postgres at " + settings.server() + " failed to " + call.doing() + ", "
                        + (attempts == 1 ? "its only attempt" : "all " + attempts + " attempts")
                        + " cut off from the server; " + last.getMessage() + kept(call)
                        + "; allow more time with setting " + moreTime()
                        + " (while the server is away, each attempt also waits up to '"
                        + PostgresBackend.CONNECT_TIMEOUT + "', " + Faults.text(settings.connectTimeout())
                        + ", for a connection)",
                last);
    }

    /** The settings that give a store that lost its server more time, as its give-up message names them. */
    private String moreTime() {
        if (settings.retryTimeout() == null) {
            return "'" + PostgresBackend.RETRIES + "' or '" + PostgresBackend.RETRY_BACKOFF + "'";
        }
        return "'" + PostgresBackend.RETRY_TIMEOUT + "', " + Faults.text(settings.retryTimeout()) + ", or '"
                + PostgresBackend.RETRIES + "'";
    }

    /** How a call that lost its server is tried again: {@code retries} times, within {@code retry-timeout} if set. */
    static WriteBehindStoreEngine.Retry retry(Settings settings) {
        Duration first = settings.retryBackoff();
        Duration max = Settings.MAX_BACKOFF.compareTo(first) < 0 ? first : Settings.MAX_BACKOFF;
        return new WriteBehindStoreEngine.Retry(first, max, settings.retries(), settings.retryTimeout());
    }

    @Override
    protected RuntimeException refused(Call call, Exception failure) {
        if (!(failure instanceof SQLException)) {
            return super.refused(call, failure);
        }
        return new SluiceException(
                label() + ": postgres at " + settings.server() + " failed to " + call.doing() + "; "
                        + failure.getMessage() + kept(call),
                failure);
    }

    private static String kept(Call call) {
        if (!call.isCommit()) {
            return "";
        }
        return call.changes() == 1
                ? "; the 1 change gathered since the last commit is kept for the next commit"
                : "; the " + call.changes() + " changes gathered since the last commit are kept for the next commit";
    }

    /** How many entries the read cache holds now. */
    int cached() {
        return cachedEntries();
    }

    /** How many changes are gathered for the next commit. */
    int pending() {
        return pendingChanges();
    }

    // ---- the server ----

    private void createTables() {
        pool.ensureTable(settings.table(), this::createTablesNow);
    }

    private void createTablesNow() {
        retry(Call.of("create its tables"), () -> {
            try (Connection c = connection()) {
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
            }
        });
    }

    private Connection connection() throws SQLException {
        return pool.dataSource().getConnection();
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

    // ---- keys ----

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
}
