package io.sluice.state.dynamodb.internal;

import static io.sluice.spi.StoreSettings.firstSet;
import static io.sluice.state.dynamodb.DynamoDbBackend.CACHE_ENTRIES;
import static io.sluice.state.dynamodb.DynamoDbBackend.CONNECT_TIMEOUT;
import static io.sluice.state.dynamodb.DynamoDbBackend.CREATE_TABLE;
import static io.sluice.state.dynamodb.DynamoDbBackend.ENDPOINT;
import static io.sluice.state.dynamodb.DynamoDbBackend.REGION;
import static io.sluice.state.dynamodb.DynamoDbBackend.RETRY_TIMEOUT;
import static io.sluice.state.dynamodb.DynamoDbBackend.SETTINGS;
import static io.sluice.state.dynamodb.DynamoDbBackend.TABLE;

import io.sluice.StoreSpec;
import io.sluice.spi.StoreSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The settings of one dynamodb store, read from its {@link StoreSpec#config()} and the environment, and checked all at
 * once, so a store with a misspelt or malformed setting fails when its graph deploys, naming every problem.
 * Credentials are not settings: they come from the AWS SDK's default provider chain, and are never printed.
 *
 * @param table the table every store instance keeps its items in
 * @param region the AWS region, or {@code null} to let the SDK's default chain find it
 * @param endpoint the server's address, or {@code null} for the region's DynamoDB endpoint
 * @param cacheEntries how many entries each store instance keeps in its read cache
 * @param createTable whether to create the table when it is missing
 * @param connectTimeout how long opening may take to reach the server
 * @param retryTimeout how long a call keeps retrying a lost connection or throttling before it fails
 */
public record Settings(
        String table,
        String region,
        URI endpoint,
        int cacheEntries,
        boolean createTable,
        Duration connectTimeout,
        Duration retryTimeout) {

    public static final String DEFAULT_TABLE = "sluice_state";
    public static final int DEFAULT_CACHE_ENTRIES = 10_000;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RETRY_TIMEOUT = Duration.ofSeconds(30);

    static final String ENV_REGION = "AWS_REGION";
    static final String ENV_DEFAULT_REGION = "AWS_DEFAULT_REGION";
    static final String ENV_ENDPOINT = "AWS_ENDPOINT_URL";
    static final String ENV_ENDPOINT_DYNAMODB = "AWS_ENDPOINT_URL_DYNAMODB";

    private static final int MAX_CACHE_ENTRIES = 100_000_000;
    private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z0-9_.-]{3,255}");

    /** The server as messages name it: host:port. */
    public String address() {
        if (endpoint == null) {
            return "dynamodb." + (region == null ? "<region>" : region) + ".amazonaws.com:443";
        }
        int port = endpoint.getPort() >= 0 ? endpoint.getPort() : "https".equals(endpoint.getScheme()) ? 443 : 80;
        return endpoint.getHost() + ":" + port;
    }

    /** The settings of {@code spec}, falling back on the process's environment. */
    public static Settings of(String node, StoreSpec spec) {
        return of(node, spec, System::getenv);
    }

    /** The settings of {@code spec}, or one error naming every unknown or malformed setting. */
    public static Settings of(String node, StoreSpec spec, UnaryOperator<String> env) {
        StoreSettings read = StoreSettings.read("dynamodb", node, spec, SETTINGS);
        String table = spec.config().getOrDefault(TABLE, DEFAULT_TABLE).strip();
        if (!TABLE_NAME.matcher(table).matches()) {
            read.problem("setting '" + TABLE + "' of the dynamodb backend must be a DynamoDB table name, 3 to 255"
                    + " letters, digits, '_', '-' or '.'; found '" + table + "'");
        }
        String region = firstSet(read.get(REGION), env.apply(ENV_REGION), env.apply(ENV_DEFAULT_REGION));
        URI endpoint = null;
        String endpointText = firstSet(read.get(ENDPOINT), env.apply(ENV_ENDPOINT_DYNAMODB), env.apply(ENV_ENDPOINT));
        if (endpointText != null) {
            try {
                endpoint = new URI(endpointText.strip());
            } catch (URISyntaxException e) {
                endpoint = null;
            }
            if (endpoint == null
                    || endpoint.getHost() == null
                    || !("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))) {
                read.problem((read.has(ENDPOINT)
                                ? "setting '" + ENDPOINT + "'"
                                : "the endpoint from " + ENV_ENDPOINT_DYNAMODB + " or " + ENV_ENDPOINT)
                        + " of the dynamodb backend must be an http(s) URL such as http://localhost:8000; found '"
                        + endpointText + "'");
                endpoint = null;
            }
        }
        int cacheEntries =
                read.whole(CACHE_ENTRIES, DEFAULT_CACHE_ENTRIES, 0, MAX_CACHE_ENTRIES, "entries", "no cache");
        boolean createTable = read.bool(CREATE_TABLE, true);
        Duration connectTimeout = read.positiveDuration(CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT);
        Duration retryTimeout = read.positiveDuration(RETRY_TIMEOUT, DEFAULT_RETRY_TIMEOUT);
        read.check();
        return new Settings(table, region, endpoint, cacheEntries, createTable, connectTimeout, retryTimeout);
    }
}
