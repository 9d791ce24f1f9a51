package io.sluice.state.dynamodb.internal;

import static io.sluice.state.dynamodb.DynamoDbBackend.CACHE_ENTRIES;
import static io.sluice.state.dynamodb.DynamoDbBackend.CONNECT_TIMEOUT;
import static io.sluice.state.dynamodb.DynamoDbBackend.CREATE_TABLE;
import static io.sluice.state.dynamodb.DynamoDbBackend.ENDPOINT;
import static io.sluice.state.dynamodb.DynamoDbBackend.REGION;
import static io.sluice.state.dynamodb.DynamoDbBackend.RETRY_TIMEOUT;
import static io.sluice.state.dynamodb.DynamoDbBackend.SETTINGS;
import static io.sluice.state.dynamodb.DynamoDbBackend.TABLE;

import io.sluice.SluiceException;
import io.sluice.StoreSpec;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
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
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
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
        Map<String, String> config = spec.config();
        String prefix = "Store '" + spec.name() + "' of node '" + node + "': ";
        List<String> problems = new ArrayList<>();
        for (String key : new TreeSet<>(config.keySet())) {
            if (!SETTINGS.contains(key)) {
                problems.add("the dynamodb backend has no setting '" + key + "'; expected one of " + SETTINGS
                        + didYouMean(key, SETTINGS));
            }
        }
        String table = config.getOrDefault(TABLE, DEFAULT_TABLE).strip();
        if (!TABLE_NAME.matcher(table).matches()) {
            problems.add("setting '" + TABLE + "' of the dynamodb backend must be a DynamoDB table name, 3 to 255"
                    + " letters, digits, '_', '-' or '.'; found '" + table + "'");
        }
        String region = firstSet(config.get(REGION), env.apply(ENV_REGION), env.apply(ENV_DEFAULT_REGION));
        URI endpoint = null;
        String endpointText = firstSet(config.get(ENDPOINT), env.apply(ENV_ENDPOINT_DYNAMODB), env.apply(ENV_ENDPOINT));
        if (endpointText != null) {
            try {
                endpoint = new URI(endpointText.strip());
            } catch (URISyntaxException e) {
                endpoint = null;
            }
            if (endpoint == null
                    || endpoint.getHost() == null
                    || !("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))) {
                problems.add((config.containsKey(ENDPOINT)
                                ? "setting '" + ENDPOINT + "'"
                                : "the endpoint from " + ENV_ENDPOINT_DYNAMODB + " or " + ENV_ENDPOINT)
                        + " of the dynamodb backend must be an http(s) URL such as http://localhost:8000; found '"
                        + endpointText + "'");
                endpoint = null;
            }
        }
        int cacheEntries = count(config.get(CACHE_ENTRIES), problems);
        boolean createTable = bool(config.get(CREATE_TABLE), problems);
        Duration connectTimeout =
                duration(CONNECT_TIMEOUT, config.get(CONNECT_TIMEOUT), DEFAULT_CONNECT_TIMEOUT, problems);
        Duration retryTimeout = duration(RETRY_TIMEOUT, config.get(RETRY_TIMEOUT), DEFAULT_RETRY_TIMEOUT, problems);
        if (!problems.isEmpty()) {
            throw new SluiceException(prefix + String.join("\n" + prefix, problems));
        }
        return new Settings(table, region, endpoint, cacheEntries, createTable, connectTimeout, retryTimeout);
    }

    private static boolean bool(String text, List<String> problems) {
        if (text == null) {
            return true;
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                problems.add("setting '" + CREATE_TABLE + "' of the dynamodb backend must be true or false; found '"
                        + text + "'");
                yield true;
            }
        };
    }

    private static int count(String text, List<String> problems) {
        if (text == null) {
            return DEFAULT_CACHE_ENTRIES;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= 0 && value <= MAX_CACHE_ENTRIES) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the rule
        }
        problems.add("setting '" + CACHE_ENTRIES + "' of the dynamodb backend must be a whole number of entries;"
                + " expected 0 (no cache) to " + MAX_CACHE_ENTRIES + " but found '" + text + "'");
        return DEFAULT_CACHE_ENTRIES;
    }

    private static String firstSet(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate;
            }
        }
        return null;
    }

    /** {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h}, or ISO-8601 ({@code PT2S}), as the YAML format takes them. */
    static Duration duration(String key, String text, Duration fallback, List<String> problems) {
        if (text == null) {
            return fallback;
        }
        Duration value = null;
        Matcher m = DURATION.matcher(text.strip());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            value = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        } else {
            try {
                value = Duration.parse(text.strip());
            } catch (DateTimeParseException e) {
                // reported below, with the rule
            }
        }
        if (value != null && !value.isNegative() && !value.isZero() && value.toMillis() <= Integer.MAX_VALUE) {
            return value;
        }
        problems.add("setting '" + key + "' of the dynamodb backend must be a positive duration such as 250ms, 2s, 5m"
                + " or PT2S; found '" + text + "'");
        return fallback;
    }

    /** {@code "; did you mean 'x'?"} for the setting closest to a misspelt one, or {@code ""} if none is close. */
    static String didYouMean(String missing, List<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = distance(missing, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best != null && bestDistance <= (missing.length() < 4 ? 1 : 2) ? "; did you mean '" + best + "'?" : "";
    }

    /** Edit distance counting a swap of two neighbouring characters as one edit, as typing mistakes go. */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
