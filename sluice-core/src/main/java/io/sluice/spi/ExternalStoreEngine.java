package io.sluice.spi;

/**
 * A {@link StoreEngine} whose content lives in a server (a database, a key-value service) and outlives the process:
 * state other tools can read and other deployments can share.
 *
 * <p>The runtime stays the judge of what is committed: its own log (a changelog topic on KAFKA, a checkpoint on LOCAL)
 * holds every committed change, numbered by a version that only grows. After each commit of its log the runtime calls
 * {@link #commit(long)}, and the engine writes every change since its last commit <em>together with the version</em>
 * in one atomic step of its server (a transaction, MULTI/EXEC, TransactWriteItems), refusing a version not above the
 * one it holds. After a restart the runtime reads {@link #committedVersion()} and hands the engine, through {@link
 * #put} and {@link #delete}, only the changes its log holds beyond that version, then commits them. So a change is
 * never applied twice (the version check) and never lost (the log has it until the engine holds it).
 *
 * <p>Between commits the engine gathers writes in memory (write-behind: one round trip per commit, not per item) and
 * serves reads from them first, then from a bounded cache, then from the server.
 *
 * <p>Faults: {@link StoreBackend#open} fails within its timeout with a message naming the backend and host:port when
 * the server cannot be reached; a connection lost mid-run is retried with back-off, then {@link #commit} throws a
 * message naming the backend, the store and the server, and the node fails — the runtime's log still holds the
 * changes, so nothing is lost.
 */
public interface ExternalStoreEngine extends StoreEngine {

    /** The version the server's content was last committed with, or {@code -1} if it holds none for this store. */
    long committedVersion();

    /**
     * Writes every change since the last commit and {@code version} in one atomic step of the server. A version not
     * above {@link #committedVersion()} writes nothing and drops the gathered changes (they are already there).
     *
     * @throws RuntimeException if the server could not be written after the engine's retries; nothing of this commit
     *     is then visible, and the gathered changes are kept for the next attempt
     */
    void commit(long version);

    /**
     * Not supported the way {@link StoreEngine#clear} means it for engines the runtime refills: an external engine's
     * content is the shared state itself. Engines clear only when a deployment starts afresh.
     */
    @Override
    void clear();
}
