package io.sluice.spi;

import io.sluice.KeyValueStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * One store of one node instance as a runtime sees it: the node reads and writes it as a {@link KeyValueStore}, and
 * the runtime takes the changes since its last commit ({@link #drainChanges}) to make them durable together with the
 * input positions, and puts back what it made durable before the node runs again ({@link #restore}).
 *
 * <p>Changes are gathered per key, so a key written a thousand times between two commits is written out once
 * (write-behind). Between {@link #beginAttempt} and {@link #endAttempt} the store also remembers the values a record
 * overwrote, so that a failed attempt leaves nothing behind. Everything here runs on the instance's thread, except
 * {@link #get} and {@link #forEach}, which are as safe from other threads as the engine makes them.
 */
public final class InstanceStore implements KeyValueStore<Object, Object> {

    private static final Object DELETED = new Object();

    private final String node;
    private final String name;
    private final StoreEngine engine;
    private final Map<Object, Object> changes = new HashMap<>(); // key -> value or DELETED, since the last drain
    private Map<Object, Object> undo; // during an attempt: key -> value before it, or DELETED
    private boolean tracking; // whether changes are gathered: only when a runtime drains them
    private boolean unsent; // whether an external engine was written since its last commit
    private long externalVersion = -1; // the version this store last committed an external engine with
    private boolean versionKnown; // read from the server once; the runtime is the engine's only writer after
    private boolean restoring; // the next commit puts back a restore: it skips a version, see restoreExactly

    public InstanceStore(String node, String name, StoreEngine engine) {
        this.node = node;
        this.name = name;
        this.engine = engine;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Object get(Object key) {
        return engine.get(requireKey(key));
    }

    @Override
    public void put(Object key, Object value) {
        requireKey(key);
        if (value == null) {
            throw new NullPointerException("store '" + name + "' of node '" + node + "': the value of key '" + key
                    + "' is null; a store keeps no nulls — delete the key instead");
        }
        remember(key);
        engine.put(key, value);
        unsent = true;
        if (tracking) {
            changes.put(key, value);
        }
    }

    @Override
    public void delete(Object key) {
        requireKey(key);
        remember(key);
        engine.delete(key);
        unsent = true;
        if (tracking) {
            changes.put(key, DELETED);
        }
    }

    @Override
    public void forEach(BiConsumer<? super Object, ? super Object> action) {
        engine.forEach(action::accept);
    }

    @Override
    public long size() {
        return engine.size();
    }

    // ---- the runtime's side ----

    /** The engine behind the store. */
    public StoreEngine engine() {
        return engine;
    }

    /**
     * Starts gathering the changes for {@link #drainChanges}. A runtime that makes stores durable calls it before the
     * node runs; without it a write goes to the engine only, and nothing is kept twice.
     */
    public void trackChanges() {
        tracking = true;
    }

    /** Puts back a value the runtime made durable earlier ({@code null}: the key was deleted); not a change. */
    public void restore(Object key, Object value) {
        if (value == null) {
            engine.delete(key);
        } else {
            engine.put(key, value);
        }
    }

    /**
     * Empties the store before a restore, and forgets the changes not yet drained. An {@linkplain #isExternal()
     * external} engine keeps its content: it is the shared state itself, which {@link #restoreExactly} brings back to
     * what the runtime's log holds.
     */
    public void reset() {
        if (!isExternal()) {
            engine.clear();
        }
        changes.clear();
        undo = null;
    }

    /** Whether the engine keeps its content in a server that outlives the process ({@link ExternalStoreEngine}). */
    public boolean isExternal() {
        return engine instanceof ExternalStoreEngine;
    }

    /**
     * Makes the engine hold exactly {@code content} — what the runtime's log holds of the store — deleting what it has
     * beyond: how a runtime brings an external engine back to its last commit after a restart, whatever the server
     * held (a later write, one not yet committed by the runtime). Not a change.
     *
     * <p>The commit that puts it back ({@link #commitExternal}) uses the version after next of the one the server held
     * when the restore began. A predecessor killed mid-commit may still have its next version in flight — on a server
     * that lags, its writes can land after this restore read the version — and an engine takes a version it finds
     * already held for its own earlier attempt and writes nothing: sharing that version, the put-back would be
     * dropped and the predecessor's uncommitted state adopted. Skipping it, the put-back always writes.
     */
    public void restoreExactly(Map<Object, Object> content) {
        if (engine instanceof ExternalStoreEngine external) {
            externalVersion = external.committedVersion();
            versionKnown = true;
            restoring = true;
        }
        java.util.List<Object> stale = new java.util.ArrayList<>();
        engine.forEach((key, value) -> {
            if (!content.containsKey(key)) {
                stale.add(key);
            }
        });
        stale.forEach(engine::delete);
        content.forEach(engine::put);
        unsent = true;
    }

    /**
     * Counts everything the engine holds now as changed, so that the runtime's next commit takes it into its own log:
     * how a run that starts without a log adopts what an external engine's server already holds (state left by an
     * earlier deployment, or shared). Only while tracking.
     */
    public void adoptContent() {
        if (tracking) {
            engine.forEach(changes::put);
        }
    }

    /**
     * Makes an external engine's gathered writes durable in its server, with the next version; nothing for other
     * engines. Called on the instance's thread after the runtime committed its own log.
     */
    public void commitExternal() {
        if (unsent && engine instanceof ExternalStoreEngine external) {
            if (!versionKnown) {
                externalVersion = external.committedVersion();
                versionKnown = true;
            }
            long version = externalVersion + (restoring ? 2 : 1);
            external.commit(version); // a failure leaves the version, for the next attempt
            externalVersion = version;
            restoring = false;
            unsent = false;
        }
    }

    /** Whether anything changed since the last {@link #drainChanges}. */
    public boolean hasChanges() {
        return !changes.isEmpty();
    }

    /**
     * Hands every key changed since the last drain to {@code sink} with its current value ({@code null} if deleted),
     * and forgets them.
     */
    public void drainChanges(BiConsumer<Object, Object> sink) {
        for (Map.Entry<Object, Object> change : changes.entrySet()) {
            Object value = change.getValue();
            sink.accept(change.getKey(), value == DELETED ? null : value);
        }
        changes.clear();
    }

    /** Starts remembering what a record overwrites, so that {@link #endAttempt endAttempt(false)} can undo it. */
    public void beginAttempt() {
        if (undo == null) {
            undo = new HashMap<>();
        } else {
            undo.clear();
        }
    }

    /** Ends a record's attempt: keeps its writes if it succeeded, puts back what it overwrote if not. */
    public void endAttempt(boolean succeeded) {
        Map<Object, Object> overwritten = undo;
        if (overwritten == null) {
            return;
        }
        undo = null;
        if (!succeeded) {
            overwritten.forEach((key, before) -> {
                if (before == DELETED) {
                    engine.delete(key);
                } else {
                    engine.put(key, before);
                }
                if (tracking) {
                    changes.put(key, before);
                }
            });
        }
    }

    private void remember(Object key) {
        Map<Object, Object> overwritten = undo;
        if (overwritten != null && !overwritten.containsKey(key)) {
            Object before = engine.get(key);
            overwritten.put(key, before == null ? DELETED : before);
        }
    }

    private Object requireKey(Object key) {
        return Objects.requireNonNull(key, () -> "store '" + name + "' of node '" + node + "': the key is null");
    }
}
