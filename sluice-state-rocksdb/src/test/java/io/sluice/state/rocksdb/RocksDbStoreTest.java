package io.sluice.state.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.SluiceException;
import io.sluice.StoreSpec;
import io.sluice.spi.StoreEngine;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** What the rocksdb backend adds to the contract: disk beyond the cache, its files, its errors, its threads. */
class RocksDbStoreTest {

    /** Not Serializable, as a user's class often is not. */
    static final class Tally {
        long count;
    }

    record Holder(String name, Tally tally) implements Serializable {}

    @TempDir
    Path dir;

    private final RocksDbBackend backend = new RocksDbBackend();

    private StoreEngine open(Map<String, String> config) {
        Map<String, String> withDir = new HashMap<>(config);
        withDir.putIfAbsent("dir", dir.toString());
        return backend.open("g", "count", 0, StoreSpec.of("counts", "rocksdb", withDir));
    }

    @Test
    void aMillionEntriesLiveOnDiskBeyondASmallCache() {
        int n = 1_000_000;
        try (StoreEngine store = open(Map.of("cache-mb", "1", "write-buffer-mb", "1"))) {
            for (long i = 0; i < n; i++) {
                store.put(i, "value-" + i);
            }
            for (long i = 0; i < n; i += 1_000) {
                store.put(i, "changed-" + i);
                store.delete(i + 1);
            }

            assertThat(store.size()).isEqualTo(n - n / 1_000);
            assertThat(store.get(0L)).isEqualTo("changed-0");
            assertThat(store.get(1L)).isNull();
            assertThat(store.get(777_777L)).isEqualTo("value-777777");
            assertThat(store.get((long) n)).isNull();
            AtomicLong listed = new AtomicLong();
            AtomicLong sum = new AtomicLong();
            store.forEach((key, value) -> {
                listed.incrementAndGet();
                sum.addAndGet((Long) key);
            });
            assertThat(listed.get()).isEqualTo(n - n / 1_000);
            long deleted = (long) (n / 1_000) * (n / 1_000 - 1) / 2 * 1_000 + n / 1_000;
            assertThat(sum.get()).isEqualTo((long) n * (n - 1) / 2 - deleted);
            assertThat(sizeOnDisk(dir)).as("bytes on disk").isGreaterThan(2L << 20);
        }
    }

    @Test
    void aValueThatIsNotSerializableIsRefusedNamingTheStoreNodeKeyAndType() {
        try (StoreEngine store = open(Map.of())) {
            assertThatThrownBy(() -> store.put("apple", new Tally()))
                    .isInstanceOf(SluiceException.class)
                    .hasMessage("Store 'counts' of node 'count': the value of key 'apple' cannot be stored in rocksdb;"
                            + " expected a String, Long, Integer or java.io.Serializable object but found"
                            + " io.sluice.state.rocksdb.RocksDbStoreTest$Tally, which is not Serializable; make"
                            + " io.sluice.state.rocksdb.RocksDbStoreTest$Tally implement java.io.Serializable"
                            + " (a record can)");
            assertThatThrownBy(() -> store.put("pear", new Holder("h", new Tally())))
                    .hasMessageContaining("the value of key 'pear' cannot be stored in rocksdb; expected a String,"
                            + " Long, Integer or java.io.Serializable object but found"
                            + " io.sluice.state.rocksdb.RocksDbStoreTest$Holder holding"
                            + " io.sluice.state.rocksdb.RocksDbStoreTest$Tally, which is not Serializable; make"
                            + " io.sluice.state.rocksdb.RocksDbStoreTest$Tally implement");
            assertThatThrownBy(() -> store.get(new Tally()))
                    .hasMessageStartingWith("Store 'counts' of node 'count': the key 'io.sluice.state.rocksdb"
                            + ".RocksDbStoreTest$Tally@");
            assertThat(store.size()).isZero();
        }
    }

    @Test
    void anUnknownSettingIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> open(Map.of("cache_mb", "8")))
                .isInstanceOf(SluiceException.class)
                .hasMessage(
                        "Store 'counts' of node 'count': the rocksdb backend has no setting 'cache_mb'; expected one"
                                + " of [dir, cache-mb, write-buffer-mb]; did you mean 'cache-mb'?");
    }

    @Test
    void everyBadSettingIsNamedAtOnce() {
        assertThatThrownBy(() -> open(Map.of("cache-mb", "lots", "write-buffer-mb", "0", "colour", "red")))
                .hasMessage("Store 'counts' of node 'count': the rocksdb backend has no setting 'colour'; expected one"
                        + " of [dir, cache-mb, write-buffer-mb]\n"
                        + "Store 'counts' of node 'count': setting 'cache-mb' of the rocksdb backend must be a whole"
                        + " number of MiB; expected 1 to 1048576 but found 'lots'\n"
                        + "Store 'counts' of node 'count': setting 'write-buffer-mb' of the rocksdb backend must be a"
                        + " whole number of MiB; expected 1 to 1048576 but found '0'");
    }

    @Test
    void openingDeletesWhatAnEarlierRunLeft() throws Exception {
        Path storeDir = dir.resolve("g/count-0/counts");
        Files.createDirectories(storeDir);
        try (Options options = new Options().setCreateIfMissing(true);
                RocksDB earlier = RocksDB.open(options, storeDir.toString())) {
            earlier.put(new byte[] {1, 'x'}, new byte[] {1, 'y'});
        }

        try (StoreEngine store = open(Map.of())) {
            assertThat(store.get("x")).isNull();
            assertThat(store.size()).isZero();
            AtomicLong listed = new AtomicLong();
            store.forEach((k, v) -> listed.incrementAndGet());
            assertThat(listed.get()).isZero();
        }
    }

    @Test
    void byDefaultAStoreLivesUnderTheTemporaryDirectoryAndClosingDeletesIt() throws Exception {
        String graph = "g-" + UUID.randomUUID();
        Path storeDir = Path.of(System.getProperty("java.io.tmpdir"), "sluice-state", graph, "count-1", "counts");
        StoreEngine store = backend.open(graph, "count", 1, StoreSpec.of("counts", "rocksdb", Map.of()));
        store.put("k", 1L);
        assertThat(storeDir.resolve("CURRENT")).exists();

        store.close();
        store.close();

        assertThat(storeDir).doesNotExist();
        Files.delete(storeDir.getParent()); // the empty directories above it are left, as other stores may use them
        Files.delete(storeDir.getParent().getParent());
        assertThatThrownBy(() -> store.get("k"))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Store 'counts' of node 'count': the rocksdb store is closed, as its node instance has"
                        + " ended (or its database failed); a rocksdb store is read only while its instance runs");
    }

    @Test
    void aDirectoryInUseIsRefusedWithAHint() {
        try (StoreEngine first = open(Map.of())) {
            first.put("k", 1L);
            assertThatThrownBy(() -> open(Map.of()))
                    .isInstanceOf(SluiceException.class)
                    .hasMessageStartingWith("Store 'counts' of node 'count': cannot open the rocksdb database in "
                            + dir.resolve("g/count-0/counts"))
                    .hasMessageEndingWith("; another deployment of graph 'g' may be using it, in this process or"
                            + " another; give each its own 'dir'");
            assertThat(first.get("k")).as("the first store is untouched").isEqualTo(1L);
        }
    }

    @Test
    void queriesFromAnotherThreadSeeWhatTheNodeWroteAndStopCleanlyAtClose() throws Exception {
        StoreEngine store = open(Map.of());
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            try {
                while (true) {
                    Object value = store.get("k7");
                    if (value != null) {
                        assertThat((Long) value).isNotNegative();
                    }
                    store.forEach((k, v) -> assertThat(((String) k)).startsWith("k"));
                    if (!writing.get()) {
                        Thread.onSpinWait();
                    }
                }
            } catch (Throwable e) {
                return e;
            }
        });

        for (long i = 0; i < 200_000; i++) {
            store.put("k" + (i % 100), i);
        }
        writing.set(false);
        assertThat(store.size()).isEqualTo(100);
        store.close();

        Throwable ended = reader.get(30, TimeUnit.SECONDS);
        assertThat(ended).isInstanceOf(SluiceException.class).hasMessageContaining("the rocksdb store is closed");
    }

    private static long sizeOnDisk(Path root) {
        try (var files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(f -> f.toFile().length())
                    .sum();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
