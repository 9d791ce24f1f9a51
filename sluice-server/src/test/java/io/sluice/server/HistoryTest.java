package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.DeploymentStatus;
import io.sluice.ItemTracking;
import io.sluice.NodeKind;
import io.sluice.NodeState;
import io.sluice.NodeStatus;
import io.sluice.Robustness;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The history behind {@code GET /api/history}: a ring of a fixed number of samples, however long a deployment runs. */
class HistoryTest {

    private static final long SECOND = 1_000_000_000L;

    /** A graph that never ends on its own: ticks for as long as it is left running. */
    private static ComputationalGraph ticking() {
        return ComputationalGraph.builder("ticking")
                .start("ticks", Sources.interval(Duration.ofMillis(1), Duration.ZERO))
                .map("double", (Long t) -> t * 2)
                .end("out", Sinks.discard())
                .edge("ticks -> double -> out")
                .robustness(Robustness.confirm())
                .build();
    }

    /** The status a deployment would report after {@code s} seconds of 10 items a second through every node. */
    private static DeploymentStatus statusAt(long s) {
        Map<String, NodeStatus> nodes = new LinkedHashMap<>();
        nodes.put("ticks", node("ticks", NodeKind.START, 0, 10 * s, s % 7));
        nodes.put("double", node("double", NodeKind.PROCESSING, 10 * s, 10 * s, s % 7));
        nodes.put("out", node("out", NodeKind.END, 10 * s, 0, s % 7));
        ItemTracking tracking = new ItemTracking(Robustness.Level.CONFIRM, 10 * s, 10 * s - 3, 0, 0, 0, List.of());
        return new DeploymentStatus(
                "ticking-local-1",
                SystemType.LOCAL,
                DeploymentState.RUNNING,
                nodes,
                Optional.empty(),
                Optional.of(tracking));
    }

    private static NodeStatus node(String id, NodeKind kind, long in, long out, long queued) {
        return new NodeStatus(id, kind, NodeState.RUNNING, 1, in, out, 0, queued, Optional.empty());
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> column(Map<String, Object> view, String node, String figure) {
        return (List<T>)
                ((Map<String, Map<String, Object>>) view.get("nodes")).get(node).get(figure);
    }

    @Test
    void manySamplesInTheRingKeepsItsSizeAndLetsTheOldestGo() throws Exception {
        try (Deployment deployment = ticking().deploySystem(SystemType.LOCAL);
                History history = new History(deployment, 1000, 60)) {
            for (long s = 0; s < 10_000; s++) {
                history.record(s * 1000, s * SECOND, statusAt(s));
                assertThat(history.size()).isEqualTo((int) Math.min(s + 1, 60));
            }

            assertThat(history.next()).isEqualTo(10_000);
            Map<String, Object> view = history.view(0);
            assertThat(view.get("capacity")).isEqualTo(60);
            assertThat(view.get("first")).as("the oldest 9,940 were let go").isEqualTo(9_940L);
            assertThat(view.get("next")).isEqualTo(10_000L);
            List<Long> expectedTimes = new ArrayList<>();
            for (long s = 9_940; s < 10_000; s++) {
                expectedTimes.add(s * 1000);
            }
            assertThat(view.get("times")).isEqualTo(expectedTimes);
            for (String node : List.of("ticks", "double", "out")) {
                for (String figure :
                        List.of("itemsInPerSecond", "itemsOutPerSecond", "errorsPerSecond", "queueDepth")) {
                    assertThat(column(view, node, figure))
                            .as(node + " " + figure)
                            .hasSize(60);
                }
            }
            assertThat(column(view, "double", "itemsInPerSecond")).containsOnly(10.0);
            assertThat(column(view, "double", "queueDepth")).startsWith(9_940L % 7, 9_941L % 7);
            @SuppressWarnings("unchecked")
            Map<String, List<Object>> tracking = (Map<String, List<Object>>) view.get("tracking");
            assertThat(tracking.get("completedPerSecond")).hasSize(60).containsOnly(10.0);
            assertThat(tracking.get("pending")).hasSize(60).containsOnly(3L);

            Map<String, Object> page = history.view(9_990);
            assertThat(page.get("first")).isEqualTo(9_990L);
            assertThat((List<?>) page.get("times")).hasSize(10);
            assertThat((List<?>) history.view(10_000).get("times")).isEmpty();
            assertThat(history.view(5).get("first"))
                    .as("asked for samples let go: from the oldest held")
                    .isEqualTo(9_940L);
        }
    }

    @Test
    void optionsRefuseAHistoryTooFineOrTooLong() {
        assertThatThrownBy(() -> ServerOptions.port(0).withHistory(Duration.ofMillis(5), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ServerOptions.historyInterval: must be ≥ 10 ms, found PT0.005S");
        assertThatThrownBy(() -> ServerOptions.port(0).withHistory(Duration.ofSeconds(1), 86_401))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ServerOptions.historySamples: must be from 1 to 86400, found 86401");
        assertThat(ServerOptions.port(0).historySamples()).isEqualTo(600);
        assertThat(ServerOptions.port(0).historyInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aRateThatCannotBeKnownIsLeftEmpty() throws Exception {
        try (Deployment deployment = ticking().deploySystem(SystemType.LOCAL);
                History history = new History(deployment, 1000, 10)) {
            history.record(0, 0, statusAt(5));
            history.record(1000, SECOND, statusAt(6));
            history.record(2000, 2 * SECOND, statusAt(2)); // counters went back, as a restarted worker's may
            history.record(3000, 3 * SECOND, statusAt(3));

            assertThat(column(history.view(0), "double", "itemsOutPerSecond"))
                    .as("the first sample has nothing before it; a counter that went back has no rate")
                    .containsExactly(null, 10.0, null, 10.0);
        }
    }

    @Test
    void aServerSamplingALongRunningDeploymentKeepsOnlyItsLatestSamples() throws Exception {
        ObjectMapper json = new ObjectMapper();
        HttpClient http = HttpClient.newHttpClient();
        try (Deployment deployment = ticking().deploySystem(SystemType.LOCAL);
                SluiceServer server =
                        SluiceServer.start(deployment, ServerOptions.port(0).withHistory(Duration.ofMillis(10), 20))) {
            History history = server.history();
            await("ten rings' worth of samples")
                    .atMost(Duration.ofMinutes(2))
                    .until(history::next, next -> next >= 200);

            assertThat(history.size()).isEqualTo(20);
            JsonNode view = json.readTree(http.send(
                            HttpRequest.newBuilder(server.uri().resolve("/api/history"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            assertThat(view.get("capacity").asInt()).isEqualTo(20);
            assertThat(view.get("interval").asLong()).isEqualTo(10);
            assertThat(view.get("sampling").asBoolean()).isTrue();
            assertThat(view.get("times")).hasSize(20);
            assertThat(view.get("next").asLong() - view.get("first").asLong()).isEqualTo(20);
            assertThat(view.get("first").asLong()).as("the oldest were let go").isGreaterThanOrEqualTo(180);
            assertThat(view.get("nodes").get("double").get("itemsInPerSecond")).hasSize(20);
            assertThat(view.get("tracking").get("pending")).hasSize(20);
        }
    }

    @Test
    void samplingStopsOnceTheDeploymentHasEndedSoTheRingKeepsTheRun() throws Exception {
        ComputationalGraph bounded = ComputationalGraph.builder("bounded")
                .start("numbers", Sources.collection(List.of(1, 2, 3)))
                .end("out", Sinks.collect())
                .edge("numbers -> out")
                .build();
        try (Deployment deployment = bounded.deploySystem(SystemType.LOCAL);
                SluiceServer server =
                        SluiceServer.start(deployment, ServerOptions.port(0).withHistory(Duration.ofMillis(10), 20))) {
            assertThat(deployment.awaitCompletion(Duration.ofSeconds(30))).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> !server.history().sampling());

            long taken = server.history().next();
            server.history().view(0);
            assertThat(server.history().view(0).get("sampling")).isEqualTo(false);
            assertThat(server.history().next()).isEqualTo(taken);
            assertThat(server.history().view(0).get("tracking"))
                    .as("none under robustness NONE")
                    .isNull();
        }
    }
}
