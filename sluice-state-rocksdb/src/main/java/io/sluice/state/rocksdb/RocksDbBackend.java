package io.sluice.state.rocksdb;

import io.sluice.StoreSpec;
import io.sluice.spi.StoreBackend;
import io.sluice.spi.StoreEngine;
import io.sluice.state.rocksdb.internal.RocksDbEngine;
import io.sluice.state.rocksdb.internal.Settings;
import java.util.List;

/**
 * The {@code rocksdb} store backend: each store of each node instance in its own RocksDB database on local disk, so a
 * node can keep more state than fits in memory. Found by {@link java.util.ServiceLoader} once this module is on the
 * class path:
 *
 * <pre>{@code
 * builder.node("count", Count::new)
 *        .stores(StoreSpec.of("counts", "rocksdb", Map.of("dir", "/var/lib/sluice", "cache-mb", "256")))
 * }</pre>
 *
 * <p>or in YAML {@code stores: [{name: counts, backend: rocksdb, config: {dir: /var/lib/sluice}}]}.
 *
 * <p><b>Settings</b> (every one optional; any other key is refused, naming the known ones):
 *
 * <ul>
 *   <li>{@value #DIR}: the directory under which every store instance has its own database, at {@code
 *       <dir>/<graph>/<node>-<instance>/<store>}; {@code <java.io.tmpdir>/sluice-state} unless set. Use a local
 *       disk: the database is read at random.
 *   <li>{@value #CACHE_MB}: the block cache of the store instance, in MiB (32 unless
 *       set); it also holds the index and bloom-filter blocks, so it bounds what reads keep in memory.
 *   <li>{@value #WRITE_BUFFER_MB}: the size of one memtable, in MiB (16 unless
 *       set); at most two are held, so a store instance takes about {@code cache-mb + 2 × write-buffer-mb} of memory
 *       outside the Java heap.
 * </ul>
 *
 * <p><b>Durability is the runtime's.</b> The files are a cache of state larger than memory, not a copy that outlives
 * the run: the runtime makes every change durable its own way (a changelog topic on KAFKA) and restores into an empty
 * store on restart. So the database runs without a write-ahead log, opening a store deletes what an earlier run left
 * in its directory, and closing it (when its node instance ends) deletes its files. A store instance's directory can
 * be used by one process at a time: a second deployment of the same graph needs another {@value #DIR}.
 *
 * <p><b>Keys and values</b> are kept as bytes. {@link String}, {@link Long} and {@link Integer} take a fast path (a
 * type byte and their raw bytes); anything else goes through Java serialization, so it must be {@link
 * java.io.Serializable} — a record of serializable fields can simply declare it — or the write fails naming the
 * store, the node, the key and the type. A key is found again only if it serializes to the same bytes every time:
 * strings, boxed numbers, enums and records or lists of those do; keys holding hash-ordered collections of other
 * objects, or equal keys of different classes ({@code List.of("a")} and {@code new ArrayList<>(List.of("a"))}), do
 * not, and make different keys on disk. Values are read back as new objects, never the instance written.
 *
 * <p><b>Threads.</b> The node's instance writes; {@code get} and {@code forEach} are safe from query threads at the
 * same time. A store read after its node instance ended (the LOCAL runtime closes stores when the instance ends)
 * fails saying so; the memory backend still answers then.
 *
 * <p>Choose it over {@code memory} when a node's state may outgrow the heap, or when a large heap of small state
 * objects makes garbage collection slow; choose {@code memory} for small state, where it is several times faster.
 */
public final class RocksDbBackend implements StoreBackend {

    /** The backend's name in a {@link StoreSpec}. */
    public static final String NAME = "rocksdb";

    /** Setting: the directory under which the store instances keep their databases. */
    public static final String DIR = "dir";

    /** Setting: the block cache per store instance, in MiB. */
    public static final String CACHE_MB = "cache-mb";

    /** Setting: the memtable size per store instance, in MiB. */
    public static final String WRITE_BUFFER_MB = "write-buffer-mb";

    /** Every setting there is, in the order the docs give them. */
    public static final List<String> SETTINGS = List.of(DIR, CACHE_MB, WRITE_BUFFER_MB);

    @Override
    public String name() {
        return NAME;
    }

    /** Parses the settings as {@link #open} does, opening nothing. */
    @Override
    public void check(String node, StoreSpec spec) {
        Settings.of(node, spec);
    }

    /**
     * Opens the store's database, emptied of what an earlier run left.
     *
     * @throws io.sluice.SluiceException if a setting is unknown or malformed, or the database cannot be opened (its
     *     directory used by another deployment, a disk that refuses); the message names the store, node and directory
     */
    @Override
    public StoreEngine open(String graph, String node, int instance, StoreSpec spec) {
        Settings settings = Settings.of(node, spec);
        return RocksDbEngine.open(graph, node, instance, spec.name(), settings);
    }
}
