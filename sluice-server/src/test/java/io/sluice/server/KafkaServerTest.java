package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.kafka.KafkaOptions;
import io.sluice.testkit.KafkaBroker;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The same API serving a KAFKA deployment: status from its workers, results from its results topic, state from its
 * changelogs.
 */
class KafkaServerTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private JsonNode get(SluiceServer server, String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(server.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }

    @Test
    void servesStatusAndResultsOfAKafkaDeployment() throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("served")
                .start("numbers", Sources.collection(List.of(1, 2, 3, 4, 5)))
                .map("square", (Integer i) -> i * i)
                .stores("squares")
                .end("out", Sinks.collect())
                .edge("numbers -> square -> out")
                .build();
        KafkaOptions options =
                KafkaOptions.of(KafkaBroker.shared().bootstrapServers()).withDeleteTopicsOnClose(true);

        try (Deployment deployment = graph.deploy(SystemType.KAFKA, options);
                SluiceServer server = SluiceServer.start(deployment, ServerOptions.port(0))) {
            assertThat(deployment.awaitCompletion(Duration.ofSeconds(60))).isTrue();

            JsonNode nodes = get(server, "/api/nodes");
            assertThat(nodes.get("system").asText()).isEqualTo("KAFKA");
            assertThat(nodes.get("state").asText()).isEqualTo("COMPLETED");
            assertThat(nodes.get("nodes").get(1).get("itemsIn").asInt()).isEqualTo(5);
            JsonNode results = get(server, "/api/nodes/out/results");
            assertThat(results.get("total").asInt()).isEqualTo(5);
            assertThat(results.get("items").toString()).contains("1", "4", "9", "16", "25");
            assertThat(get(server, "/api/graph").get("system").asText()).isEqualTo("KAFKA");
            JsonNode state = get(server, "/api/nodes/square/state/squares");
            assertThat(state.get("total").asInt())
                    .as("read from the changelog, which nothing wrote")
                    .isZero();
            assertThat(state.get("entries")).isEmpty();

            // The history samples a KAFKA deployment's status as any other, and stops once it has seen it end.
            await().atMost(Duration.ofSeconds(60)).until(() -> !server.history().sampling());
            JsonNode history = get(server, "/api/history");
            assertThat(history.get("sampling").asBoolean()).isFalse();
            assertThat(history.get("times").size()).isPositive();
            JsonNode square = history.get("nodes").get("square");
            assertThat(square.get("queueDepth")
                            .get(square.get("queueDepth").size() - 1)
                            .isNumber())
                    .as("consumer lag, sampled")
                    .isTrue();
        }
    }
}
