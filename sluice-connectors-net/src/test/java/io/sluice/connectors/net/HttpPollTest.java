package io.sluice.connectors.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.LocalOptions;
import io.sluice.Sinks;
import io.sluice.StartNode;
import io.sluice.SystemType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An HTTP polling source deployed on LOCAL against a real server whose resource changes. */
class HttpPollTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Feed feed;
    private final List<Deployment> deployments = new ArrayList<>();

    @BeforeEach
    void serve() throws Exception {
        feed = new Feed();
    }

    @AfterEach
    void stop() {
        deployments.forEach(Deployment::close);
        feed.close();
    }

    private HttpPollOptions options() {
        return HttpPollOptions.of(feed.url())
                .withInterval(Duration.ofMillis(50))
                .withBackoff(Duration.ofMillis(10))
                .withTimeout(Duration.ofSeconds(5));
    }

    private Deployment deploy(Supplier<? extends StartNode<?>> source) {
        return deploy(source, LocalOptions.defaults());
    }

    private Deployment deploy(Supplier<? extends StartNode<?>> source, LocalOptions options) {
        Deployment deployment = ComputationalGraph.builder("poll")
                .start("in", source)
                .end("out", Sinks.collect())
                .edge("in -> out")
                .build()
                .deploy(SystemType.LOCAL, options);
        deployments.add(deployment);
        return deployment;
    }

    private static String failure(Deployment deployment) throws InterruptedException {
        assertThat(deployment.awaitTermination(PATIENCE)).isEqualTo(DeploymentState.FAILED);
        return deployment.failure().orElseThrow().getMessage();
    }

    @Test
    void aChangedBodyIsEmittedAndAnUnchangedOneIsNotAsked304() {
        Deployment deployment = deploy(Http.poll(options()));
        await().atMost(PATIENCE).until(() -> feed.notModified() >= 3);
        assertThat(deployment.<String>results("out")).containsExactly("v1");
        assertThat(feed.requests().getFirst()).isEqualTo(new Feed.Request(null, null, 200));
        assertThat(feed.requests().get(1))
                .as("later requests are conditional")
                .isEqualTo(new Feed.Request("\"v1\"", feed.lastModified(), 304));

        feed.change("v2");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(deployment.<String>results("out"))
                .containsExactly("v1", "v2"));
        int seen = feed.notModified();
        await().atMost(PATIENCE).until(() -> feed.notModified() >= seen + 3);
        assertThat(deployment.<String>results("out")).containsExactly("v1", "v2");
    }

    @Test
    void lastModifiedAloneMakesRequestsConditional() {
        feed.withoutEtags();
        Deployment deployment = deploy(Http.poll(options()));
        await().atMost(PATIENCE).until(() -> feed.notModified() >= 2);
        assertThat(feed.requests().get(1)).isEqualTo(new Feed.Request(null, feed.lastModified(), 304));
        feed.change("v2");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(deployment.<String>results("out"))
                .containsExactly("v1", "v2"));
    }

    @Test
    void aServerThatIgnoresConditionalRequestsStillGivesOnlyChanges() {
        feed.ignoreConditionalRequests();
        Deployment deployment = deploy(Http.poll(options()));
        await().atMost(PATIENCE).until(() -> feed.requests().size() >= 4);
        assertThat(feed.notModified()).isZero();
        assertThat(deployment.<String>results("out")).containsExactly("v1");
        feed.change("v2");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(deployment.<String>results("out"))
                .containsExactly("v1", "v2"));
    }

    @Test
    void countEndsTheSourceAfterThatManyPolls() throws InterruptedException {
        feed.changeOnEveryRequest();
        Deployment deployment = deploy(Http.poll(options().withCount(3)));
        assertThat(deployment.awaitCompletion(PATIENCE)).isTrue();
        assertThat(deployment.<String>results("out")).containsExactly("v1", "v2", "v3");
        assertThat(feed.requests()).hasSize(3);
    }

    @Test
    void linesFormatEmitsEveryLineOfAChangedBody() throws InterruptedException {
        feed.change("a\nb\r\n\nc\n");
        Deployment deployment = deploy(Http.pollLines(options().withCount(1)));
        assertThat(deployment.awaitCompletion(PATIENCE)).isTrue();
        assertThat(deployment.<String>results("out")).containsExactly("a", "b", "", "c");
    }

    @Test
    void jsonFormatsParseTheBodyOrEachLine() throws InterruptedException {
        feed.change("{\"id\": 1, \"tags\": [\"x\"]}\n\n[1, 2.5]\n\"text\"\n");
        Deployment lines = deploy(Http.pollJsonLines(options().withCount(1)));
        assertThat(lines.awaitCompletion(PATIENCE)).isTrue();
        assertThat(lines.<Object>results("out"))
                .containsExactly(Map.of("id", 1, "tags", List.of("x")), List.of(1, 2.5), "text");

        feed.change("{\"prices\": {\"a\": 10}}");
        Deployment whole = deploy(Http.pollJson(options().withCount(1)));
        assertThat(whole.awaitCompletion(PATIENCE)).isTrue();
        assertThat(whole.<Object>results("out")).containsExactly(Map.of("prices", Map.of("a", 10)));
    }

    @Test
    void aRestartFromItsCheckpointDoesNotEmitTheSameBodyAgain() throws InterruptedException {
        LocalOptions checkpoints = LocalOptions.defaults().withCheckpoints(dir, Duration.ofMillis(20));
        Deployment first = deploy(Http.poll(options().withCount(2)), checkpoints);
        assertThat(first.awaitCompletion(PATIENCE)).isTrue();
        assertThat(first.<String>results("out")).containsExactly("v1");

        Deployment second = deploy(Http.poll(options().withCount(4)), checkpoints);
        assertThat(second.awaitCompletion(PATIENCE)).isTrue();
        assertThat(second.<String>results("out"))
                .as("v1 was emitted before the restart")
                .isEmpty();
        assertThat(feed.requests())
                .as("two polls left of four, asked with what the first run learnt")
                .hasSize(4)
                .endsWith(
                        new Feed.Request("\"v1\"", feed.lastModified(), 304),
                        new Feed.Request("\"v1\"", feed.lastModified(), 304));

        feed.ignoreConditionalRequests();
        Deployment third = deploy(Http.poll(options().withCount(5)), checkpoints);
        assertThat(third.awaitCompletion(PATIENCE)).isTrue();
        assertThat(third.<String>results("out"))
                .as("the same body, known by its hash")
                .isEmpty();

        feed.change("v2");
        Deployment fourth = deploy(Http.poll(options().withCount(6)), checkpoints);
        assertThat(fourth.awaitCompletion(PATIENCE)).isTrue();
        assertThat(fourth.<String>results("out")).containsExactly("v2");
    }

    @Test
    void aStatusOtherThan2xxOr304FailsNamingTheUrlAndTheStatus() throws InterruptedException {
        feed.answerWith(404);
        assertThat(failure(deploy(Http.poll(options()))))
                .isEqualTo("Node 'in' failed while pulling: SluiceException: HTTP source 'in' (GET " + feed.url()
                        + "): answered"
                        + " status 404 (body: forced status 404); expected 2xx, or 304 Not Modified; not retried, as a"
                        + " status 404 does not go away by asking again");
        assertThat(feed.requests()).hasSize(1);
    }

    @Test
    void statusesThatMayPassAreRetriedAfterABackoff() throws InterruptedException {
        feed.answerWith(503, 429, 500);
        Deployment deployment = deploy(Http.poll(options().withCount(1)));
        assertThat(deployment.awaitCompletion(PATIENCE)).isTrue();
        assertThat(deployment.<String>results("out")).containsExactly("v1");
        assertThat(feed.requests()).extracting(Feed.Request::status).containsExactly(503, 429, 500, 200);
    }

    @Test
    void moreFailuresInARowThanRetriesFailTheSource() throws InterruptedException {
        feed.answerWith(503, 503, 503, 503);
        assertThat(failure(deploy(Http.poll(options().withRetries(2)))))
                .endsWith("HTTP source 'in' (GET " + feed.url() + "): answered status 503 (body: forced status 503);"
                        + " expected 2xx, or 304 Not Modified; 3 failed attempts in a row, and retries is 2");
        assertThat(feed.requests()).hasSize(3);
    }

    @Test
    void aServerThatDoesNotAnswerInTimeFailsTheSourceOnceRetriesAreSpent() throws InterruptedException {
        feed.hang();
        assertThat(failure(deploy(
                        Http.poll(options().withTimeout(Duration.ofMillis(200)).withRetries(1)))))
                .endsWith("HTTP source 'in' (GET " + feed.url() + "): no whole answer within the timeout (200 ms); 2"
                        + " failed attempts in a row, and retries is 1");
    }

    @Test
    void noServerAtAllIsAFailureThatNamesTheUrl() throws InterruptedException {
        HttpPollOptions nowhere = options().withRetries(0);
        feed.close();
        assertThat(failure(deploy(Http.poll(nowhere))))
                .contains("HTTP source 'in' (GET " + feed.url() + "): no answer: ConnectException")
                .endsWith("1 failed attempt in a row, and retries is 0");
    }

    @Test
    void aBodyThatIsNotUtf8FailsNamingTheByteAndEmitsNothing() throws InterruptedException {
        feed.change(new byte[] {'o', 'k', '\n', (byte) 0xe2, (byte) 0x82, '\n'});
        Deployment deployment = deploy(Http.pollLines(options()));
        assertThat(failure(deployment))
                .endsWith("HTTP source 'in' (GET " + feed.url() + "): the body is not valid UTF-8: malformed input"
                        + " of 2 bytes at byte 3 (0xe282); nothing of it was emitted");
        assertThat(deployment.<String>results("out")).isEmpty();
    }

    @Test
    void aLineThatIsNotJsonFailsNamingTheLineAndEmitsNothing() throws InterruptedException {
        feed.change("{\"a\": 1}\n{\"a\": 2, \"a\": 3}\n");
        Deployment deployment = deploy(Http.pollJsonLines(options()));
        assertThat(failure(deployment))
                .contains("HTTP source 'in' (GET " + feed.url() + "): line 2 is not one JSON value: Duplicate field"
                        + " 'a'")
                .endsWith("; nothing of the body was emitted");
        assertThat(deployment.<Object>results("out")).isEmpty();
    }

    @Test
    void aBodyLargerThanMaxBodyFails() throws InterruptedException {
        feed.change("x".repeat(1_000));
        assertThat(failure(deploy(Http.poll(options().withMaxBody(999)))))
                .endsWith("HTTP source 'in' (GET " + feed.url() + "): the body has 1000 bytes or more, more than"
                        + " max-body (999 bytes)");
    }

    @Test
    void theSourceRunsWithParallelismOne() throws InterruptedException {
        Deployment deployment = ComputationalGraph.builder("wide")
                .start("in", Http.poll(options()))
                .parallelism(2)
                .end("out", Sinks.collect())
                .edge("in -> out")
                .build()
                .deploy(SystemType.LOCAL, LocalOptions.defaults());
        deployments.add(deployment);
        assertThat(failure(deployment))
                .contains("HTTP source 'in' (GET " + feed.url() + ") polls one resource and runs with parallelism 1;"
                        + " found parallelism 2");
    }
}
