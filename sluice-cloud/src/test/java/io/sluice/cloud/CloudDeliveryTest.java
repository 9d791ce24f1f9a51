package io.sluice.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.testkit.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delivery rules and bad input, on nodes in this JVM: groups, competing members, redelivery, errors, a peer down. */
class CloudDeliveryTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    record Order(String id, double amount) {}

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(open);
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    private <T extends AutoCloseable> T keep(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private CloudNode node(String id, int port, String... peers) {
        return keep(CloudNode.start(CloudNodeOptions.of(id, dir.resolve(id))
                .withPort(port)
                .withPeers(List.of(peers))
                .withTypes(List.of(ObjectType.of("Order", Order.class)))));
    }

    private List<String> publish(CloudClient client, int count) {
        List<CompletableFuture<String>> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            answers.add(client.publish("Order", new Order("o-" + i, i)));
        }
        return answers.stream().map(CompletableFuture::join).toList();
    }

    @Test
    void everyGroupGetsEachObjectAndTheMembersOfAGroupShareThem() {
        CloudNode node = node("A", 0);
        CloudClient client = keep(CloudClient.connect(node.address()));
        Map<String, List<String>> got = new ConcurrentHashMap<>();
        for (String member : List.of("billing-1", "billing-2", "audit-1")) {
            String group = member.substring(0, member.indexOf('-'));
            keep(client.subscribe("Order", group, object -> {
                got.computeIfAbsent(member, m -> Collections.synchronizedList(new ArrayList<>()))
                        .add(object.id());
                object.ack();
            }));
        }

        List<String> ids = publish(client, 100);

        await().atMost(PATIENCE).until(() -> (int) node.status().get("storedTotal") == 0);
        assertThat(got.get("audit-1")).containsExactlyInAnyOrderElementsOf(ids);
        List<String> billing = new ArrayList<>(got.get("billing-1"));
        billing.addAll(got.get("billing-2"));
        assertThat(billing).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(got.get("billing-1")).isNotEmpty();
        assertThat(got.get("billing-2")).isNotEmpty();
    }

    @Test
    void objectsASubscriberDidNotAcknowledgeGoToAnotherMemberWhenItDisconnects() {
        CloudNode node = node("A", 0);
        CloudClient publisher = keep(CloudClient.connect(node.address()));
        List<String> ids = publish(publisher, 50);
        // a member that takes every object and acknowledges none, then its connection drops mid-stream
        CloudClient careless = CloudClient.connect(node.address());
        Set<String> taken = ConcurrentHashMap.newKeySet();
        careless.subscribe("Order", "billing", object -> taken.add(object.id()));
        await().atMost(PATIENCE).until(() -> taken.size() == 50);
        Set<String> got = ConcurrentHashMap.newKeySet();
        keep(publisher.subscribe("Order", "billing", object -> {
            got.add(object.id());
            object.ack();
        }));

        careless.close();

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(got).containsExactlyInAnyOrderElementsOf(ids));
        await().atMost(PATIENCE).until(() -> (int) node.status().get("storedTotal") == 0);
    }

    @Test
    void anObjectThatDoesNotMatchItsTypeIsRefusedNamingTheField() {
        CloudNode node = node("A", 0);
        CloudClient client = keep(CloudClient.connect(node.address()));

        assertThatThrownBy(() -> client.publish("Order", Map.of("id", "o-1", "amount", "ten"))
                        .join())
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOf(InvalidObjectException.class)
                .hasMessage("object of type 'Order': field 'amount' must be a number but found string \"ten\"")
                .extracting(e -> ((InvalidObjectException) e).field())
                .isEqualTo("amount");
        assertThatThrownBy(() -> client.publish("Order", Map.of("amount", 3)).join())
                .cause()
                .hasMessage(
                        "object of type 'Order': field 'id' is required but missing; required fields: [id, amount]");
        // the stream goes on: a good object after bad ones is stored
        assertThat(client.publish("Order", new Order("o-2", 2)).join()).startsWith("A-");
        assertThat(node.status().get("counters")).asString().contains("refused=2");
    }

    @Test
    void anUnknownTypeIsRefusedNamingTheKnownOnes() {
        CloudNode node = node("A", 0);
        CloudClient client = keep(CloudClient.connect(node.address()));

        assertThatThrownBy(() -> client.publish("Ordr", Map.of("id", "o-1")).join())
                .cause()
                .hasMessage("type 'Ordr': unknown at cloud node 'A'; known types: [Order]; define it first"
                        + " (CloudClient.define, or the node's --types file)");
        assertThatThrownBy(() -> client.subscribe("Ordr", "g", o -> {}))
                .isInstanceOf(CloudException.class)
                .hasMessage("type 'Ordr': unknown at cloud node 'A'; known types: [Order]; define it first"
                        + " (CloudClient.define, or the node's --types file)");
    }

    @Test
    void aTypeDefinedByAClientIsCheckedAndPassedOnToPeers() {
        int portB = ServerProcess.freePort();
        CloudNode a = node("A", 0, "localhost:" + portB);
        CloudNode b = node("B", portB);
        CloudClient client = keep(CloudClient.connect(a.address()));

        client.define(ObjectType.of("Invoice", Map.of("total", FieldType.INTEGER), List.of("total")));

        assertThatThrownBy(() -> client.publish("Invoice", Map.of("total", 1.5)).join())
                .cause()
                .hasMessage("object of type 'Invoice': field 'total' must be an integer but found number 1.5");
        await().atMost(PATIENCE).until(() -> b.status().get("types").toString().contains("Invoice"));
        assertThatThrownBy(() -> client.define(ObjectType.of("Invoice", Map.of("total", FieldType.STRING), List.of())))
                .isInstanceOf(CloudException.class)
                .hasMessageStartingWith("type 'Invoice': already defined at cloud node 'A' with another schema;");
    }

    @Test
    void publishingWorksWhileAPeerIsDownAndForwardingResumesWhenItIsBack() {
        int portB = ServerProcess.freePort();
        CloudNode a = node("A", 0, "localhost:" + portB);
        CloudClient publisher = keep(CloudClient.connect(a.address()));
        // a subscriber that B had before it went down, so A owes B's group the objects
        CloudNode b = CloudNode.start(CloudNodeOptions.of("B", dir.resolve("B"))
                .withPort(portB)
                .withTypes(List.of(ObjectType.of("Order", Order.class))));
        await().atMost(PATIENCE).until(() -> a.status().get("peers").toString().contains("up=true"));
        try (CloudClient early = CloudClient.connect(b.address())) {
            early.subscribe("Order", "billing", o -> {});
            await().atMost(PATIENCE)
                    .until(() -> a.status().get("groups").toString().contains("billing"));
        }
        b.close();
        await().atMost(PATIENCE).until(() -> a.status().get("peers").toString().contains("up=false"));

        List<String> ids = publish(publisher, 20);

        assertThat((int) a.status().get("storedTotal")).isEqualTo(20);
        CloudNode back = node("B", portB);
        CloudClient subscriber = keep(CloudClient.connect(back.address()));
        Set<String> got = ConcurrentHashMap.newKeySet();
        keep(subscriber.subscribe("Order", "billing", object -> {
            got.add(object.id());
            object.ack();
        }));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(got).containsExactlyInAnyOrderElementsOf(ids));
        await().atMost(PATIENCE).until(() -> (int) a.status().get("storedTotal") == 0);
    }

    @Test
    void aRecordTypeChecksTheJsonForm() {
        ObjectType order = ObjectType.of("Order", Order.class);

        assertThat(order.toSchema().toString())
                .isEqualTo("{\"type\":\"object\",\"required\":[\"id\",\"amount\"],"
                        + "\"properties\":{\"id\":{\"type\":\"string\"},\"amount\":{\"type\":\"number\"}}}");
        JsonNode schema = order.toSchema();
        assertThat(ObjectType.fromSchema("Order", schema)).isEqualTo(order);
        assertThatThrownBy(
                        () -> order.validate(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode()))
                .hasMessage("object of type 'Order': field '(root)' must be a JSON object but found array []");
    }

    @Test
    void aClientWithoutTheNodesTokenIsRefused() {
        CloudNode node = keep(CloudNode.start(CloudNodeOptions.of("T", dir.resolve("T"))
                .withToken("s3cret")
                .withTypes(List.of(ObjectType.of("Order", Order.class)))));
        CloudClient stranger = keep(CloudClient.connect(node.address(), "guess"));
        CloudClient friend = keep(CloudClient.connect(node.address(), "s3cret"));

        assertThatThrownBy(() -> stranger.publish("Order", new Order("o", 1)).join())
                .cause()
                .hasMessageContaining("cloud node 'T': wrong token; expected the bearer token the node was started"
                        + " with (--token)");
        assertThat(friend.publish("Order", new Order("o", 1)).join()).startsWith("T-");
    }

    @Test
    void theLogIsRewrittenWhileTheNodeRunsAndKeepsWhatIsStillOwed() throws Exception {
        System.setProperty("sluice.cloud.compactAfter", "100");
        List<String> held;
        try (CloudNode node = CloudNode.start(CloudNodeOptions.of("A", dir.resolve("A"))
                        .withTypes(List.of(ObjectType.of("Order", Order.class))));
                CloudClient client = CloudClient.connect(node.address())) {
            // objects nobody has asked for yet, held through every rewrite
            held = publish(client, 300);
            // and a stream of others, each stored and acknowledged, which only grows the log
            client.define(ObjectType.of("Tick", Map.of("n", FieldType.INTEGER), List.of("n")));
            client.subscribe("Tick", "t", CloudObject::ack);
            List<CompletableFuture<String>> ticks = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                ticks.add(client.publish("Tick", Map.of("n", i)));
            }
            ticks.forEach(CompletableFuture::join);
            await().atMost(PATIENCE).until(() -> (int) node.status().get("storedTotal") == 300);
            await().atMost(PATIENCE)
                    .until(() -> !node.status().get("counters").toString().contains("compactions=0"));
        } finally {
            System.clearProperty("sluice.cloud.compactAfter");
        }
        assertThat(java.nio.file.Files.size(dir.resolve("A").resolve("objects.log")))
                .as("the log holds the 300 held objects and what came since the last rewrite (at most four entries"
                        + " an object), not the 2,000 served: two lines of 50 to 100 bytes each")
                .isLessThan(200_000);

        CloudNode restarted = node("A", 0);
        Set<String> got = ConcurrentHashMap.newKeySet();
        keep(keep(CloudClient.connect(restarted.address())).subscribe("Order", "billing", object -> {
            got.add(object.id());
            object.ack();
        }));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(got).containsExactlyInAnyOrderElementsOf(held));
    }
}
