package io.sluice.state.rocksdb.internal;

import static io.sluice.state.rocksdb.RocksDbBackend.CACHE_MB;
import static io.sluice.state.rocksdb.RocksDbBackend.DIR;
import static io.sluice.state.rocksdb.RocksDbBackend.SETTINGS;
import static io.sluice.state.rocksdb.RocksDbBackend.WRITE_BUFFER_MB;

import io.sluice.SluiceException;
import io.sluice.StoreSpec;
import io.sluice.spi.Suggestions;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

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
        Map<String, String> config = spec.config();
        String prefix = "Store '" + spec.name() + "' of node '" + node + "': ";
        List<String> problems = new ArrayList<>();
        for (String key : new TreeSet<>(config.keySet())) {
            if (!SETTINGS.contains(key)) {
                problems.add("the rocksdb backend has no setting '" + key + "'; expected one of " + SETTINGS
                        + Suggestions.didYouMean(key, SETTINGS));
            }
        }
        Path root = root(config.get(DIR), problems);
        int cacheMb = megabytes(CACHE_MB, config.get(CACHE_MB), DEFAULT_CACHE_MB, problems);
        int writeBufferMb = megabytes(WRITE_BUFFER_MB, config.get(WRITE_BUFFER_MB), DEFAULT_WRITE_BUFFER_MB, problems);
        if (!problems.isEmpty()) {
            throw new SluiceException(prefix + String.join("\n" + prefix, problems));
        }
        return new Settings(root, cacheMb, writeBufferMb);
    }

    private static Path root(String dir, List<String> problems) {
        if (dir == null) {
            return Path.of(System.getProperty("java.io.tmpdir"), "sluice-state");
        }
        if (dir.isBlank()) {
            problems.add("setting '" + DIR + "' of the rocksdb backend is blank; expected a directory, or no '" + DIR
                    + "' for <java.io.tmpdir>/sluice-state");
            return null;
        }
        try {
            return Path.of(dir).toAbsolutePath();
        } catch (InvalidPathException e) {
            problems.add("setting '" + DIR + "' of the rocksdb backend is not a path; found '" + dir + "' ("
                    + e.getReason() + ")");
            return null;
        }
    }

    private static int megabytes(String key, String text, int fallback, List<String> problems) {
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= 1 && value <= MAX_MB) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the rule
        }
        problems.add("setting '" + key + "' of the rocksdb backend must be a whole number of MiB; expected 1 to "
                + MAX_MB + " but found '" + text + "'");
        return fallback;
    }
}
