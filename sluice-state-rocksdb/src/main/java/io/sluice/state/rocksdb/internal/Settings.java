package io.sluice.state.rocksdb.internal;

import static io.sluice.state.rocksdb.RocksDbBackend.CACHE_MB;
import static io.sluice.state.rocksdb.RocksDbBackend.DIR;
import static io.sluice.state.rocksdb.RocksDbBackend.SETTINGS;
import static io.sluice.state.rocksdb.RocksDbBackend.WRITE_BUFFER_MB;

import io.sluice.StoreSpec;
import io.sluice.spi.StoreSettings;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The settings of one rocksdb store, read from its {@link StoreSpec#config()} and checked all at once, so a store
 * with a misspelt or malformed setting fails when its graph deploys, naming every problem.
 *
 * @param root the directory under which store instances keep their databases
 * @param cacheMb the block cache per store instance, in MiB
 * @param writeBufferMb one memtable, in MiB
 */
public record Settings(Path root, int cacheMb, int writeBufferMb) {

    public static final int DEFAULT_CACHE_MB = 32;
    public static final int DEFAULT_WRITE_BUFFER_MB = 16;
    static final int MAX_MB = 1 << 20;

    /** The settings of {@code spec}, or one error naming every unknown or malformed setting. */
    public static Settings of(String node, StoreSpec spec) {
        StoreSettings read = StoreSettings.read("rocksdb", node, spec, SETTINGS);
        Path root = root(read.get(DIR), read);
        int cacheMb = read.whole(CACHE_MB, DEFAULT_CACHE_MB, 1, MAX_MB, "MiB");
        int writeBufferMb = read.whole(WRITE_BUFFER_MB, DEFAULT_WRITE_BUFFER_MB, 1, MAX_MB, "MiB");
        read.check();
        return new Settings(root, cacheMb, writeBufferMb);
    }

    private static Path root(String dir, StoreSettings read) {
        if (dir == null) {
            return Path.of(System.getProperty("java.io.tmpdir"), "sluice-state");
        }
        if (dir.isBlank()) {
            read.problem("setting '" + DIR + "' of the rocksdb backend is blank; expected a directory, or no '" + DIR
                    + "' for <java.io.tmpdir>/sluice-state");
            return null;
        }
        try {
            return Path.of(dir).toAbsolutePath();
        } catch (InvalidPathException e) {
            read.problem("setting '" + DIR + "' of the rocksdb backend is not a path; found '" + dir + "' ("
                    + e.getReason() + ")");
            return null;
        }
    }
}
