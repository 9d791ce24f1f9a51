package io.sluice.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.testkit.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node killed with kill -9 while it holds objects not delivered yet, some of them delivered and not acknowledged,
 * restarted on the same data directory: every object comes, none that was acknowledged comes twice. The power check
 * runs the same node without its store and shows the test would notice.
 */
@Tag("slow")
class CloudCrashTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int OBJECTS = 300;
    private static final int ACKED_BEFORE_KILL = 100;

    @TempDir
    Path dir;

    private final List<ChildJvm> processes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        processes.forEach(ChildJvm::close);
    }

    private ChildJvm node(String store, int port, int statusPort, Path types) {
        ChildJvm node = ChildJvm.start(
                dir.resolve("node.log"),
                List.of("-Dsluice.cloud.store=" + store),
                NodeMain.class,
                "A",
                "" + port,
                "" + statusPort,
                dir.resolve("a").toString(),
                types.toString());
        processes.add(node);
        await("node A answers").atMost(PATIENCE).until(() -> !Status.of(statusPort)
                .isMissingNode());
        return node;
    }

    /** Publishes, lets a subscriber acknowledge some, kills the node; what the restarted node holds is returned. */
    private Set<String> acknowledgedBeforeKill(String store, List<String> published, int port, int statusPort)
            throws Exception {
        Path types = Status.typesFile(dir);
        ChildJvm node = node(store, port, statusPort, types);
        Set<String> acked = ConcurrentHashMap.newKeySet();
        try (CloudClient client = CloudClient.connect("localhost:" + port)) {
            List<CompletableFuture<String>> ids = new ArrayList<>();
            for (int i = 0; i < OBJECTS; i++) {
                ids.add(client.publish("Order", Map.of("id", "o-" + i, "amount", i)));
            }
            ids.forEach(id -> published.add(id.join()));
            // a subscriber acknowledges the first objects and holds the next ones without acknowledging them
            AtomicInteger seen = new AtomicInteger();
            Subscription subscription = client.subscribe("Order", "billing", object -> {
                if (seen.incrementAndGet() <= ACKED_BEFORE_KILL) {
                    acked.add(object.id());
                    object.ack();
                }
            });
            await().atMost(PATIENCE)
                    .until(() -> Status.of(statusPort)
                                    .path("counters")
                                    .path("acknowledged")
                                    .asInt()
                            == ACKED_BEFORE_KILL);
            assertThat(seen.get()).isGreaterThan(ACKED_BEFORE_KILL);
            // when the node is killed while holding delivered-but-unacknowledged and undelivered objects
            node.kill();
            subscription.close();
        }
        return acked;
    }

    @Test
    void aNodeKilledAndRestartedDeliversEveryObjectAndNoAcknowledgedOneTwice() throws Exception {
        int port = ServerProcess.freePort();
        int statusPort = ServerProcess.freePort();
        List<String> published = new ArrayList<>();
        Set<String> acked = acknowledgedBeforeKill("log", published, port, statusPort);

        // then, restarted on the same data directory, it holds the rest and delivers each once
        node("log", port, statusPort, dir.resolve("types.json"));
        assertThat(Status.of(statusPort).path("storedTotal").asInt()).isEqualTo(OBJECTS - ACKED_BEFORE_KILL);
        List<String> after = Collections.synchronizedList(new ArrayList<>());
        try (CloudClient client = CloudClient.connect("localhost:" + port)) {
            client.subscribe("Order", "billing", object -> {
                after.add(object.id());
                object.ack();
            });
            await().atMost(PATIENCE).until(() -> after.size() >= OBJECTS - ACKED_BEFORE_KILL);
            await().atMost(PATIENCE)
                    .until(() -> Status.of(statusPort).path("storedTotal").asInt() == 0);
        }
        assertThat(after).doesNotHaveDuplicates().doesNotContainAnyElementsOf(acked);
        Set<String> all = new HashSet<>(acked);
        all.addAll(after);
        assertThat(all).containsExactlyInAnyOrderElementsOf(published);
    }

    @Test
    void powerCheckWithoutItsStoreARestartedNodeHoldsNothing() throws Exception {
        int port = ServerProcess.freePort();
        int statusPort = ServerProcess.freePort();
        acknowledgedBeforeKill("none", new ArrayList<>(), port, statusPort);

        node("none", port, statusPort, dir.resolve("types.json"));

        assertThat(Status.of(statusPort).path("storedTotal").asInt())
                .as("without the store the objects are lost, so the crash test above would fail")
                .isZero();
    }

    @Test
    void aPeerKilledWhileObjectsAreForwardedToItGetsThemAllOnceItIsBack() throws Exception {
        Path types = Status.typesFile(dir);
        int portA = ServerProcess.freePort();
        int portB = ServerProcess.freePort();
        int statusA = ServerProcess.freePort();
        int statusB = ServerProcess.freePort();
        processes.add(ChildJvm.start(
                dir.resolve("node-a.log"),
                List.of(),
                NodeMain.class,
                "A",
                "" + portA,
                "" + statusA,
                dir.resolve("a").toString(),
                types.toString(),
                "localhost:" + portB));
        ChildJvm nodeB = ChildJvm.start(
                dir.resolve("node-b.log"),
                List.of(),
                NodeMain.class,
                "B",
                "" + portB,
                "" + statusB,
                dir.resolve("b").toString(),
                types.toString());
        processes.add(nodeB);
        await().atMost(PATIENCE).until(() -> Status.peerUp(statusA));
        Set<String> got = ConcurrentHashMap.newKeySet();
        List<String> published = new ArrayList<>();
        try (CloudClient publisher = CloudClient.connect("localhost:" + portA)) {
            try (CloudClient subscriber = CloudClient.connect("localhost:" + portB)) {
                subscriber.subscribe("Order", "billing", object -> {
                    got.add(object.id());
                    object.ack();
                });
                await().atMost(PATIENCE)
                        .until(() -> Status.of(statusA).path("peers").toString().contains("Order/billing"));
                List<CompletableFuture<String>> ids = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    ids.add(publisher.publish("Order", Map.of("id", "o-" + i, "amount", i)));
                }
                await().atMost(PATIENCE).until(() -> got.size() >= 100);

                // when B is killed while A is forwarding, and A goes on taking objects
                nodeB.kill();
                for (int i = 1000; i < 2000; i++) {
                    ids.add(publisher.publish("Order", Map.of("id", "o-" + i, "amount", i)));
                }
                ids.forEach(id -> published.add(id.join()));
            }
            assertThat(Status.of(statusA).path("storedTotal").asInt()).isPositive();

            // then, B restarted on its data and its subscriber back, every object arrives
            processes.add(ChildJvm.start(
                    dir.resolve("node-b.log"),
                    List.of(),
                    NodeMain.class,
                    "B",
                    "" + portB,
                    "" + statusB,
                    dir.resolve("b").toString(),
                    types.toString()));
            await().atMost(PATIENCE).until(() -> !Status.of(statusB).isMissingNode());
            try (CloudClient subscriber = CloudClient.connect("localhost:" + portB)) {
                subscriber.subscribe("Order", "billing", object -> {
                    got.add(object.id());
                    object.ack();
                });
                await().atMost(PATIENCE).untilAsserted(() -> assertThat(got).containsAll(published));
                await().atMost(PATIENCE)
                        .until(() -> Status.of(statusA).path("storedTotal").asInt() == 0
                                && Status.of(statusB).path("storedTotal").asInt() == 0);
            }
        }
        assertThat(got).hasSize(2000);
    }
}
