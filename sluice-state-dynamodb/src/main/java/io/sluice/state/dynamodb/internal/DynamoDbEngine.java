package io.sluice.state.dynamodb.internal;

import io.sluice.SluiceException;
import io.sluice.spi.ExternalStoreEngine;
import io.sluice.spi.StoreCodec;
import io.sluice.state.dynamodb.DynamoDbBackend;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
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
 * <p>One client, one lock: the instance's thread writes and commits, a query thread may read at the same time. A call
 * that cannot reach the server, or is throttled, is retried with back-off for up to {@code retry-timeout}, then fails
 * naming the server; a failed commit keeps its changes.
 */
public final class DynamoDbEngine implements ExternalStoreEngine {

    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbEngine.class);

    static final String ID = "id";
    static final String KEY = "k";
    static final String VALUE = "v";
    static final String VERSION = "ver";

    /** The version item's sort key: no encoded key starts with 0xFF (the codec's type bytes are 0 to 3). */
    static final byte[] VERSION_KEY = {(byte) 0xFF};

    private static final byte[] ABSENT = new byte[0];
    private static final int BATCH_WRITE = 25;
    private static final int BATCH_GET = 100;
    private static final int KEY_TEXT_LIMIT = 80;
    private static final long FIRST_BACKOFF_MS = 50;
    private static final long MAX_BACKOFF_MS = 1_000;
    private static final Duration TABLE_WAIT = Duration.ofMinutes(2);

    private final String label;
    private final Settings settings;
    private final String id;
    private final AttributeValue idValue;
    private final StoreCodec codec;
    private final ReentrantLock lock = new ReentrantLock();
    private final DynamoDbClient client;

    // Guarded by lock.
    private final Map<Bytes, byte[]> pending = new HashMap<>(); // key -> value, or null if deleted
    private final Map<Bytes, byte[]> cache; // key -> value as the server holds it, or ABSENT
    private long committed = -1;
    private boolean closed;

    private DynamoDbEngine(String label, Settings settings, String id, DynamoDbClient client) {
        this.label = label;
        this.settings = settings;
        this.id = id;
        this.idValue = AttributeValue.fromS(id);
        this.client = client;
        this.codec = new StoreCodec(Thread.currentThread().getContextClassLoader());
        int limit = settings.cacheEntries();
        this.cache = new LinkedHashMap<>(Math.min(limit, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Bytes, byte[]> eldest) {
                return size() > limit;
            }
        };
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
                new DynamoDbEngine(label, settings, graph + "/" + node + "/" + instance + "/" + store, client);
        try {
            engine.ensureTable();
            engine.committed = engine.readVersion(settings.connectTimeout());
            return engine;
        } catch (SdkException e) {
            client.close();
            if (retryable(e)) {
                throw new SluiceException(label + ": cannot reach dynamodb at " + settings.address() + " within "
                        + settings.connectTimeout().toMillis() + " ms (" + DynamoDbBackend.CONNECT_TIMEOUT + "); "
                        + reason(e) + "; check '" + DynamoDbBackend.ENDPOINT + "' (or " + Settings.ENV_ENDPOINT
                        + "), '" + DynamoDbBackend.REGION + "' and that the server is up");
            }
            throw engine.refused("open the store", e);
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

    // ---- reads ----

    @Override
    public Object get(Object key) {
        byte[] k = encode(key, () -> "the key '" + text(key) + "'");
        Bytes b = new Bytes(k);
        byte[] v;
        lock.lock();
        try {
            live();
            if (pending.containsKey(b)) {
                v = pending.get(b);
            } else {
                v = cache.get(b);
                if (v == null) {
                    Map<String, AttributeValue> item =
                            call("read key '" + text(key) + "'", () -> client.getItem(r -> r.tableName(settings.table())
                                            .key(key(k))
                                            .consistentRead(true)
                                            .projectionExpression(VALUE))
                                    .item());
                    v = item == null || !item.containsKey(VALUE)
                            ? null
                            : item.get(VALUE).b().asByteArrayUnsafe();
                    if (settings.cacheEntries() > 0) {
                        cache.put(b, v == null ? ABSENT : v);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        return v == null || v == ABSENT ? null : decode(v);
    }

    /**
     * Every key once, with the value it has in the gathered changes or else on the server. The server's part is read
     * a page at a time, without holding the lock while {@code action} runs, so {@code action} may use the store.
     */
    @Override
    public void forEach(BiConsumer<Object, Object> action) {
        Map<Bytes, byte[]> changes;
        lock.lock();
        try {
            live();
            changes = new HashMap<>(pending);
        } finally {
            lock.unlock();
        }
        Map<String, AttributeValue> from = null;
        do {
            QueryResponse page;
            Map<String, AttributeValue> start = from;
            lock.lock();
            try {
                live();
                page = call("list the store", () -> client.query(query(start).build()));
            } finally {
                lock.unlock();
            }
            for (Map<String, AttributeValue> item : page.items()) {
                byte[] k = item.get(KEY).b().asByteArrayUnsafe();
                if (!changes.containsKey(new Bytes(k))) {
                    action.accept(decode(k), decode(item.get(VALUE).b().asByteArrayUnsafe()));
                }
            }
            from = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (from != null);
        for (Map.Entry<Bytes, byte[]> change : changes.entrySet()) {
            if (change.getValue() != null) {
                action.accept(decode(change.getKey().bytes), decode(change.getValue()));
            }
        }
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

    /** The server's count corrected by the gathered changes: a counting query, and a batch read of changed keys. */
    @Override
    public long size() {
        lock.lock();
        try {
            live();
            long size = 0;
            Map<String, AttributeValue> from = null;
            do {
                Map<String, AttributeValue> start = from;
                QueryResponse page = call(
                        "count the store",
                        () -> client.query(query(start).select(Select.COUNT).build()));
                size += page.count();
                from = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey()
                        : null;
            } while (from != null);
            List<Bytes> changed = new ArrayList<>(pending.keySet());
            java.util.Set<Bytes> held = new java.util.HashSet<>();
            for (int i = 0; i < changed.size(); i += BATCH_GET) {
                held.addAll(existing(changed.subList(i, Math.min(i + BATCH_GET, changed.size()))));
            }
            for (Bytes key : changed) {
                boolean put = pending.get(key) != null;
                if (put && !held.contains(key)) {
                    size++;
                } else if (!put && held.contains(key)) {
                    size--;
                }
            }
            return size;
        } finally {
            lock.unlock();
        }
    }

    /** Which of {@code keys} the server holds. */
    private List<Bytes> existing(List<Bytes> keys) {
        List<Map<String, AttributeValue>> wanted = new ArrayList<>();
        for (Bytes key : keys) {
            wanted.add(key(key.bytes));
        }
        List<Bytes> held = new ArrayList<>();
        call("count the store", () -> {
            Map<String, KeysAndAttributes> request = Map.of(
                    settings.table(),
                    KeysAndAttributes.builder()
                            .keys(wanted)
                            .consistentRead(true)
                            .projectionExpression("#k")
                            .expressionAttributeNames(Map.of("#k", KEY))
                            .build());
            held.clear();
            long backoff = FIRST_BACKOFF_MS;
            while (!request.isEmpty()) {
                Map<String, KeysAndAttributes> asked = request;
                BatchGetItemResponse response = client.batchGetItem(r -> r.requestItems(asked));
                for (Map<String, AttributeValue> item :
                        response.responses().getOrDefault(settings.table(), List.of())) {
                    held.add(new Bytes(item.get(KEY).b().asByteArrayUnsafe()));
                }
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
                if (!request.isEmpty()) {
                    sleep(backoff);
                    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
                }
            }
            return null;
        });
        return held;
    }

    // ---- writes ----

    @Override
    public void put(Object key, Object value) {
        byte[] k = encode(key, () -> "the key '" + text(key) + "'");
        byte[] v = encode(value, () -> "the value of key '" + text(key) + "'");
        lock.lock();
        try {
            live();
            pending.put(new Bytes(k), v);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void delete(Object key) {
        byte[] k = encode(key, () -> "the key '" + text(key) + "'");
        lock.lock();
        try {
            live();
            pending.put(new Bytes(k), null);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long committedVersion() {
        lock.lock();
        try {
            live();
            committed = call("read the committed version", () -> readVersion(null));
            return committed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads the stored version, then, if {@code version} is above it, writes every changed item (tagged with {@code
     * version}) in batches, and last the version item, on condition that it still holds a lower version.
     */
    @Override
    public void commit(long version) {
        if (version < 0) {
            throw new IllegalArgumentException(label + ": a commit's version is 0 or more; found " + version);
        }
        lock.lock();
        try {
            live();
            if (version <= committed) {
                pending.clear(); // already on the server, with the version that holds them
                return;
            }
            String doing = "commit version " + version + " (" + pending.size() + " changes)";
            long held = call(doing, () -> readVersion(null));
            if (held >= version) {
                // another engine committed it, or our own earlier attempt whose answer was lost
                cache.clear();
                committed = held;
                pending.clear();
                return;
            }
            AttributeValue tag = AttributeValue.fromN(Long.toString(version));
            List<WriteRequest> writes = new ArrayList<>(pending.size());
            for (Map.Entry<Bytes, byte[]> change : pending.entrySet()) {
                byte[] k = change.getKey().bytes;
                byte[] v = change.getValue();
                if (v == null) {
                    writes.add(WriteRequest.builder()
                            .deleteRequest(DeleteRequest.builder().key(key(k)).build())
                            .build());
                } else {
                    writes.add(WriteRequest.builder()
                            .putRequest(PutRequest.builder()
                                    .item(Map.of(ID, idValue, KEY, bytes(k), VALUE, bytes(v), VERSION, tag))
                                    .build())
                            .build());
                }
            }
            for (int i = 0; i < writes.size(); i += BATCH_WRITE) {
                List<WriteRequest> batch = writes.subList(i, Math.min(i + BATCH_WRITE, writes.size()));
                call(doing, () -> writeBatch(batch));
            }
            call(doing, () -> writeVersion(version));
            if (settings.cacheEntries() > 0) {
                pending.forEach((k, v) -> cache.put(k, v == null ? ABSENT : v));
            }
            committed = version;
            pending.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Writes one batch, again for what the server left unprocessed (throttling), until all of it is written. */
    private Void writeBatch(List<WriteRequest> batch) {
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
        return null;
    }

    private Void writeVersion(long version) {
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
        return null;
    }

    /** Deletes every item of the store instance, its version included: a deployment starting afresh. */
    @Override
    public void clear() {
        lock.lock();
        try {
            live();
            List<WriteRequest> deletes = new ArrayList<>();
            Map<String, AttributeValue> from = null;
            do {
                Map<String, AttributeValue> start = from;
                QueryRequest.Builder query = QueryRequest.builder()
                        .tableName(settings.table())
                        .keyConditionExpression("#id = :id")
                        .expressionAttributeNames(Map.of("#id", ID, "#k", KEY))
                        .expressionAttributeValues(Map.of(":id", idValue))
                        .projectionExpression("#k")
                        .consistentRead(true);
                if (start != null) {
                    query.exclusiveStartKey(start);
                }
                QueryResponse page = call("clear the store", () -> client.query(query.build()));
                for (Map<String, AttributeValue> item : page.items()) {
                    deletes.add(WriteRequest.builder()
                            .deleteRequest(DeleteRequest.builder()
                                    .key(Map.of(ID, idValue, KEY, item.get(KEY)))
                                    .build())
                            .build());
                }
                from = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey()
                        : null;
            } while (from != null);
            for (int i = 0; i < deletes.size(); i += BATCH_WRITE) {
                List<WriteRequest> batch = deletes.subList(i, Math.min(i + BATCH_WRITE, deletes.size()));
                call("clear the store", () -> writeBatch(batch));
            }
            pending.clear();
            cache.clear();
            committed = -1;
        } finally {
            lock.unlock();
        }
    }

    /** Closes the client; changes not committed are dropped (the runtime's log holds them). */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            pending.clear();
            cache.clear();
            client.close();
        } finally {
            lock.unlock();
        }
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

    /**
     * Runs {@code op}, again with back-off while the server cannot be reached or throttles, for up to {@code
     * retry-timeout}. Called with the lock held; {@code op} must be safe to repeat.
     */
    private <T> T call(String doing, Supplier<T> op) {
        long deadline = System.nanoTime() + settings.retryTimeout().toNanos();
        long backoff = FIRST_BACKOFF_MS;
        int attempts = 0;
        while (true) {
            try {
                T result = op.get();
                if (attempts > 0) {
                    LOG.info(
                            "{}: dynamodb at {} answers again, after {} attempts",
                            label,
                            settings.address(),
                            attempts + 1);
                }
                return result;
            } catch (SdkException e) {
                if (!retryable(e)) {
                    throw refused(doing, e);
                }
                attempts++;
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new SluiceException(
                            label + ": dynamodb at " + settings.address() + " could not be reached to "
                                    + doing + " after " + attempts + " attempts over "
                                    + settings.retryTimeout().toMillis()
                                    + " ms (" + DynamoDbBackend.RETRY_TIMEOUT + "); " + reason(e)
                                    + "; the changes not yet committed are kept for the next commit",
                            e);
                }
                if (attempts == 1) {
                    LOG.warn(
                            "{}: lost dynamodb at {} ({}); retrying for up to {} ms",
                            label,
                            settings.address(),
                            reason(e),
                            settings.retryTimeout().toMillis());
                }
                sleep(Math.min(backoff, left));
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            }
        }
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

    private SluiceException refused(String doing, SdkException e) {
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

    private void live() {
        if (closed) {
            throw new SluiceException(label + ": the dynamodb store is closed, as its node instance has ended");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException("interrupted while waiting to retry dynamodb", e);
        }
    }

    private static String reason(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + cause + ")";
    }

    // ---- bytes ----

    private byte[] encode(Object object, Supplier<String> what) {
        try {
            return codec.encode(object);
        } catch (NotSerializableException e) {
            String type = object.getClass().getName();
            String culprit = e.getMessage();
            String found = culprit.equals(type) ? type : type + " holding " + culprit;
            throw new SluiceException(label + ": " + what.get() + " cannot be stored in dynamodb; expected a String,"
                    + " Long, Integer or java.io.Serializable object but found " + found
                    + ", which is not Serializable; make " + culprit
                    + " implement java.io.Serializable (a record can)");
        } catch (IOException e) {
            throw new SluiceException(
                    label + ": " + what.get() + " cannot be stored in dynamodb; Java serialization of "
                            + object.getClass().getName() + " failed: " + e,
                    e);
        }
    }

    private Object decode(byte[] bytes) {
        try {
            return codec.decode(bytes);
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            throw new SluiceException(
                    label + ": an item of '" + id + "' read from the dynamodb table '" + settings.table() + "' at "
                            + settings.address() + " cannot be turned back into an object; " + e
                            + "; is the class that wrote it on this class path?",
                    e);
        }
    }

    private static String text(Object key) {
        String text = String.valueOf(key);
        return text.length() <= KEY_TEXT_LIMIT ? text : text.substring(0, KEY_TEXT_LIMIT) + "…";
    }

    /** Encoded bytes as a map key: equal when their content is. */
    private static final class Bytes {
        final byte[] bytes;
        private final int hash;

        Bytes(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Bytes b && b.hash == hash && Arrays.equals(b.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
