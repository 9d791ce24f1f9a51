package io.sluice.state.dynamodb;

import io.sluice.StoreSpec;
import io.sluice.spi.ExternalStoreEngine;
import io.sluice.spi.StoreBackend;
import io.sluice.state.dynamodb.internal.DynamoDbEngine;
import io.sluice.state.dynamodb.internal.Settings;
import java.util.List;

/**
 * The {@code dynamodb} store backend: every store of every node instance is one item collection of a DynamoDB table,
 * so the state outlives the run and other tools can read it. Found by {@link java.util.ServiceLoader} once this module
 * is on the class path:
 *
 * <pre>{@code
 * builder.node("count", Count::new)
 *        .stores(StoreSpec.of("counts", "dynamodb", Map.of("table", "sluice_state", "region", "eu-west-1")))
 * }</pre>
 *
 * <p>or in YAML {@code stores: [{name: counts, backend: dynamodb, config: {table: sluice_state}}]}.
 *
 * <p><b>Settings</b> (every one optional; any other key is refused, naming the known ones):
 *
 * <ul>
 *   <li>{@value #TABLE}: the table, {@code sluice_state} unless set.
 *   <li>{@value #REGION}: the AWS region; {@code AWS_REGION} or {@code AWS_DEFAULT_REGION} from the environment,
 *       else the SDK's default chain (profile, instance metadata).
 *   <li>{@value #ENDPOINT}: the server's URL, for a DynamoDB-compatible server or a VPC endpoint; {@code
 *       AWS_ENDPOINT_URL_DYNAMODB} or {@code AWS_ENDPOINT_URL} from the environment, else the region's endpoint.
 *   <li>{@value #CACHE_ENTRIES}: how many entries a store instance keeps in its read cache, 10000 unless set; 0 for
 *       none.
 *   <li>{@value #CREATE_TABLE}: whether to create the table (on-demand capacity) when it is missing, {@code true}
 *       unless set.
 *   <li>{@value #CONNECT_TIMEOUT}: how long opening the store may take to reach the server, {@code 5s} unless set.
 *   <li>{@value #RETRY_TIMEOUT}: how long a call keeps retrying, with back-off, a lost connection or throttling,
 *       before it fails; {@code 30s} unless set.
 * </ul>
 *
 * <p>Credentials come from the AWS SDK's default provider chain (environment, system properties, profile, web
 * identity, container or instance role) and are never printed.
 *
 * <p><b>Layout.</b> Partition key {@code id} (a string): {@code <graph>/<node>/<instance>/<store>}; sort key {@code k}
 * (binary): the encoded key; attribute {@code v} (binary): the encoded value; attribute {@code ver} (a number): the
 * version of the commit that wrote the item. The item whose sort key is the single byte {@code 0xFF} holds the
 * version the store instance was last committed with.
 *
 * <p><b>Writes are gathered in memory</b> until {@link ExternalStoreEngine#commit commit(version)}, which writes the
 * changed items in batches and then the version item, on condition that it holds a lower version: the version item is
 * the commit point. See {@code docs/state-dynamodb.md} for why nothing is applied twice or lost after a kill.
 *
 * <p><b>Keys and values</b> are kept as bytes: {@link String}, {@link Long} and {@link Integer} take a fast path (a
 * type byte and their raw bytes), anything else goes through Java serialization, so it must be {@link
 * java.io.Serializable}, or the write fails naming the store, the node, the key and the type.
 */
public final class DynamoDbBackend implements StoreBackend {

    /** The backend's name in a {@link StoreSpec}. */
    public static final String NAME = "dynamodb";

    /** Setting: the table. */
    public static final String TABLE = "table";

    /** Setting: the AWS region. */
    public static final String REGION = "region";

    /** Setting: the server's URL. */
    public static final String ENDPOINT = "endpoint";

    /** Setting: the read cache per store instance, in entries. */
    public static final String CACHE_ENTRIES = "cache-entries";

    /** Setting: whether a missing table is created. */
    public static final String CREATE_TABLE = "create-table";

    /** Setting: how long opening may take to reach the server. */
    public static final String CONNECT_TIMEOUT = "connect-timeout";

    /** Setting: how long a call retries a lost connection or throttling. */
    public static final String RETRY_TIMEOUT = "retry-timeout";

    /** Every setting there is, in the order the docs give them. */
    public static final List<String> SETTINGS =
            List.of(TABLE, REGION, ENDPOINT, CACHE_ENTRIES, CREATE_TABLE, CONNECT_TIMEOUT, RETRY_TIMEOUT);

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
     * Connects to DynamoDB, makes sure the table is there (creating it if allowed), and reads the version the store
     * was last committed with.
     *
     * @return an {@link ExternalStoreEngine}
     * @throws io.sluice.SluiceException if a setting is unknown or malformed, the server cannot be reached within
     *     {@value #CONNECT_TIMEOUT}, no credentials or region are found, or the table is missing or has other keys;
     *     the message names the store, the node, the table and the server's host:port, never a credential
     */
    @Override
    public ExternalStoreEngine open(String graph, String node, int instance, StoreSpec spec) {
        Settings settings = Settings.of(node, spec);
        return DynamoDbEngine.open(graph, node, instance, spec.name(), settings);
    }
}
