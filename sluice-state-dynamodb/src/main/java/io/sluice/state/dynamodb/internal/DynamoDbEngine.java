package io.sluice.state.dynamodb.internal;

import io.sluice.SluiceException;
import io.sluice.spi.WriteBehindStoreEngine;
import io.sluice.state.dynamodb.DynamoDbBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * One store of one node instance as one item collection (one partition key) of a DynamoDB table, written behind: puts
 * and deletes are gathered in memory, keyed by their encoded bytes, and {@link #commit} writes them.
 *
 * <p>A commit writes the changed items in batches of 25 ({@code BatchWriteItem}, each item tagged with the commit's
 * version in {@code ver}), then puts the version item on condition that it holds a lower version. The version item is
 * the commit point: a commit interrupted before it leaves items that its replay rewrites with the same values, and a
 * commit whose version is already held writes nothing, as the version is read before any item is written. Not
 * {@code TransactWriteItems}: it caps a commit at 100 items, and the open-source DynamoDB-compatible servers the tests
 * run (dynalite) do not implement it; see docs/state-dynamodb.md.
 *
 * <p>{@link WriteBehindStoreEngine} gathers the changes, caches reads and retries: a call that cannot reach the server,
 * or is throttled, is retried with back-off for up to {@code retry-timeout}, then fails naming the server; a failed
 * commit keeps its changes. The client is safe for any thread, so a query thread may read while the instance writes.
 */
public final class DynamoDbEngine extends WriteBehindStoreEngine {

    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbEngine.class);

    static final String ID = "id";
    static final String KEY = "k";
    static final String VALUE = "v";
    static final String VERSION = "ver";

    /** The version item's sort key: no encoded key starts with 0xFF (the codec's type bytes are 0 to 3). */
    static final byte[] VERSION_KEY = {(byte) 0xFF};

    private static final int BATCH_WRITE = 25;
    private static final int BATCH_GET = 100;
    private static final long FIRST_BACKOFF_MS = 50;
    private static final long MAX_BACKOFF_MS = 1_000;
    private static final Duration TABLE_WAIT = Duration.ofMinutes(2);

    private final String label;
    private final Settings settings;
    private final String id;
    private final AttributeValue idValue;
    private final DynamoDbClient client; // safe for any thread

    private DynamoDbEngine(String node, String store, Settings settings, String id, DynamoDbClient client) {
        super(
                "dynamodb",
                node,
                store,
                settings.address(),
                "an item of '" + id + "' read from the dynamodb table '" + settings.table() + "' at "
                        + settings.address(),
                settings.cacheEntries(),
                WriteBehindStoreEngine.Retry.forUpTo(settings.retryTimeout()));
        this.label = label();
        this.settings = settings;
        this.id = id;
        this.idValue = AttributeValue.fromS(id);
        this.client = client;
    }

    /**
     * Opens store {@code store} of instance {@code instance} of node {@code node}, kept under the partition key {@code
     * <graph>/<node>/<instance>/<store>}: checks (or creates) the table and reads the committed version. Fails within
     * about {@code connect-timeout} if the server cannot be reached, without retrying.
     */
    public static DynamoDbEngine open(String graph, String node, int instance, String store, Settings settings) {
        String label = "Store '" + store + "' of node '" + node + "'";
        DefaultCredentialsProvider credentials =
                DefaultCredentialsProvider.builder().build();
        try {
            credentials.resolveCredentials();
        } catch (SdkClientException e) {
            credentials.close();
            throw new SluiceException(label + ": found no AWS credentials for dynamodb at " + settings.address()
                    + "; " + e.getMessage() + "; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run"
                    + " with a role");
        }
        DynamoDbClient client;
        try {
            DynamoDbClientBuilder builder = DynamoDbClient.builder()
                    .credentialsProvider(credentials)
                    .httpClientBuilder(UrlConnectionHttpClient.builder()
                            .connectionTimeout(settings.connectTimeout())
                            .socketTimeout(commandTimeout(settings)))
                    // the engine retries itself, for up to retry-timeout, and says so when it gives up
                    .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
            if (settings.region() != null) {
                builder.region(Region.of(settings.region()));
            }
            if (settings.endpoint() != null) {
                builder.endpointOverride(settings.endpoint());
            }
            client = builder.build();
        } catch (SdkClientException e) {
            credentials.close();
            throw new SluiceException(label + ": cannot set up the dynamodb client for " + settings.address() + "; "
                    + e.getMessage() + "; set '" + DynamoDbBackend.REGION + "' (or AWS_REGION)");
        }
        DynamoDbEngine engine =
                new DynamoDbEngine(node, store, settings, graph + "/" + node + "/" + instance + "/" + store, client);
        try {
            engine.ensureTable();
            engine.openedAt(engine.readVersion(settings.connectTimeout()));
            return engine;
        } catch (SdkException e) {
            client.close();
            if (retryable(e)) {
                throw new SluiceException(label + ": cannot reach dynamodb at " + settings.address() + " within "
                        + settings.connectTimeout().toMillis() + " ms (" + DynamoDbBackend.CONNECT_TIMEOUT + "); "
                        + reason(e) + "; check '" + DynamoDbBackend.ENDPOINT + "' (or " + Settings.ENV_ENDPOINT
                        + "), '" + DynamoDbBackend.REGION + "' and that the server is up");
            }
            throw engine.refused(Call.of("open the store"), e);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** How long one request may wait for its answer: a batch may take a while, a dead server should not hang. */
    private static Duration commandTimeout(Settings settings) {
        return settings.retryTimeout().compareTo(settings.connectTimeout()) > 0
                ? settings.retryTimeout()
                : settings.connectTimeout();
    }

    private void ensureTable() {
        Duration timeout = settings.connectTimeout();
        TableDescription table;
        try {
            table = client.describeTable(
                            r -> r.tableName(settings.table()).overrideConfiguration(o -> o.apiCallTimeout(timeout)))
                    .table();
        } catch (ResourceNotFoundException e) {
            if (!settings.createTable()) {
                throw new SluiceException(label + ": the dynamodb table '" + settings.table() + "' does not exist at "
                        + settings.address() + "; create it with partition key '" + ID + "' (string) and sort key '"
                        + KEY + "' (binary), or set '" + DynamoDbBackend.CREATE_TABLE + "' to true");
            }
            table = createTable();
        }
        requireKeys(table);
        long deadline = System.nanoTime() + TABLE_WAIT.toNanos();
        long backoff = FIRST_BACKOFF_MS;
        while (table.tableStatus() != TableStatus.ACTIVE && table.tableStatus() != TableStatus.UPDATING) {
            if (System.nanoTime() > deadline) {
                throw new SluiceException(label + ": the dynamodb table '" + settings.table() + "' at "
                        + settings.address() + " is " + table.tableStatusAsString() + ", not ACTIVE, after "
                        + TABLE_WAIT.toSeconds() + " s");
            }
            sleep(backoff);
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            table = client.describeTable(r -> r.tableName(settings.table())).table();
        }
    }

    private TableDescription createTable() {
        try {
            TableDescription created = client.createTable(r -> r.tableName(settings.table())
                            .billingMode(BillingMode.PAY_PER_REQUEST)
                            .attributeDefinitions(
                                    AttributeDefinition.builder()
                                            .attributeName(ID)
                                            .attributeType(ScalarAttributeType.S)
                                            .build(),
                                    AttributeDefinition.builder()
                                            .attributeName(KEY)
                                            .attributeType(ScalarAttributeType.B)
                                            .build())
                            .keySchema(
                                    KeySchemaElement.builder()
                                            .attributeName(ID)
                                            .keyType(KeyType.HASH)
                                            .build(),
                                    KeySchemaElement.builder()
                                            .attributeName(KEY)
                                            .keyType(KeyType.RANGE)
                                            .build()))
                    .tableDescription();
            LOG.info("{}: created the dynamodb table '{}' at {}", label, settings.table(), settings.address());
            return created;
        } catch (ResourceInUseException e) {
            // another store instance created it meanwhile
            return client.describeTable(r -> r.tableName(settings.table())).table();
        }
    }

    private void requireKeys(TableDescription table) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (KeySchemaElement element : table.keySchema()) {
            keys.put(element.attributeName(), element.keyTypeAsString());
        }
        Map<String, String> types = new HashMap<>();
        for (AttributeDefinition definition : table.attributeDefinitions()) {
            types.put(definition.attributeName(), definition.attributeTypeAsString());
        }
        boolean fits = keys.size() == 2
                && "HASH".equals(keys.get(ID))
                && "RANGE".equals(keys.get(KEY))
                && "S".equals(types.get(ID))
                && "B".equals(types.get(KEY));
        if (!fits) {
            StringBuilder found = new StringBuilder();
            keys.forEach((name, type) -> found.append(found.isEmpty() ? "" : ", ")
                    .append(name)
                    .append(' ')
                    .append(type)
                    .append(' ')
                    .append(types.get(name)));
            throw new SluiceException(label + ": the dynamodb table '" + settings.table() + "' at " + settings.address()
                    + " has other keys than a store needs; expected [id HASH S, k RANGE B] but found [" + found
                    + "]; give the store a table of its own with '" + DynamoDbBackend.TABLE + "'");
        }
    }

    // ---- the operations of WriteBehindStoreEngine ----

    @Override
    protected byte[] load(byte[] key) {
        Map<String, AttributeValue> item = client.getItem(r -> r.tableName(settings.table())
                        .key(key(key))
                        .consistentRead(true)
                        .projectionExpression(VALUE))
                .item();
        return item == null || !item.containsKey(VALUE)
                ? null
                : item.get(VALUE).b().asByteArrayUnsafe();
    }

    @Override
    @SuppressWarnings("unchecked")
    protected Page scan(Object cursor) {
        QueryResponse page =
                client.query(query((Map<String, AttributeValue>) cursor).build());
        List<Entry> entries = new ArrayList<>(page.items().size());
        for (Map<String, AttributeValue> item : page.items()) {
            entries.add(new Entry(
                    item.get(KEY).b().asByteArrayUnsafe(), item.get(VALUE).b().asByteArrayUnsafe()));
        }
        return new Page(entries, next(page));
    }

    /** The store's items: the partition, below the version item, read consistently. */
    private QueryRequest.Builder query(Map<String, AttributeValue> start) {
        QueryRequest.Builder query = QueryRequest.builder()
                .tableName(settings.table())
                .keyConditionExpression("#id = :id AND #k < :meta")
                .expressionAttributeNames(Map.of("#id", ID, "#k", KEY))
                .expressionAttributeValues(Map.of(":id", idValue, ":meta", bytes(VERSION_KEY)))
                .consistentRead(true);
        if (start != null) {
            query.exclusiveStartKey(start);
        }
        return query;
    }

    private static Map<String, AttributeValue> next(QueryResponse page) {
        return page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    }

    /** The server's count corrected by the gathered changes: a counting query, and a batch read of changed keys. */
    @Override
    protected long count(Collection<Change> changes) {
        long size = 0;
        Map<String, AttributeValue> from = null;
        do {
            QueryResponse page = client.query(query(from).select(Select.COUNT).build());
            size += page.count();
            from = next(page);
        } while (from != null);
        List<Change> changed = new ArrayList<>(changes);
        Set<ByteBuffer> held = new HashSet<>();
        for (int i = 0; i < changed.size(); i += BATCH_GET) {
            held.addAll(existing(changed.subList(i, Math.min(i + BATCH_GET, changed.size()))));
        }
        for (Change change : changed) {
            boolean there = held.contains(ByteBuffer.wrap(change.keyBytes()));
            if (!change.isDelete() && !there) {
                size++;
            } else if (change.isDelete() && there) {
                size--;
            }
        }
        return size;
    }

    /** Which of the keys of {@code changes} the server holds. */
    private List<ByteBuffer> existing(List<Change> changes) {
        List<Map<String, AttributeValue>> wanted = new ArrayList<>();
        for (Change change : changes) {
            wanted.add(key(change.keyBytes()));
        }
        Map<String, KeysAndAttributes> request = Map.of(
                settings.table(),
                KeysAndAttributes.builder()
                        .keys(wanted)
                        .consistentRead(true)
                        .projectionExpression("#k")
                        .expressionAttributeNames(Map.of("#k", KEY))
                        .build());
        List<ByteBuffer> held = new ArrayList<>();
        long backoff = FIRST_BACKOFF_MS;
        while (!request.isEmpty()) {
            Map<String, KeysAndAttributes> asked = request;
            BatchGetItemResponse response = client.batchGetItem(r -> r.requestItems(asked));
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(settings.table(), List.of())) {
                held.add(ByteBuffer.wrap(item.get(KEY).b().asByteArrayUnsafe()));
            }
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            if (!request.isEmpty()) {
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            }
        }
        return held;
    }

    /**
     * Reads the stored version, then, if {@code version} is above it, writes every changed item (tagged with {@code
     * version}) in batches, and last the version item, on condition that it still holds a lower version. Repeated
     * whole after a lost answer: the items are written again with the same values.
     */
    @Override
    protected boolean write(Collection<Change> changes, long version) {
        long held = readVersion(null);
        if (held >= version) {
            return false; // another engine committed it, or our own earlier attempt whose answer was lost
        }
        AttributeValue tag = AttributeValue.fromN(Long.toString(version));
        List<WriteRequest> writes = new ArrayList<>(changes.size());
        for (Change change : changes) {
            byte[] k = change.keyBytes();
            if (change.isDelete()) {
                writes.add(WriteRequest.builder()
                        .deleteRequest(DeleteRequest.builder().key(key(k)).build())
                        .build());
            } else {
                writes.add(WriteRequest.builder()
                        .putRequest(PutRequest.builder()
                                .item(Map.of(ID, idValue, KEY, bytes(k), VALUE, bytes(change.value()), VERSION, tag))
                                .build())
                        .build());
            }
        }
        for (int i = 0; i < writes.size(); i += BATCH_WRITE) {
            writeBatch(writes.subList(i, Math.min(i + BATCH_WRITE, writes.size())));
        }
        writeVersion(version);
        return true;
    }

    /** Writes one batch, again for what the server left unprocessed (throttling), until all of it is written. */
    private void writeBatch(List<WriteRequest> batch) {
        Map<String, List<WriteRequest>> request = Map.of(settings.table(), batch);
        long backoff = FIRST_BACKOFF_MS;
        while (!request.isEmpty()) {
            Map<String, List<WriteRequest>> asked = request;
            var response = client.batchWriteItem(r -> r.requestItems(asked));
            request = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
            if (!request.isEmpty()) {
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            }
        }
    }

    private void writeVersion(long version) {
        try {
            client.putItem(r -> r.tableName(settings.table())
                    .item(Map.of(
                            ID,
                            idValue,
                            KEY,
                            bytes(VERSION_KEY),
                            VERSION,
                            AttributeValue.fromN(Long.toString(version))))
                    .conditionExpression("attribute_not_exists(#ver) OR #ver < :ver")
                    .expressionAttributeNames(Map.of("#ver", VERSION))
                    .expressionAttributeValues(Map.of(":ver", AttributeValue.fromN(Long.toString(version)))));
        } catch (ConditionalCheckFailedException e) {
            long held = readVersion(null);
            if (held != version) { // equal: our own earlier attempt, whose answer was lost
                throw new SluiceException(label + ": another writer committed version " + held + " to the dynamodb"
                        + " table '" + settings.table() + "' at " + settings.address() + " while this store committed"
                        + " version " + version + "; a store instance takes one writer at a time");
            }
        }
    }

    /** Deletes every item of the store instance, its version included. */
    @Override
    protected void wipe() {
        List<WriteRequest> deletes = new ArrayList<>();
        Map<String, AttributeValue> from = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder()
                    .tableName(settings.table())
                    .keyConditionExpression("#id = :id")
                    .expressionAttributeNames(Map.of("#id", ID, "#k", KEY))
                    .expressionAttributeValues(Map.of(":id", idValue))
                    .projectionExpression("#k")
                    .consistentRead(true);
            if (from != null) {
                query.exclusiveStartKey(from);
            }
            QueryResponse page = client.query(query.build());
            for (Map<String, AttributeValue> item : page.items()) {
                deletes.add(WriteRequest.builder()
                        .deleteRequest(DeleteRequest.builder()
                                .key(Map.of(ID, idValue, KEY, item.get(KEY)))
                                .build())
                        .build());
            }
            from = next(page);
        } while (from != null);
        for (int i = 0; i < deletes.size(); i += BATCH_WRITE) {
            writeBatch(deletes.subList(i, Math.min(i + BATCH_WRITE, deletes.size())));
        }
    }

    @Override
    protected long readVersion() {
        return readVersion(null);
    }

    @Override
    protected void release() {
        client.close();
    }

    // ---- the server ----

    private long readVersion(Duration timeout) {
        Map<String, AttributeValue> item = client.getItem(r -> {
                    r.tableName(settings.table()).key(key(VERSION_KEY)).consistentRead(true);
                    if (timeout != null) {
                        r.overrideConfiguration(o -> o.apiCallTimeout(timeout));
                    }
                })
                .item();
        if (item == null || !item.containsKey(VERSION)) {
            return -1;
        }
        String text = item.get(VERSION).n();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new SluiceException(label + ": the version item of '" + id + "' in the dynamodb table '"
                    + settings.table() + "' at " + settings.address() + " holds " + text + ", not a version;"
                    + " was it written by something else? Give the store a table of its own with '"
                    + DynamoDbBackend.TABLE + "'");
        }
    }

    private Map<String, AttributeValue> key(byte[] k) {
        return Map.of(ID, idValue, KEY, bytes(k));
    }

    private static AttributeValue bytes(byte[] b) {
        return AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(b));
    }

    @Override
    protected boolean isTransient(Exception failure) {
        return failure instanceof SdkException e && retryable(e);
    }

    @Override
    protected RuntimeException unreachable(Call call, int attempts, Exception last) {
        return new SluiceException(
                label + ": dynamodb at " + settings.address() + " could not be reached to " + call.doing()
                        + (call.isCommit() ? " (" + call.changes() + " changes)" : "") + " after " + attempts
                        + " attempts over " + settings.retryTimeout().toMillis() + " ms ("
                        + DynamoDbBackend.RETRY_TIMEOUT + "); " + reason(last)
                        + "; the changes not yet committed are kept for the next commit",
                last);
    }

    /** A lost or refused connection, a timeout, throttling or a server error: worth another try. */
    private static boolean retryable(SdkException e) {
        if (e instanceof AwsServiceException service) {
            return service.isThrottlingException() || service.statusCode() >= 500;
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return true;
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException || cause instanceof UncheckedIOException) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected RuntimeException refused(Call call, Exception failure) {
        if (!(failure instanceof SdkException e)) {
            return super.refused(call, failure);
        }
        String doing = call.doing() + (call.isCommit() ? " (" + call.changes() + " changes)" : "");
        String where = label + ": dynamodb at " + settings.address();
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            String code = String.valueOf(service.awsErrorDetails().errorCode());
            String message = service.awsErrorDetails().errorMessage();
            if (code.equals("UnrecognizedClientException")
                    || code.equals("InvalidSignatureException")
                    || code.equals("AccessDeniedException")
                    || code.equals("ExpiredTokenException")) {
                return new SluiceException(where + " refused the credentials to " + doing + " (" + code + ": "
                        + message + "); check the AWS credentials (AWS_ACCESS_KEY_ID, AWS_PROFILE or the role) and"
                        + " their rights on the table '" + settings.table() + "'");
            }
            return new SluiceException(
                    where + " refused to " + doing + " in the table '" + settings.table() + "': " + code + ": "
                            + message,
                    e);
        }
        return new SluiceException(where + " failed to " + doing + ": " + e.getMessage(), e);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException("interrupted while waiting to retry dynamodb", e);
        }
    }
}
