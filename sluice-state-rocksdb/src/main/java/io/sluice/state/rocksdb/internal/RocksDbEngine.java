package io.sluice.state.rocksdb.internal;

import io.sluice.SluiceException;
import io.sluice.spi.StoreBytes;
import io.sluice.spi.StoreEngine;
import io.sluice.state.rocksdb.RocksDbBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * One store of one node instance in its own RocksDB database. The database is a cache of the store, not its durable
 * copy (the runtime keeps that), so it is opened empty, written without a write-ahead log, and deleted on close.
 *
 * <p>Every call holds a read lock, and {@link #clear} and {@link #close} — which replace or free the native database —
 * the write lock, so a query thread never touches a database being closed: RocksDB objects used after {@code close}
 * crash the JVM rather than throw. The size is counted here (RocksDB only estimates it), with a lookup before each put
 * and delete that the bloom filters and the memtable make cheap.
 */
public final class RocksDbEngine implements StoreEngine {

    static {
        RocksDB.loadLibrary();
    }

    private static final long MIB = 1L << 20;
    private static final byte[] NO_VALUE = new byte[0];

    private final String label;
    private final String graph;
    private final Path dir;
    private final StoreBytes bytes;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Lock reading = lock.readLock();
    private final Lock writing = lock.writeLock();

    private final LRUCache cache;
    private final BloomFilter filter;
    private final Options options;
    private final WriteOptions writeOptions;
    private final ReadOptions scanOptions;

    private RocksDB db; // guarded by lock; replaced by clear
    private boolean closed; // guarded by lock; no call but close succeeds once set
    private boolean released; // guarded by lock; the native objects are freed
    private volatile long size; // written by the instance's thread only

    // Whether the key last read or written by the writing thread exists, so that the put after a get of the same key
    // (a count, an update: most node code) needs no second lookup to keep the size. Written by the writer only.
    private Thread writer;
    private byte[] lastKey;
    private boolean lastKeyExists;

    private RocksDbEngine(String label, String graph, Path dir, Settings settings) {
        this.label = label;
        this.graph = graph;
        this.dir = dir;
        this.bytes = new StoreBytes(
                label,
                "rocksdb",
                "an entry read from rocksdb in " + dir,
                Thread.currentThread().getContextClassLoader());
        this.cache = new LRUCache(settings.cacheMb() * MIB);
        this.filter = new BloomFilter(10);
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setFilterPolicy(filter)
                .setBlockSize(16 * 1024)
                // index and filter blocks in the cache too, so that cache-mb bounds what reads keep in memory
                .setCacheIndexAndFilterBlocks(true)
                .setPinL0FilterAndIndexBlocksInCache(true);
        this.options = new Options()
                .setCreateIfMissing(true)
                .setTableFormatConfig(table)
                .setWriteBufferSize(settings.writeBufferMb() * MIB)
                .setMaxWriteBufferNumber(2)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setMaxBackgroundJobs(2)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(1)
                // unflushed writes are not worth flushing: the files are deleted on close
                .setAvoidFlushDuringShutdown(true);
        // the runtime's changelog or checkpoint is the log; a second one would only cost
        this.writeOptions = new WriteOptions().setDisableWAL(true);
        // a query listing the store should not push out of the cache what the node reads
        this.scanOptions = new ReadOptions().setFillCache(false);
    }

    /**
     * Opens the database of store {@code store} of instance {@code instance} of node {@code node}, at {@code
     * <root>/<graph>/<node>-<instance>/<store>}, deleting what an earlier run left there.
     */
    public static RocksDbEngine open(String graph, String node, int instance, String store, Settings settings) {
        Path dir = settings.root().resolve(graph).resolve(node + "-" + instance).resolve(store);
        RocksDbEngine engine = new RocksDbEngine("Store '" + store + "' of node '" + node + "'", graph, dir, settings);
        try {
            engine.db = engine.openEmpty();
            return engine;
        } catch (RuntimeException e) {
            engine.release();
            throw e;
        }
    }

    private RocksDB openEmpty() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new SluiceException(
                    label + ": cannot create the rocksdb directory " + dir + "; " + e + "; set '" + RocksDbBackend.DIR
                            + "' to a writable directory",
                    e);
        }
        try {
            RocksDB.destroyDB(dir.toString(), options); // an earlier run's content: the runtime restores instead
            return RocksDB.open(options, dir.toString());
        } catch (RocksDBException e) {
            String hint =
                    String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("lock")
                            ? "; another deployment of graph '" + graph
                                    + "' may be using it, in this process or another;" + " give each its own '"
                                    + RocksDbBackend.DIR + "'"
                            : "";
            throw new SluiceException(
                    label + ": cannot open the rocksdb database in " + dir + "; " + e.getMessage() + hint, e);
        }
    }

    @Override
    public Object get(Object key) {
        byte[] k = bytes.key(key);
        byte[] v;
        reading.lock();
        try {
            v = live().get(k);
            if (Thread.currentThread() == writer) {
                lastKey = k;
                lastKeyExists = v != null;
            }
        } catch (RocksDBException e) {
            throw failure("read key '" + StoreBytes.shortText(key) + "'", e);
        } finally {
            reading.unlock();
        }
        return v == null ? null : bytes.decode(v);
    }

    @Override
    public void put(Object key, Object value) {
        byte[] k = bytes.key(key);
        byte[] v = bytes.value(key, value);
        reading.lock();
        try {
            RocksDB live = live();
            boolean added = !exists(live, k);
            live.put(writeOptions, k, v);
            if (added) {
                size = size + 1;
            }
            lastKeyExists = true;
        } catch (RocksDBException e) {
            throw failure("write key '" + StoreBytes.shortText(key) + "'", e);
        } finally {
            reading.unlock();
        }
    }

    @Override
    public void delete(Object key) {
        byte[] k = bytes.key(key);
        reading.lock();
        try {
            RocksDB live = live();
            if (exists(live, k)) {
                live.delete(writeOptions, k);
                size = size - 1;
            }
            lastKeyExists = false;
        } catch (RocksDBException e) {
            throw failure("delete key '" + StoreBytes.shortText(key) + "'", e);
        } finally {
            reading.unlock();
        }
    }

    /** In key-byte order; sees the store as it was when the call began, whatever is written meanwhile. */
    @Override
    public void forEach(BiConsumer<Object, Object> action) {
        reading.lock();
        try (RocksIterator it = live().newIterator(scanOptions)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                action.accept(bytes.decode(it.key()), bytes.decode(it.value()));
            }
            it.status();
        } catch (RocksDBException e) {
            throw failure("list the store", e);
        } finally {
            reading.unlock();
        }
    }

    @Override
    public long size() {
        return size;
    }

    /** Drops the database and opens an empty one: faster than deleting every key, and it frees the disk at once. */
    @Override
    public void clear() {
        requireNotIterating("clear");
        writing.lock();
        try {
            RocksDB old = live();
            if (size == 0) {
                return;
            }
            db = null;
            old.close();
            size = 0;
            lastKey = null;
            db = openEmpty();
        } catch (RuntimeException e) {
            closed = true;
            throw e;
        } finally {
            writing.unlock();
        }
    }

    /** Closes the database and deletes its files; a second call does nothing. */
    @Override
    public void close() {
        requireNotIterating("close");
        writing.lock();
        try {
            if (released) {
                return;
            }
            released = true;
            closed = true;
            if (db != null) {
                db.close();
                db = null;
                try {
                    RocksDB.destroyDB(dir.toString(), options);
                } catch (RocksDBException e) {
                    // Not worth failing the node's close for: the next open of this store deletes them.
                }
            }
            release();
        } finally {
            writing.unlock();
        }
    }

    private void release() {
        scanOptions.close();
        writeOptions.close();
        options.close();
        filter.close();
        cache.close();
    }

    /** Whether {@code k} has a value, from the last lookup if it was of this key; makes the caller the writer. */
    private boolean exists(RocksDB live, byte[] k) throws RocksDBException {
        boolean exists;
        if (writer == Thread.currentThread() && Arrays.equals(lastKey, k)) {
            exists = lastKeyExists;
        } else {
            writer = Thread.currentThread();
            exists = live.get(k, NO_VALUE) != RocksDB.NOT_FOUND;
        }
        lastKey = k;
        lastKeyExists = exists;
        return exists;
    }

    private RocksDB live() {
        if (closed || db == null) {
            throw new SluiceException(label + ": the rocksdb store is closed, as its node instance has ended"
                    + " (or its database failed); a rocksdb store is read only while its instance runs");
        }
        return db;
    }

    private void requireNotIterating(String what) {
        if (lock.getReadHoldCount() > 0) {
            throw new IllegalStateException(label + ": cannot " + what + " the store inside its own forEach");
        }
    }

    private SluiceException failure(String doing, RocksDBException e) {
        return new SluiceException(label + ": rocksdb in " + dir + " failed to " + doing + "; " + e.getMessage(), e);
    }
}
