package io.sluice.state.postgres.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.sluice.SluiceException;
import io.sluice.state.postgres.PostgresBackend;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.postgresql.Driver;

/**
 * One HikariCP pool per server, user and password, shared by every store instance of the JVM that connects with them,
 * and closed when the last of them closes: a graph of many node instances opens a few connections, not one per store.
 * The pool takes its timeouts from the first store that opens it.
 *
 * <p>Before a pool is made, one connection is tried by hand until the store's {@code connect-timeout}, so that an
 * unreachable server, a wrong password and a missing database each fail {@code open} at once with their own message,
 * rather than as a pool that times out.
 */
final class Pools {

    private static final Map<Key, Pool> POOLS = new HashMap<>(); // guarded by itself

    private Pools() {}

    /** The credentials a pool is shared by; its text leaves the password out. */
    private record Key(String url, String user, String password) {
        @Override
        public String toString() {
            return "Key[url=(not shown), user=" + user + "]";
        }
    }

    /** A pool and the store instances using it. */
    static final class Pool {
        private final Key key;
        private int users; // guarded by POOLS
        private HikariDataSource dataSource; // guarded by this; set once
        private final Set<String> tablesChecked = ConcurrentHashMap.newKeySet(); // made sure of
        private final Map<String, Object> tableLocks = new ConcurrentHashMap<>(); // one creator per table at a time

        private Pool(Key key) {
            this.key = key;
        }

        DataSource dataSource() {
            synchronized (this) {
                return dataSource;
            }
        }

        /**
         * Makes sure {@code table} exists, once per pool: the first store to ask runs {@code create}, and every other
         * store asking meanwhile waits until it has, since a store of this JVM must not read a table another thread is
         * still creating. If {@code create} throws, the next store to ask tries again.
         */
        void ensureTable(String table, Runnable create) {
            if (tablesChecked.contains(table)) {
                return;
            }
            synchronized (tableLocks.computeIfAbsent(table, t -> new Object())) {
                if (!tablesChecked.contains(table)) {
                    create.run();
                    tablesChecked.add(table);
                }
            }
        }

        private synchronized void start(Settings settings, String label) {
            if (dataSource == null) {
                probe(settings, label);
                dataSource = new HikariDataSource(config(settings));
            }
        }
    }

    /**
     * The pool for {@code settings}' server and user, made if there is none; the caller {@link #release}s it once.
     *
     * @throws SluiceException if there is no pool yet and no connection could be made within the connect timeout
     */
    static Pool acquire(Settings settings, String label) {
        Pool pool;
        synchronized (POOLS) {
            pool = POOLS.computeIfAbsent(new Key(settings.url(), settings.user(), settings.password()), Pool::new);
            pool.users++;
        }
        try {
            pool.start(settings, label);
            return pool;
        } catch (RuntimeException | Error e) {
            release(pool);
            throw e;
        }
    }

    /** Gives back a pool {@link #acquire}d; the last one out closes it. */
    static void release(Pool pool) {
        HikariDataSource closing = null;
        synchronized (POOLS) {
            pool.users--;
            if (pool.users == 0) {
                POOLS.remove(pool.key, pool);
                synchronized (pool) {
                    closing = pool.dataSource;
                }
            }
        }
        if (closing != null) {
            closing.close();
        }
    }

    /** How many pools are open in this JVM. */
    static int open() {
        synchronized (POOLS) {
            return POOLS.size();
        }
    }

    private static HikariConfig config(Settings settings) {
        HikariConfig config = new HikariConfig();
        config.setDriverClassName(Driver.class.getName());
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setPoolName("sluice-postgres " + settings.server());
        config.setMaximumPoolSize(10);
        config.setMinimumIdle(1);
        long timeout = settings.connectTimeout().toMillis();
        config.setConnectionTimeout(timeout);
        config.setValidationTimeout(Math.min(timeout, 5_000));
        config.setInitializationFailTimeout(-1); // the probe has connected already
        driverProperties(settings).forEach((name, value) -> config.addDataSourceProperty((String) name, value));
        return config;
    }

    private static Properties driverProperties(Settings settings) {
        Properties properties = new Properties();
        // a batch of upserts goes as multi-row INSERTs: several times fewer statements for the server to run
        properties.setProperty("reWriteBatchedInserts", "true");
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("ApplicationName", "sluice");
        properties.setProperty("connectTimeout", Long.toString(seconds(settings.connectTimeout())));
        return properties;
    }

    /** Tries to connect until the connect timeout, failing at once on what no retry mends. */
    private static void probe(Settings settings, String label) {
        String where = "postgres at " + settings.server();
        long deadline = System.nanoTime() + settings.connectTimeout().toNanos();
        SQLException last;
        Driver driver = new Driver();
        long pause = 50;
        while (true) {
            Properties properties = driverProperties(settings);
            long left = deadline - System.nanoTime();
            properties.setProperty("connectTimeout", Long.toString(seconds(Duration.ofNanos(left))));
            properties.setProperty("loginTimeout", Long.toString(seconds(Duration.ofNanos(left))));
            if (settings.user() != null) {
                properties.setProperty("user", settings.user());
            }
            if (settings.password() != null) {
                properties.setProperty("password", settings.password());
            }
            try {
                Connection connection = driver.connect(settings.url(), properties); // null: not a postgres URL
                if (connection != null) {
                    connection.close();
                }
                return;
            } catch (SQLException e) {
                last = e;
                String state = String.valueOf(e.getSQLState());
                if (state.startsWith("28") || state.equals("08004")) {
                    throw new SluiceException(label + ": " + where + " refused the connection of user '"
                            + (settings.user() == null ? System.getProperty("user.name") : settings.user()) + "'; "
                            + e.getMessage() + "; check setting '" + PostgresBackend.USER + "' and '"
                            + PostgresBackend.PASSWORD + "' (or the environment variables "
                            + PostgresBackend.ENV_USER + " and " + PostgresBackend.ENV_PASSWORD + " or "
                            + PostgresBackend.ENV_PGPASSWORD + ")");
                }
                if (state.equals("3D000")) {
                    throw new SluiceException(label + ": " + where + " has no database '" + settings.database()
                            + "'; create it (CREATE DATABASE " + settings.database() + ") or name another in setting '"
                            + PostgresBackend.URL + "'");
                }
                if (!Faults.isTransient(e)) {
                    throw new SluiceException(label + ": cannot connect to " + where + "; " + e.getMessage(), e);
                }
            }
            left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                Thread.sleep(Math.min(pause, Duration.ofNanos(left).toMillis() + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SluiceException(label + ": interrupted while connecting to " + where, e);
            }
            pause = Math.min(pause * 2, 1_000);
        }
        throw new SluiceException(
                label + ": cannot reach " + where + " within " + Faults.text(settings.connectTimeout()) + "; "
                        + last.getMessage() + "; check setting '" + PostgresBackend.URL + "' (or the environment"
                        + " variable " + PostgresBackend.ENV_URL + ") and that the server is running, or allow more"
                        + " time with '" + PostgresBackend.CONNECT_TIMEOUT + "'",
                last);
    }

    private static long seconds(Duration duration) {
        return Math.max(1, (duration.toMillis() + 999) / 1_000);
    }
}
