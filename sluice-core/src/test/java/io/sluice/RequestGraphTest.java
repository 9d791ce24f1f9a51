package io.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RequestGraphTest {

    /** The context of a request. */
    record Request(String id, int userId) {}

    @Test
    void tenIndependentNodesWaitingOnIoRunTogether() {
        CountDownLatch allStarted = new CountDownLatch(10);
        RequestGraph.Builder<Request> builder = RequestGraph.builder("fanout");
        for (int i = 0; i < 10; i++) {
            int n = i;
            builder.node("io" + i, (request, in) -> {
                allStarted.countDown();
                // Ran one after another, the first node would wait here until the latch gives up.
                if (!allStarted.await(5, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the other nodes did not start while this one waited");
                }
                Thread.sleep(100);
                return n;
            });
        }
        RequestGraph<Request> graph = builder.build();

        Instant started = Instant.now();
        RequestResult result = graph.evaluate(new Request("r1", 7));
        Duration took = Duration.between(started, Instant.now());

        assertThat(result.outputs().values()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(took)
                .as("ten 100 ms waits together, not one after another (1 s)")
                .isLessThan(Duration.ofMillis(900));
    }

    @Test
    void diamondGivesTheJoinBothOutputsByName() {
        RequestGraph<Request> graph = RequestGraph.<Request>builder("diamond")
                .node("a", (request, in) -> request.userId())
                .node("b", (request, in) -> in.<Integer>get("a") * 10, "a")
                .node("c", (request, in) -> "user-" + in.get("a"), "a")
                .node("d", (request, in) -> in.get("c") + ":" + in.get("b"), "b", "c")
                .build();

        RequestResult result = graph.evaluate(new Request("r", 4));

        assertThat(result.<String>output("d")).isEqualTo("user-4:40");
        assertThat(result.outputs())
                .containsExactly(
                        Map.entry("a", 4), Map.entry("b", 40), Map.entry("c", "user-4"), Map.entry("d", "user-4:40"));
        assertThat(graph.leaves()).containsExactly("d");
        assertThat(result.merged()).containsExactly(Map.entry("d", "user-4:40"));
    }

    /** A node written as a class: parents by annotation, the context by type. */
    public static final class Greeting {
        public String load(Request request, @From("name") String name, @From("count") Integer count) {
            return "hello " + name + " #" + count + " (" + request.id() + ")";
        }
    }

    @Test
    void annotatedParametersReceiveTheirParentsOutputs() {
        RequestGraph<Request> graph = RequestGraph.<Request>builder("annotated")
                .node("name", (request, in) -> "ada")
                .node("count", (request, in) -> 3)
                .node("greeting", new Greeting())
                .build();

        assertThat(graph.evaluate(new Request("r9", 1)).<String>output("greeting"))
                .isEqualTo("hello ada #3 (r9)");
        assertThat(graph.steps().get(2).parents()).containsExactly("name", "count");
    }

    @Test
    void misspeltParentNamesBothNodes() {
        assertThatThrownBy(() -> RequestGraph.<Request>builder("typo")
                        .node("geo", (request, in) -> "x")
                        .node("page", (request, in) -> in.get("goe"), "goe")
                        .build())
                .isInstanceOf(InvalidGraphException.class)
                .hasMessage("Invalid graph 'typo': Node 'page' reads from 'goe', which is not defined; defined nodes:"
                        + " [geo, page]; did you mean 'geo'?");
    }

    public static final class Misspelt {
        public String load(@From("nmae") String name) {
            return name;
        }
    }

    @Test
    void misspeltAnnotationIsCaughtAtBuildTime() {
        assertThatThrownBy(() -> RequestGraph.<Request>builder("typo2")
                        .node("name", (request, in) -> "ada")
                        .node("show", new Misspelt())
                        .build())
                .hasMessage("Invalid graph 'typo2': Node 'show' reads from 'nmae', which is not defined; defined"
                        + " nodes: [name, show]; did you mean 'name'?");
    }

    @Test
    void cyclesAndObjectsWithoutLoadAreRefused() {
        assertThatThrownBy(() -> RequestGraph.<Request>builder("loop")
                        .node("a", (request, in) -> 1, "b")
                        .node("b", (request, in) -> 2, "a")
                        .build())
                .hasMessage("Invalid graph 'loop': Cycle a -> b -> a; a graph must be acyclic: remove one of these"
                        + " parents");
        assertThatThrownBy(() -> RequestGraph.<Request>builder("noload").node("x", new Object()))
                .hasMessage("Invalid graph 'noload': Node 'x': expected one public method 'load' on java.lang.Object"
                        + " but found 0; declare load(context, @From(\"parent\") value, …), or pass a (context, inputs)"
                        + " -> … lambda");
    }

    @Test
    void failingNodeFailsTheRequestAndCancelsTheOthers() throws Exception {
        AtomicBoolean slowInterrupted = new AtomicBoolean();
        CountDownLatch slowRunning = new CountDownLatch(1);
        RequestGraph<Request> graph = RequestGraph.<Request>builder("failing")
                .node("slow", (request, in) -> {
                    slowRunning.countDown();
                    try {
                        Thread.sleep(10_000);
                    } catch (InterruptedException e) {
                        slowInterrupted.set(true);
                        throw e;
                    }
                    return "too late";
                })
                .node("broken", (request, in) -> {
                    slowRunning.await();
                    throw new IllegalStateException("backend said no");
                })
                .node("page", (request, in) -> "never", "slow", "broken")
                .build();

        assertThatThrownBy(() -> graph.evaluate(new Request("r", 1)))
                .isInstanceOf(RequestFailedException.class)
                .hasMessage("Request to graph 'failing' failed: node 'broken' failed: IllegalStateException: backend"
                        + " said no")
                .hasCauseInstanceOf(IllegalStateException.class)
                .satisfies(
                        e -> assertThat(((RequestFailedException) e).nodeId()).contains("broken"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilTrue(slowInterrupted);
    }

    @Test
    void nodeTimeoutFailsTheRequestNamingTheNode() {
        RequestGraph<Request> graph = RequestGraph.<Request>builder("slowpoke")
                .node("fast", (request, in) -> 1)
                .node("slow", (request, in) -> {
                    Thread.sleep(10_000);
                    return 2;
                })
                .timeout(Duration.ofMillis(100))
                .build();

        assertThatThrownBy(() -> graph.evaluate(new Request("r", 1)))
                .hasMessage("Request to graph 'slowpoke' failed: node 'slow' timed out after 100 ms");
    }

    @Test
    void requestTimeoutNamesTheUnfinishedNodes() {
        RequestGraph<Request> graph = RequestGraph.<Request>builder("stuck")
                .node("stuck", (request, in) -> {
                    Thread.sleep(10_000);
                    return 1;
                })
                .node("after", (request, in) -> 2, "stuck")
                .node("quick", (request, in) -> 3)
                .build();

        assertThatThrownBy(() -> graph.evaluate(new Request("r", 1), Duration.ofMillis(100)))
                .isInstanceOf(RequestFailedException.class)
                .hasMessage("Request to graph 'stuck' timed out after 100 ms; unfinished nodes: [stuck, after]")
                .satisfies(
                        e -> assertThat(((RequestFailedException) e).nodeId()).isEmpty());
    }

    @Test
    void optionalNodeThatFailsGivesAnEmptyOutputAndTheRestGoesOn() {
        RequestGraph<Request> graph = RequestGraph.<Request>builder("optional")
                .node("ads", (request, in) -> {
                    throw new IllegalStateException("ad server down");
                })
                .optional()
                .node("slowAds", (request, in) -> {
                    Thread.sleep(10_000);
                    return "late";
                })
                .timeout(Duration.ofMillis(50))
                .optional()
                .node("content", (request, in) -> "article")
                .node(
                        "page",
                        (request, in) -> in.get("content") + (in.has("ads") ? " + ads" : " without ads"),
                        "content",
                        "ads",
                        "slowAds")
                .build();

        RequestResult result = graph.evaluate(new Request("r", 1));

        assertThat(result.<String>output("page")).isEqualTo("article without ads");
        assertThat(result.<Object>output("ads")).isNull();
        assertThat(result.failures()).containsOnlyKeys("ads", "slowAds");
        assertThat(result.failures().get("ads")).hasMessage("ad server down");
    }

    @Test
    void oneGraphServesManyConcurrentRequests() throws Exception {
        RequestGraph<Request> graph = RequestGraph.<Request>builder("shared")
                .node("user", (request, in) -> request.userId())
                .node("twice", (request, in) -> in.<Integer>get("user") * 2, "user")
                .build();

        try (ExecutorService clients = Executors.newFixedThreadPool(8)) {
            List<Future<Integer>> answers = IntStream.range(0, 500)
                    .mapToObj(i -> clients.submit(
                            () -> graph.evaluate(new Request("r" + i, i)).<Integer>output("twice")))
                    .toList();
            for (int i = 0; i < answers.size(); i++) {
                assertThat(answers.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(2 * i);
            }
        }
    }

    @Test
    void mergedViewJoinsMapLeavesAndNamesTheOthers() {
        RequestGraph<Request> graph = RequestGraph.<Request>builder("merge")
                .node("profile", (request, in) -> Map.of("name", "ada", "plan", "pro"))
                .node("prefs", (request, in) -> Map.of("theme", "dark"))
                .node("score", (request, in) -> 42)
                .build();

        assertThat(graph.evaluate(new Request("r", 1)).merged())
                .containsOnly(
                        Map.entry("name", "ada"),
                        Map.entry("plan", "pro"),
                        Map.entry("theme", "dark"),
                        Map.entry("score", 42));
    }
}
