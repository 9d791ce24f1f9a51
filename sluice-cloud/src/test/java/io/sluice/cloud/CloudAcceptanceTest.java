package io.sluice.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.testkit.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance test of the distributed-processing-cloud notes, every node and client a separate OS process: two
 * nodes connected to each other, two object types, two clients on different nodes, each subscribing to one type and
 * publishing the other — before the other client has subscribed.
 */
@Tag("slow")
class CloudAcceptanceTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final List<ChildJvm> processes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        processes.forEach(ChildJvm::close);
    }

    private ChildJvm start(String name, Class<?> main, String... args) {
        ChildJvm process = ChildJvm.start(dir.resolve(name + ".log"), List.of(), main, args);
        processes.add(process);
        return process;
    }

    @Test
    void clientsOnDifferentNodesGetTheObjectsOfTheirTypeIncludingThosePushedBeforeTheySubscribed() throws Exception {
        // given two nodes, each naming the other as its peer, and two types
        Path types = Status.typesFile(dir);
        int portA = ServerProcess.freePort();
        int portB = ServerProcess.freePort();
        int statusA = ServerProcess.freePort();
        int statusB = ServerProcess.freePort();
        ChildJvm nodeA = start(
                "node-a",
                NodeMain.class,
                "A",
                "" + portA,
                "" + statusA,
                dir.resolve("a").toString(),
                types.toString(),
                "localhost:" + portB);
        ChildJvm nodeB = start(
                "node-b",
                NodeMain.class,
                "B",
                "" + portB,
                "" + statusB,
                dir.resolve("b").toString(),
                types.toString(),
                "localhost:" + portA);
        await("the nodes connected to each other")
                .atMost(PATIENCE)
                .until(() -> Status.peerUp(statusA) && Status.peerUp(statusB));

        // when client 1 at A pushes Invoices while nobody subscribes to them, then subscribes to Orders
        ChildJvm client1 = start("client-1", ClientMain.class, "localhost:" + portA, "Invoice", "5", "Order", "orders");
        await("client 1 subscribed").atMost(PATIENCE).until(() -> !client1.linesStartingWith("SUBSCRIBED")
                .isEmpty());
        List<String> invoices = client1.linesStartingWith("PUBLISHED");
        assertThat(Status.of(statusA).path("stored").path("Invoice").asInt())
                .as("Invoices held at A while no client anywhere wants them")
                .isEqualTo(5);
        // and client 2 at B pushes Orders, which only a client of A wants, then subscribes to Invoices
        ChildJvm client2 =
                start("client-2", ClientMain.class, "localhost:" + portB, "Order", "5", "Invoice", "invoices");

        // then each client gets exactly the objects the other pushed: A's Invoices travel to B, B's Orders to A
        await("client 2 got the Invoices pushed at A before it subscribed")
                .atMost(PATIENCE)
                .untilAsserted(() -> assertThat(ids(client2.linesStartingWith("GOT")))
                        .containsExactlyInAnyOrderElementsOf(invoices));
        List<String> orders = client2.linesStartingWith("PUBLISHED");
        assertThat(orders).hasSize(5);
        await("client 1 got the Orders pushed at B").atMost(PATIENCE).untilAsserted(() -> assertThat(
                        ids(client1.linesStartingWith("GOT")))
                .containsExactlyInAnyOrderElementsOf(orders));
        assertThat(client1.linesStartingWith("GOT")).allMatch(l -> l.contains("\"id\":\"order-"));
        assertThat(client2.linesStartingWith("GOT")).allMatch(l -> l.contains("\"id\":\"invoice-"));
        // and once acknowledged, no node holds them any more
        await("acknowledged objects are dropped")
                .atMost(PATIENCE)
                .until(() -> Status.of(statusA).path("storedTotal").asInt(-1) == 0
                        && Status.of(statusB).path("storedTotal").asInt(-1) == 0);
        assertThat(Status.of(statusA).path("counters").path("forwarded").asInt())
                .isEqualTo(5);
        assertThat(Status.of(statusB).path("counters").path("forwarded").asInt())
                .isEqualTo(5);
        assertThat(nodeA.alive() && nodeB.alive()).isTrue();
    }

    private static List<String> ids(List<String> got) {
        return got.stream().map(l -> l.substring(0, l.indexOf(' '))).toList();
    }
}
