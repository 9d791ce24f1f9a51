package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.testkit.ServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice cloud node|publish|subscribe} as a user runs them: two nodes, a publisher and a subscriber. */
@Tag("slow")
class CloudCommandTest {

    @TempDir
    Path dir;

    private final List<Process> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() throws InterruptedException {
        for (Process node : nodes) {
            node.destroy();
            node.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private void node(String id, int port, int statusPort, int peer, Path types) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                Main.class.getName(),
                "cloud",
                "node",
                "--id",
                id,
                "--port",
                "" + port,
                "--peers",
                "localhost:" + peer,
                "--data",
                dir.resolve(id).toString(),
                "--status-port",
                "" + statusPort,
                "--types",
                types.toString()));
        nodes.add(new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(id + ".log").toFile())
                .start());
    }

    private static String status(int statusPort) {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + statusPort + "/status"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (Exception e) {
            return "";
        }
    }

    @Test
    void objectsPublishedAtOneNodeReachASubscriberOfTheOther() throws Exception {
        Path types = Files.writeString(dir.resolve("types.json"), """
                {"Order": {"required": ["id"], "properties": {"id": {"type": "string"}, "amount": {"type": "number"}}}}
                """);
        int portA = ServerProcess.freePort();
        int portB = ServerProcess.freePort();
        int statusA = ServerProcess.freePort();
        int statusB = ServerProcess.freePort();
        node("A", portA, statusA, portB, types);
        node("B", portB, statusB, portA, types);
        await().atMost(Duration.ofMinutes(1))
                .until(() -> status(statusA).contains("\"up\" : true")
                        && status(statusB).contains("\"up\" : true"));

        SluiceProcess.Outcome first = SluiceProcess.run(
                "cloud",
                "publish",
                "--node",
                "localhost:" + portA,
                "--type",
                "Order",
                "--json",
                "{\"id\": \"o-1\", \"amount\": 12.5}");
        SluiceProcess.Outcome bad = SluiceProcess.run(
                "cloud", "publish", "--node", "localhost:" + portA, "--type", "Order", "--json", "{\"id\": 7}");
        SluiceProcess.Outcome second = SluiceProcess.run(
                "cloud", "publish", "--node", "localhost:" + portA, "--type", "Order", "--json", "{\"id\": \"o-2\"}");
        SluiceProcess.Outcome got = SluiceProcess.run(
                "cloud",
                "subscribe",
                "--node",
                "localhost:" + portB,
                "--type",
                "Order",
                "--group",
                "books",
                "--count",
                "2");

        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).startsWith("A-");
        assertThat(bad.exit()).isEqualTo(Main.EXIT_FAILED);
        assertThat(bad.err())
                .contains("sluice: object of type 'Order': field 'id' must be a string but found number 7");
        assertThat(got.exit()).as(got.err()).isZero();
        assertThat(got.out().lines().toList()).containsExactly("{\"id\":\"o-1\",\"amount\":12.5}", "{\"id\":\"o-2\"}");
        assertThat(second.exit()).isZero();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> status(statusA).contains("\"storedTotal\" : 0")
                        && status(statusB).contains("\"storedTotal\" : 0"));
    }
}
