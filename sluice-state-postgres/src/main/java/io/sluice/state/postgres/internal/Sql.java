package io.sluice.state.postgres.internal;

/**
 * The statements of one pair of tables. Every one starts its parameters with the store instance: graph, node, instance,
 * store. Table names come from checked settings (lower-case letters, digits, {@code _}, one optional schema), so they
 * are safe to put in the text.
 *
 * <p>The entries table is keyed by the store instance and the key's bytes; the versions table holds one row per store
 * instance. A commit raises the version with one upsert whose {@code WHERE} refuses a version not above the one held:
 * it inserts the row, raises it, or changes nothing, and in each case locks the row until the transaction ends, so two
 * commits of one store instance (a zombie and its successor) run one after the other.
 */
final class Sql {

    private static final String STORE = "graph = ? AND node = ? AND instance = ? AND store = ?";

    final String createEntries;
    final String createVersions;
    final String selectOne;
    final String firstPage;
    final String nextPage;
    final String count;
    final String countAmong;
    final String selectVersion;
    final String raiseVersion;
    final String upsert;
    final String deleteOne;
    final String deleteAll;
    final String deleteVersion;

    Sql(String table, String versions) {
        createEntries = "CREATE TABLE IF NOT EXISTS " + table + " (" //
                + "graph text NOT NULL, node text NOT NULL, instance integer NOT NULL, store text NOT NULL, "
                + "key bytea NOT NULL, key_text text NOT NULL, value bytea NOT NULL, "
                + "PRIMARY KEY (graph, node, instance, store, key))";
        createVersions = "CREATE TABLE IF NOT EXISTS " + versions + " (" //
                + "graph text NOT NULL, node text NOT NULL, instance integer NOT NULL, store text NOT NULL, "
                + "version bigint NOT NULL, "
                + "PRIMARY KEY (graph, node, instance, store))";
        selectOne = "SELECT value FROM " + table + " WHERE " + STORE + " AND key = ?";
        firstPage = "SELECT key, value FROM " + table + " WHERE " + STORE + " ORDER BY key LIMIT ?";
        nextPage = "SELECT key, value FROM " + table + " WHERE " + STORE + " AND key > ? ORDER BY key LIMIT ?";
        count = "SELECT count(*) FROM " + table + " WHERE " + STORE;
        countAmong = "SELECT count(*) FROM " + table + " WHERE " + STORE + " AND key = ANY (?)";
        selectVersion = "SELECT version FROM " + versions + " WHERE " + STORE;
        raiseVersion = "INSERT INTO " + versions + " AS held (graph, node, instance, store, version)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (graph, node, instance, store)"
                + " DO UPDATE SET version = EXCLUDED.version WHERE held.version < EXCLUDED.version";
        upsert = "INSERT INTO " + table + " (graph, node, instance, store, key, key_text, value)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (graph, node, instance, store, key)"
                + " DO UPDATE SET key_text = EXCLUDED.key_text, value = EXCLUDED.value";
        deleteOne = "DELETE FROM " + table + " WHERE " + STORE + " AND key = ?";
        deleteAll = "DELETE FROM " + table + " WHERE " + STORE;
        deleteVersion = "DELETE FROM " + versions + " WHERE " + STORE;
    }
}
