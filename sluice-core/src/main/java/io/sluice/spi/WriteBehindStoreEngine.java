package io.sluice.spi;

import io.sluice.SluiceException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of an {@link ExternalStoreEngine} that is the same whatever its server: the changes gathered between
 * commits, the bounded read cache, the bytes of keys and values, and the retries of a call that lost its server. A
 * backend extends it with the few operations only its server knows — read one key, list a page, count, write the
 * changes with the version, read the version, clear, close — each written as one attempt.
 *
 * <p>How the methods are called:
 *
 * <ul>
 *   <li>{@link #put} and {@link #delete} encode the key and value ({@link StoreCodec}) and gather the change, keyed by
 *       the key's bytes; nothing reaches the server before {@link #commit}.
 *   <li>{@link #get} looks at the gathered changes first (a delete counts), then at a cache of at most {@code
 *       cacheEntries} entries, least recently used leaving first, which remembers absent keys too; then it asks the
 *       server ({@link #load}) and caches the answer. The cache may be trusted because a store instance's content is
 *       written by its engine only, and each commit moves its changes into the cache.
 *   <li>{@link #forEach} lists the server's entries a page at a time ({@link #scan}), skipping keys with a gathered
 *       change, then the gathered puts. No lock is held while the action runs, so it may read and write the store.
 *   <li>{@link #size} asks the server to count with the gathered changes applied ({@link #count}).
 *   <li>{@link #commit} hands every gathered change and the version to {@link #write}, which applies them together
 *       or, when the server holds that version already, not at all. A version not above the last one this
 *       engine committed or read drops the changes without a round trip.
 * </ul>
 *
 * <p>Threads: the instance's thread calls everything; {@link #get}, {@link #forEach}, {@link #size} and {@link
 * #committedVersion} may also be called from a query thread. The gathered changes and the cache are guarded by one
 * lock, held for map operations only, never across a call to the server, so the backend's operations may be called
 * concurrently and guard their own connection if it needs guarding. A reader that missed the cache caches the server's
 * answer only if no commit or clear came in between, so it never caches a value a commit replaced.
 *
 * <p>Faults: every backend operation runs through {@link #retry}, which tries it again with doubling back-off while
 * {@link #isTransient} says the failure is a lost connection, within the backend's {@link Retry}; then it throws
 * {@link #unreachable}'s exception. Any other failure throws {@link #refused}'s at once. A commit that fails keeps its
 * changes for the next commit, and a commit retried after a lost answer is harmless: the server then holds its version
 * already, and {@link #write} writes nothing.
 */
public abstract class WriteBehindStoreEngine implements ExternalStoreEngine {

    private static final byte[] ABSENT = new byte[0]; // in the cache: the server holds no value for the key

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final String label;
    private final String backend;
    private final String server;
    private final Retry retry;
    private final StoreBytes bytes;

    private final Object lock = new Object();
    private Map<Key, Change> changes = new HashMap<>(); // guarded by lock; written by the instance's thread only
    private final Lru cache; // guarded by lock
    private long generation; // guarded by lock; counts commits and clears
    private volatile long committed = -1; // the last version this engine committed or read
    private volatile boolean closed;

    /**
     * @param backend the backend's name, as messages name it ({@code redis})
     * @param node the node whose store this is
     * @param store the store's name
     * @param server where the server is, as messages name it ({@code host:port}); never a password
     * @param source where a value that cannot be decoded came from, as its message says: {@code an entry read from
     *     postgres table sluice_state}
     * @param cacheEntries how many entries the read cache keeps, 0 for no cache
     * @param retry how a call that lost the server is tried again
     */
    protected WriteBehindStoreEngine(
            String backend, String node, String store, String server, String source, int cacheEntries, Retry retry) {
        this.label = "Store '" + store + "' of node '" + node + "'";
        this.backend = Objects.requireNonNull(backend, "backend");
        this.server = Objects.requireNonNull(server, "server");
        this.retry = Objects.requireNonNull(retry, "retry");
        if (cacheEntries < 0) {
            throw new IllegalArgumentException(label + ": cacheEntries is 0 or more; found " + cacheEntries);
        }
        this.cache = new Lru(cacheEntries);
        this.bytes =
                new StoreBytes(label, backend, source, Thread.currentThread().getContextClassLoader());
    }

    // ---- what a backend implements: one attempt each, retried by the caller ----

    /** The value's bytes the server holds for {@code key}, or {@code null}. */
    protected abstract byte[] load(byte[] key) throws Exception;

    /**
     * One page of the server's entries: the first for a {@code null} cursor, else the one after the page whose {@link
     * Page#next} it is. Safe to repeat with the same cursor.
     */
    protected abstract Page scan(Object cursor) throws Exception;

    /** How many keys the server would hold with {@code changes} applied (they are not applied). */
    protected abstract long count(Collection<Change> changes) throws Exception;

    /**
     * Writes {@code changes} and {@code version}, if {@code version} is above the one the server holds; else writes
     * nothing. The server must never show the version without all of the changes: write them in one atomic step (a
     * transaction, a script) or the version last, as the commit point. Must be safe to repeat after a failure.
     *
     * @return whether the changes were written; {@code false} if the server held {@code version} or a later one
     */
    protected abstract boolean write(Collection<Change> changes, long version) throws Exception;

    /** The version the server holds for this store instance, or {@code -1}. */
    protected abstract long readVersion() throws Exception;

    /** Deletes this store instance's entries and version from the server. */
    protected abstract void wipe() throws Exception;

    /** Releases the connection or client; called once, by the first {@link #close}. */
    protected abstract void release();

    /** Whether {@code failure} is a lost connection, a timeout or a busy server that another attempt may mend. */
    protected abstract boolean isTransient(Exception failure);

    /** The exception to throw when {@code call} failed transiently {@code attempts} times, the last with {@code last}. */
    protected abstract RuntimeException unreachable(Call call, int attempts, Exception last);

    /**
     * The exception to throw when {@code call} failed in a way no retry mends. This one returns {@code failure} itself
     * when it is unchecked (an engine's own error, such as a version that is not one), else wraps it naming the server.
     */
    protected RuntimeException refused(Call call, Exception failure) {
        if (failure instanceof RuntimeException unchecked) {
            return unchecked;
        }
        return new SluiceException(
                label + ": " + backend + " at " + server + " failed to " + call.doing() + "; " + failure.getMessage(),
                failure);
    }

    /** Throws if {@code key}, encoded as {@code bytes}, cannot be kept by the server; called before it is used. */
    protected void checkKey(Object key, byte[] bytes) {}

    /** Whether {@link #scan} may return a key twice (as Redis's SCAN may); {@link #forEach} then lists it once. */
    protected boolean scanMayRepeat() {
        return false;
    }

    /** What a closed store says after its label. */
    protected String closedText() {
        return "the " + backend + " store is closed, as its node instance has ended";
    }

    // ---- reads ----

    @Override
    public final Object get(Object key) {
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
        byte[] value = retry(Call.of("read key '" + StoreBytes.shortText(key) + "'"), () -> load(k.bytes));
        synchronized (lock) {
            if (generation == seen) {
                cache.put(k, value == null ? ABSENT : value);
            }
        }
        return value == null ? null : decode(value);
    }

    /**
     * The server's entries, a page at a time, then the gathered changes over them. Entries committed while it runs
     * may or may not be listed, as with any store read while its node writes.
     */
    @Override
    public final void forEach(BiConsumer<Object, Object> action) {
        Map<Key, Change> pending;
        synchronized (lock) {
            requireOpen();
            pending = new HashMap<>(changes);
        }
        Set<Key> listed = scanMayRepeat() ? new HashSet<>() : null;
        Object cursor = null;
        do {
            requireOpen();
            Object from = cursor;
            Page page = retry(Call.of("list the store"), () -> scan(from));
            for (Entry entry : page.entries()) {
                Key k = new Key(entry.key());
                if (!pending.containsKey(k) && (listed == null || listed.add(k))) {
                    action.accept(decode(entry.key()), decode(entry.value()));
                }
            }
            cursor = page.next();
        } while (cursor != null);
        for (Change change : pending.values()) {
            if (change.value != null) {
                action.accept(decode(change.keyBytes), decode(change.value));
            }
        }
    }

    /** The server's count corrected by the gathered changes. */
    @Override
    public final long size() {
        List<Change> pending;
        synchronized (lock) {
            requireOpen();
            pending = List.copyOf(changes.values());
        }
        return retry(Call.of("count the store"), () -> count(pending));
    }

    @Override
    public final long committedVersion() {
        requireOpen();
        long version = retry(Call.of("read the committed version"), this::readVersion);
        committed = version;
        return version;
    }

    // ---- writes ----

    @Override
    public final void put(Object key, Object value) {
        Key k = key(key);
        byte[] v = bytes.value(key, value);
        synchronized (lock) {
            requireOpen();
            changes.put(k, new Change(key, k.bytes, v));
        }
    }

    @Override
    public final void delete(Object key) {
        Key k = key(key);
        synchronized (lock) {
            requireOpen();
            changes.put(k, new Change(key, k.bytes, null));
        }
    }

    /**
     * Hands the gathered changes and {@code version} to {@link #write}; afterwards they move into the cache, or, if the
     * server held the version already (another writer's, or this engine's own earlier attempt whose answer was lost),
     * the cache is dropped, as it may not show what the server holds.
     */
    @Override
    public final void commit(long version) {
        if (version < 0) {
            throw new IllegalArgumentException(label + ": a commit's version is 0 or more; found " + version);
        }
        Map<Key, Change> committing;
        synchronized (lock) {
            requireOpen();
            committing = changes;
            if (version <= committed) {
                changes = new HashMap<>(); // already on the server, with the version that holds them
                return;
            }
        }
        // only this thread changes the map, so it may be read here without the lock while queries read it too
        Collection<Change> view = Collections.unmodifiableCollection(committing.values());
        boolean written = retry(new Call("commit version " + version, committing.size()), () -> write(view, version));
        synchronized (lock) {
            changes = new HashMap<>();
            generation++;
            if (written) {
                for (Map.Entry<Key, Change> change : committing.entrySet()) {
                    byte[] value = change.getValue().value;
                    cache.put(change.getKey(), value == null ? ABSENT : value);
                }
            } else {
                cache.clear();
            }
        }
        committed = written ? version : Math.max(committed, version);
    }

    /** Deletes the store instance's content and version on the server: a deployment starting afresh. */
    @Override
    public final void clear() {
        requireOpen();
        retry(Call.of("clear the store"), () -> {
            wipe();
            return null;
        });
        synchronized (lock) {
            changes = new HashMap<>();
            cache.clear();
            generation++;
        }
        committed = -1;
    }

    /** Releases the server's connection; changes not committed are dropped (the runtime's log holds them). */
    @Override
    public final void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            changes = new HashMap<>();
            cache.clear();
        }
        release();
    }

    // ---- for backends ----

    /** {@code Store '<store>' of node '<node>'}, as every message of the engine starts. */
    protected final String label() {
        return label;
    }

    /** Records the version the server held when the engine opened, so a commit not above it needs no round trip. */
    protected final void openedAt(long version) {
        committed = version;
    }

    /** How many entries the read cache holds now. */
    protected final int cachedEntries() {
        synchronized (lock) {
            return cache.size();
        }
    }

    /** How many changes are gathered for the next commit. */
    protected final int pendingChanges() {
        synchronized (lock) {
            return changes.size();
        }
    }

    /**
     * Runs {@code attempt}, again with doubling back-off while it fails {@linkplain #isTransient transiently}, within
     * the engine's {@link Retry}; the first loss is logged as a warning, the recovery as information.
     *
     * @throws RuntimeException {@link #unreachable}'s when the retries are spent, {@link #refused}'s when the failure
     *     is not transient, or a {@link SluiceException} saying the store is closed when it closed meanwhile
     */
    protected final <T> T retry(Call call, Attempt<T> attempt) {
        long deadline = retry.timeout() == null
                ? 0
                : System.nanoTime() + retry.timeout().toNanos();
        long backoff = retry.firstBackoff().toMillis();
        for (int attempts = 1; ; attempts++) {
            try {
                T result = attempt.run();
                if (attempts > 1) {
                    log.info("{}: {} at {} answers again, after {} attempts", label, backend, server, attempts);
                }
                return result;
            } catch (Exception e) {
                if (closed) {
                    throw new SluiceException(label + ": " + closedText(), e);
                }
                if (!isTransient(e)) {
                    throw refused(call, e);
                }
                long left = retry.timeout() == null
                        ? Long.MAX_VALUE
                        : TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (attempts > retry.retries() || left <= 0) {
                    throw unreachable(call, attempts, e);
                }
                if (attempts == 1) {
                    log.warn("{}: lost {} at {} ({}); retrying", label, backend, server, reason(e));
                }
                sleep(Math.min(backoff, left));
                backoff = Math.min(backoff * 2, retry.maxBackoff().toMillis());
            }
        }
    }

    /** A throwable's message, and its root cause's where it has one: what a message about a lost server quotes. */
    protected static String reason(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + cause + ")";
    }

    // ---- inside ----

    private Key key(Object key) {
        byte[] encoded = bytes.key(key);
        checkKey(key, encoded);
        return new Key(encoded);
    }

    private Object decode(byte[] encoded) {
        return bytes.decode(encoded);
    }

    private void requireOpen() {
        if (closed) {
            throw new SluiceException(label + ": " + closedText());
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(label + ": interrupted while waiting to retry " + backend + " at " + server, e);
        }
    }

    // ---- the types ----

    /** One attempt at a call to the server. */
    @FunctionalInterface
    protected interface Attempt<T> {
        T run() throws Exception;
    }

    /**
     * A call to the server, as its failure names it.
     *
     * @param doing what it does, after "failed to": {@code read key 'k'}, {@code commit version 7}
     * @param changes for a commit, how many gathered changes it writes; else {@code -1}
     */
    public record Call(String doing, int changes) {

        /** A call that is not a commit. */
        public static Call of(String doing) {
            return new Call(doing, -1);
        }

        /** Whether this is a commit, whose changes are kept for the next commit when it fails. */
        public boolean isCommit() {
            return changes >= 0;
        }
    }

    /**
     * A gathered change.
     *
     * @param key the key as the node gave it
     * @param keyBytes the key's bytes, as the server keeps it
     * @param value the value's bytes, or {@code null} for a delete
     */
    public record Change(Object key, byte[] keyBytes, byte[] value) {

        public boolean isDelete() {
            return value == null;
        }
    }

    /** An entry as the server holds it. */
    public record Entry(byte[] key, byte[] value) {}

    /**
     * One page of the server's entries.
     *
     * @param next where the next page starts, passed back to {@link #scan}; {@code null} after the last page
     */
    public record Page(List<Entry> entries, Object next) {}

    /**
     * How a call that lost its server is tried again: after {@code firstBackoff}, then after twice as long each time
     * up to {@code maxBackoff}, for at most {@code retries} more attempts and, unless {@code timeout} is {@code null},
     * for at most {@code timeout} in all.
     */
    public record Retry(Duration firstBackoff, Duration maxBackoff, int retries, Duration timeout) {

        public Retry {
            Objects.requireNonNull(firstBackoff, "firstBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            if (firstBackoff.isNegative() || maxBackoff.compareTo(firstBackoff) < 0 || retries < 0) {
                throw new IllegalArgumentException("a retry waits 0 or more, at most maxBackoff, and retries 0 or"
                        + " more times; found " + firstBackoff + ", " + maxBackoff + ", " + retries);
            }
        }

        /** Retries for up to {@code timeout}, waiting 50 ms at first and at most 1 s between attempts. */
        public static Retry forUpTo(Duration timeout) {
            return new Retry(Duration.ofMillis(50), Duration.ofSeconds(1), Integer.MAX_VALUE, timeout);
        }

        /** Retries {@code retries} times, waiting {@code firstBackoff} at first and at most {@code maxBackoff}. */
        public static Retry times(int retries, Duration firstBackoff, Duration maxBackoff) {
            return new Retry(
                    firstBackoff, maxBackoff.compareTo(firstBackoff) < 0 ? firstBackoff : maxBackoff, retries, null);
        }
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

    /** At most {@code capacity} entries, the least recently used leaving first; none at all for 0. */
    private static final class Lru extends LinkedHashMap<Key, byte[]> {
        private final int capacity;

        Lru(int capacity) {
            super(Math.min(capacity, 1 << 16), 0.75f, true);
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
