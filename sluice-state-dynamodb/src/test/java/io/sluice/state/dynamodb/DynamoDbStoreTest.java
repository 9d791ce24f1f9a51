package io.sluice.state.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.sluice.SluiceException;
import io.sluice.StoreSpec;
import io.sluice.spi.ExternalStoreEngine;
import io.sluice.state.dynamodb.internal.DynamoDbEngine;
import io.sluice.state.dynamodb.internal.Settings;
import io.sluice.testkit.ServerProcess;
import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * What the dynamodb backend adds to the contract: write-behind, versions, the commit point, the cache, faults and
 * settings, on a real dynalite server.
 */
class DynamoDbStoreTest {

    /** Not Serializable, as a user's class often is not. */
    static final class Tally {
        long count;
    }

    record Holder(String name, Tally tally) implements Serializable {}

    private final String graph = "g-" + UUID.randomUUID();
    private final List<ExternalStoreEngine> opened = new ArrayList<>();

    @AfterEach
    void closeEngines() {
        RequestCounter.beforeEachRequest(operation -> {});
        opened.forEach(ExternalStoreEngine::close);
    }

    private ExternalStoreEngine open(Dynalite server, Map<String, String> config) {
        Map<String, String> withServer = new HashMap<>(config);
        if (server != null) {
            withServer.putIfAbsent("endpoint", server.endpoint());
        }
        withServer.putIfAbsent("region", Dynalite.REGION);
        StoreSpec spec = StoreSpec.of("counts", "dynamodb", withServer);
        ExternalStoreEngine engine =
                DynamoDbEngine.open(graph, "count", 0, "counts", Settings.of("count", spec, name -> null));
        opened.add(engine);
        return engine;
    }

    @Test
    void changesReachTheServerOnlyAtCommitInBatchesThenTheVersion() {
        Dynalite server = Dynalite.shared();
        ExternalStoreEngine store = open(server, Map.of());
        ExternalStoreEngine reader = open(server, Map.of("cache-entries", "0"));
        long sentBefore = RequestCounter.sent();
        for (long i = 0; i < 1_000; i++) {
            store.put("k" + i, i);
        }
        store.delete("k7");
        assertThat(RequestCounter.sent()).as("requests sent by 1001 writes").isEqualTo(sentBefore);
        assertThat(store.get("k5")).as("read from the gathered changes").isEqualTo(5L);
        assertThat(store.get("k7")).isNull();
        assertThat(reader.get("k5")).as("on the server before the commit").isNull();
        assertThat(reader.size()).isZero();

        long gets = RequestCounter.sent("GetItem");
        long batches = RequestCounter.sent("BatchWriteItem");
        long puts = RequestCounter.sent("PutItem");
        store.commit(1);

        assertThat(RequestCounter.sent("GetItem") - gets).as("version reads").isEqualTo(1);
        assertThat(RequestCounter.sent("BatchWriteItem") - batches)
                .as("batches of 25")
                .isEqualTo(40);
        assertThat(RequestCounter.sent("PutItem") - puts).as("version writes").isEqualTo(1);
        assertThat(reader.committedVersion()).isEqualTo(1);
        assertThat(reader.get("k999")).isEqualTo(999L);
        assertThat(reader.get("k7")).isNull();
        assertThat(reader.size()).isEqualTo(999);
        assertThat(store.size()).isEqualTo(999);
    }

    @Test
    void aVersionNotAboveTheCommittedOneChangesNothing() {
        Dynalite server = Dynalite.shared();
        ExternalStoreEngine store = open(server, Map.of());
        store.put("a", 1L);
        store.commit(5);

        store.put("a", 2L);
        store.put("b", 2L);
        store.commit(5);
        store.put("a", 3L);
        store.commit(3);

        assertThat(store.committedVersion()).isEqualTo(5);
        assertThat(store.get("a")).isEqualTo(1L);
        assertThat(store.get("b")).isNull();

        store.put("c", 6L);
        store.delete("a");
        store.commit(6);

        ExternalStoreEngine second = open(server, Map.of());
        assertThat(second.committedVersion()).isEqualTo(6);
        assertThat(second.get("a")).isNull();
        assertThat(second.get("c")).isEqualTo(6L);
        assertThat(second.size()).isEqualTo(1);

        second.put("d", 7L);
        second.commit(7);
        long batches = RequestCounter.sent("BatchWriteItem");
        store.put("e", 7L);
        store.commit(7); // the second engine wrote 7 meanwhile: this one's changes are not written at all
        assertThat(RequestCounter.sent("BatchWriteItem")).isEqualTo(batches);
        assertThat(store.committedVersion()).isEqualTo(7);
        assertThat(store.get("d")).as("read from the server, the cache dropped").isEqualTo(7L);
        assertThat(store.get("e")).isNull();
    }

    @Test
    void aCommitKilledBeforeItsVersionIsReplayedWithoutLossAndItsItemsAreMarked() {
        try (Dynalite server = Dynalite.startPersistent()) {
            ExternalStoreEngine store = open(server, Map.of("retry-timeout", "300ms"));
            Map<String, Long> before = new HashMap<>();
            for (long i = 0; i < 100; i++) {
                before.put("k" + i, i);
            }
            before.forEach(store::put);
            store.commit(1);

            Map<String, Long> changes = new HashMap<>();
            for (long i = 0; i < 200; i++) {
                changes.put("k" + i, 1_000 + i);
            }
            changes.forEach(store::put);
            AtomicInteger batches = new AtomicInteger();
            RequestCounter.beforeEachRequest(operation -> {
                if (operation.equals("BatchWriteItem") && batches.incrementAndGet() == 4) {
                    server.stop(); // three batches of 25 written: the process dies here
                }
            });
            assertThatThrownBy(() -> store.commit(2)).hasMessageContaining("could not be reached to commit version 2");
            RequestCounter.beforeEachRequest(operation -> {});
            server.restart();

            Map<Long, Integer> tags = new HashMap<>();
            try (DynamoDbClient raw = rawClient(server)) {
                QueryResponse items = raw.query(q -> q.tableName("sluice_state")
                        .keyConditionExpression("id = :id")
                        .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(graph + "/count/0/counts"))));
                items.items()
                        .forEach(item ->
                                tags.merge(Long.parseLong(item.get("ver").n()), 1, Integer::sum));
            }
            assertThat(tags.get(2L))
                    .as("items written by the interrupted commit, marked with its version")
                    .isEqualTo(75);

            ExternalStoreEngine restarted = open(server, Map.of());
            assertThat(restarted.committedVersion())
                    .as("the commit point was not reached")
                    .isEqualTo(1);
            changes.forEach(restarted::put); // the runtime replays its log beyond version 1
            restarted.commit(2);

            ExternalStoreEngine reader = open(server, Map.of());
            assertThat(reader.committedVersion()).isEqualTo(2);
            assertThat(reader.size()).isEqualTo(200);
            changes.forEach((k, v) -> assertThat(reader.get(k)).as(k).isEqualTo(v));
        }
    }

    /**
     * dynalite, unguarded, ends when a client goes away mid-request — what a worker killed with SIGKILL does — which
     * took the shared server of a whole suite down; {@link Dynalite} starts it with a guard against that.
     */
    @Test
    void aClientGoneMidRequestLeavesTheServerServing() throws Exception {
        try (Dynalite server = Dynalite.start()) {
            for (int i = 0; i < 3; i++) {
                try (java.net.Socket client = new java.net.Socket("127.0.0.1", server.port())) {
                    client.getOutputStream()
                            .write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
                                            + "X-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 1000\r\n\r\n{\"a\":")
                                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    client.getOutputStream().flush();
                    Thread.sleep(100); // the server reads the half request, then the client is gone
                }
            }
            Thread.sleep(300);
            ExternalStoreEngine store = open(server, Map.of("retry-timeout", "300ms"));
            store.put("k", 1L);
            store.commit(1);
            assertThat(store.get("k"))
                    .as("the server, after three clients went away mid-request")
                    .isEqualTo(1L);
        }
    }

    @Test
    void theReadCacheStaysWithinItsEntries() {
        Dynalite server = Dynalite.shared();
        ExternalStoreEngine writer = open(server, Map.of());
        for (int i = 0; i < 300; i++) {
            writer.put(i, "v" + i);
        }
        writer.commit(1);
        ExternalStoreEngine store = open(server, Map.of("cache-entries", "20"));

        long before = RequestCounter.sent("GetItem");
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < 300; i++) {
                assertThat(store.get(i)).isEqualTo("v" + i);
            }
        }
        long wide = RequestCounter.sent("GetItem") - before;
        for (int pass = 0; pass < 3; pass++) {
            for (int i = 0; i < 20; i++) {
                assertThat(store.get(i)).isEqualTo("v" + i);
            }
        }
        long narrow = RequestCounter.sent("GetItem") - before - wide;

        assertThat(wide).as("reads of 300 keys, twice, through a cache of 20").isEqualTo(600);
        assertThat(narrow)
                .as("reads of 20 keys, three times, through a cache of 20")
                .isEqualTo(20);
    }

    @Test
    void aCommitWaitsForAServerThatComesBackInTime() {
        try (Dynalite server = Dynalite.startPersistent()) {
            ExternalStoreEngine store = open(server, Map.of("retry-timeout", "30s"));
            store.put("before", 1L);
            store.commit(1);

            server.stop();
            store.put("during", 2L);
            CompletableFuture<Void> restart = CompletableFuture.runAsync(
                    server::restart, CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS));
            store.commit(2);
            restart.join();

            ExternalStoreEngine second = open(server, Map.of());
            assertThat(second.committedVersion()).isEqualTo(2);
            assertThat(second.get("before")).isEqualTo(1L);
            assertThat(second.get("during")).isEqualTo(2L);
        }
    }

    @Test
    void aCommitGivesUpOnAServerGoneTooLongAndKeepsItsChanges() {
        try (Dynalite server = Dynalite.startPersistent()) {
            ExternalStoreEngine store = open(server, Map.of("retry-timeout", "500ms"));
            store.put("before", 1L);
            store.commit(1);

            server.stop();
            store.put("during", 2L);
            assertThatThrownBy(() -> store.commit(2))
                    .isInstanceOf(SluiceException.class)
                    .hasMessageStartingWith("Store 'counts' of node 'count': dynamodb at 127.0.0.1:" + server.port()
                            + " could not be reached to commit version 2 (1 changes) after ")
                    .hasMessageContaining(" attempts over 500 ms (retry-timeout); ")
                    .hasMessageEndingWith("; the changes not yet committed are kept for the next commit");
            assertThat(store.get("during")).as("still gathered").isEqualTo(2L);

            server.restart();
            store.put("after", 3L);
            store.commit(3);

            ExternalStoreEngine second = open(server, Map.of());
            assertThat(second.committedVersion()).isEqualTo(3);
            assertThat(second.get("during")).isEqualTo(2L);
            assertThat(second.get("after")).isEqualTo(3L);
        }
    }

    @Test
    void aServerThatCannotBeReachedFailsTheOpenWithinItsTimeout() throws IOException {
        int closedPort = ServerProcess.freePort();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(
                        () -> open(null, Map.of("endpoint", "http://127.0.0.1:" + closedPort, "retry-timeout", "1h")))
                .isInstanceOf(SluiceException.class)
                .hasMessageStartingWith("Store 'counts' of node 'count': cannot reach dynamodb at 127.0.0.1:"
                        + closedPort + " within 5000 ms (connect-timeout); ")
                .hasMessageEndingWith("; check 'endpoint' (or AWS_ENDPOINT_URL), 'region' and that the server is up"));

        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            String endpoint = "http://127.0.0.1:" + silent.getLocalPort();
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(() ->
                            open(null, Map.of("endpoint", endpoint, "connect-timeout", "300ms", "retry-timeout", "1h")))
                    .hasMessageStartingWith("Store 'counts' of node 'count': cannot reach dynamodb at 127.0.0.1:"
                            + silent.getLocalPort() + " within 300 ms (connect-timeout); "));
        }
    }

    @Test
    void aMissingTableIsCreatedUnlessTheSettingsSayNot() {
        Dynalite server = Dynalite.shared();
        String table = "t_" + UUID.randomUUID().toString().replace("-", "");
        assertThatThrownBy(() -> open(server, Map.of("table", table, "create-table", "false")))
                .hasMessage("Store 'counts' of node 'count': the dynamodb table '" + table + "' does not exist at"
                        + " 127.0.0.1:" + server.port() + "; create it with partition key 'id' (string) and sort key"
                        + " 'k' (binary), or set 'create-table' to true");

        ExternalStoreEngine store = open(server, Map.of("table", table));
        store.put("k", 1L);
        store.commit(1);
        assertThat(open(server, Map.of("table", table, "create-table", "false")).get("k"))
                .isEqualTo(1L);
    }

    @Test
    void anUnknownSettingIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> open(null, Map.of("tabel", "x")))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Store 'counts' of node 'count': the dynamodb backend has no setting 'tabel'; expected"
                        + " one of [table, region, endpoint, cache-entries, create-table, connect-timeout,"
                        + " retry-timeout]; did you mean 'table'?");
    }

    @Test
    void everyBadSettingIsNamedAtOnce() {
        assertThatThrownBy(() -> open(
                        null,
                        Map.of(
                                "table", "x",
                                "endpoint", "localhost:8000",
                                "create-table", "yes",
                                "cache-entries", "-1",
                                "retry-timeout", "0ms")))
                .hasMessage("Store 'counts' of node 'count': setting 'table' of the dynamodb backend must be a"
                        + " DynamoDB table name, 3 to 255 letters, digits, '_', '-' or '.'; found 'x'\n"
                        + "Store 'counts' of node 'count': setting 'endpoint' of the dynamodb backend must be an"
                        + " http(s) URL such as http://localhost:8000; found 'localhost:8000'\n"
                        + "Store 'counts' of node 'count': setting 'cache-entries' of the dynamodb backend must be a"
                        + " whole number of entries; expected 0 (no cache) to 100000000 but found '-1'\n"
                        + "Store 'counts' of node 'count': setting 'create-table' of the dynamodb backend must be true"
                        + " or false; found 'yes'\n"
                        + "Store 'counts' of node 'count': setting 'retry-timeout' of the dynamodb backend must be a"
                        + " positive duration such as 250ms, 2s, 5m or PT2S; found '0ms'");
    }

    @Test
    void theEndpointAndRegionComeFromTheEnvironmentUnlessSet() {
        StoreSpec spec = StoreSpec.of("counts", "dynamodb", Map.of());
        Settings fromEnv = Settings.of(
                "count", spec, Map.of("AWS_REGION", "eu-west-1", "AWS_ENDPOINT_URL", "http://localhost:4566")::get);
        assertThat(fromEnv.region()).isEqualTo("eu-west-1");
        assertThat(fromEnv.address()).isEqualTo("localhost:4566");
        Settings specific = Settings.of(
                "count",
                spec,
                Map.of("AWS_ENDPOINT_URL", "http://localhost:4566", "AWS_ENDPOINT_URL_DYNAMODB", "https://ddb.local")
                        ::get);
        assertThat(specific.address()).isEqualTo("ddb.local:443");
        Settings none = Settings.of("count", spec, name -> null);
        assertThat(none.table()).isEqualTo("sluice_state");
        assertThat(none.region()).isNull();
    }

    @Test
    void aValueThatIsNotSerializableIsRefusedNamingTheStoreNodeKeyAndType() {
        ExternalStoreEngine store = open(Dynalite.shared(), Map.of());
        assertThatThrownBy(() -> store.put("apple", new Tally()))
                .isInstanceOf(SluiceException.class)
                .hasMessage("Store 'counts' of node 'count': the value of key 'apple' cannot be stored in dynamodb;"
                        + " expected a String, Long, Integer or java.io.Serializable object but found"
                        + " io.sluice.state.dynamodb.DynamoDbStoreTest$Tally, which is not Serializable; make"
                        + " io.sluice.state.dynamodb.DynamoDbStoreTest$Tally implement java.io.Serializable"
                        + " (a record can)");
        assertThatThrownBy(() -> store.put("pear", new Holder("h", new Tally())))
                .hasMessageContaining("found io.sluice.state.dynamodb.DynamoDbStoreTest$Holder holding"
                        + " io.sluice.state.dynamodb.DynamoDbStoreTest$Tally, which is not Serializable");
        assertThat(store.size()).isZero();
    }

    private static DynamoDbClient rawClient(Dynalite server) {
        return DynamoDbClient.builder()
                .region(Region.of(Dynalite.REGION))
                .endpointOverride(URI.create(server.endpoint()))
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
                .build();
    }
}
