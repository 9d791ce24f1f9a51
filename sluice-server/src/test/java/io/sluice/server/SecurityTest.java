package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentState;
import io.sluice.Inbox;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may ask what: the token, the Origin and Host checks, JSON-only bodies, and the headers on every response — each
 * against a real server on a real LOCAL deployment.
 */
class SecurityTest {

    private static final String TOKEN = "security-token-0123456789";

    private Deployment deployment;
    private SluiceServer server;
    private int port;

    @BeforeEach
    void start() {
        deployment = graph().deploySystem(SystemType.LOCAL);
        server = SluiceServer.start(deployment, ServerOptions.port(0).withToken(TOKEN));
        port = server.port();
    }

    @AfterEach
    void stop() {
        server.close();
        deployment.close();
    }

    private static ComputationalGraph graph() {
        return ComputationalGraph.builder("guarded")
                .start("in", Sources.inbox(Inbox.of(String.class, 100)))
                .end("out", Sinks.collect())
                .edge("in -> out")
                .build();
    }

    private RawHttp.Answer send(String method, String path, List<String> headers, String body) throws Exception {
        List<String> all = new ArrayList<>(headers);
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        all.add("Content-Length: " + bytes.length);
        return RawHttp.exchange(port, RawHttp.request(method, path, all, bytes), false, 10_000);
    }

    private String host() {
        return "Host: 127.0.0.1:" + port;
    }

    @Test
    void aCrossOriginStopIsRefusedAndTheDeploymentKeepsRunning() throws Exception {
        for (String origin : List.of("http://evil.example", "null", "http://localhost:3000")) {
            RawHttp.Answer stop = send(
                    "POST", "/api/stop", List.of(host(), "Origin: " + origin, "Authorization: Bearer " + TOKEN), null);
            assertThat(stop.status()).as(origin).isEqualTo(403);
            assertThat(stop.json().get("error").asText())
                    .as(origin)
                    .isEqualTo("cross-origin request refused: Origin '" + origin + "' is not this server (http://"
                            + "127.0.0.1:" + port + "); only its own dashboard may change a deployment from a browser");
        }
        RawHttp.Answer simple = send(
                "POST", "/api/stop", List.of(host(), "Origin: http://evil.example", "Content-Type: text/plain"), "x");
        assertThat(simple.status()).as("a form post from elsewhere").isIn(401, 403, 415);

        Thread.sleep(200);
        assertThat(deployment.status().state()).isEqualTo(DeploymentState.RUNNING);
        RawHttp.Answer ownDashboard = send(
                "POST",
                "/api/stop",
                List.of(host(), "Origin: http://127.0.0.1:" + port, "Authorization: Bearer " + TOKEN),
                null);
        assertThat(ownDashboard.status()).isEqualTo(202);
        assertThat(deployment.awaitTermination(Duration.ofSeconds(10))).isEqualTo(DeploymentState.CANCELLED);
    }

    @Test
    void aForeignHostIsRefusedSoARebindingPageReachesNothing() throws Exception {
        for (String foreign : List.of("evil.example", "evil.example:" + port, "127.0.0.1.nip.io:" + port)) {
            RawHttp.Answer answer = send("GET", "/api/nodes", List.of("Host: " + foreign), null);
            assertThat(answer.status()).as(foreign).isEqualTo(421);
            assertThat(answer.json().get("error").asText()).as(foreign).contains("this server");
        }
        RawHttp.Answer empty = send("GET", "/api/nodes", List.of("Host: "), null);
        assertThat(empty.status()).as("an empty Host, refused by Jetty itself").isEqualTo(400);
        assertThat(empty.json().get("error").asText()).isNotBlank();
        RawHttp.Answer rebound = send("GET", "/api/nodes", List.of("Host: evil.example:" + port), null);
        assertThat(rebound.json().get("error").asText())
                .isEqualTo("Host 'evil.example:" + port + "' is not this server; it answers to [127.0.0.1, ::1,"
                        + " localhost] (more names: ServerOptions.withAllowedHosts)");
        for (String own : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "[::1]:" + port)) {
            assertThat(send("GET", "/api/nodes", List.of("Host: " + own), null).status())
                    .as(own)
                    .isEqualTo(200);
        }
    }

    @Test
    void aChangeNeedsTheRightTokenAndThenWorks() throws Exception {
        String item = "\"hello\"";
        List<String> json = List.of(host(), "Content-Type: application/json");

        RawHttp.Answer none = send("POST", "/api/nodes/in/items", json, item);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"sluice\"");
        assertThat(none.json().get("error").asText())
                .isEqualTo("this request changes the deployment, so it needs the API token: send 'Authorization:"
                        + " Bearer TOKEN' (the token given with --token or SLUICE_API_TOKEN, or printed by the server"
                        + " at start)");
        RawHttp.Answer wrong =
                send("POST", "/api/nodes/in/items", with(json, "Authorization: Bearer wrong-token-0123456789"), item);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().get("error").asText()).isEqualTo("the token is not this server's");
        RawHttp.Answer basic =
                send("POST", "/api/nodes/in/items", with(json, "Authorization: Basic dXNlcjpwYXNz"), item);
        assertThat(basic.json().get("error").asText())
                .isEqualTo("send the token as one 'Authorization: Bearer TOKEN' header");
        assertThat(send("POST", "/api/stop", List.of(host()), null).status()).isEqualTo(401);
        assertThat(deployment.status().node("in").itemsOut()).isZero();

        RawHttp.Answer right = send("POST", "/api/nodes/in/items", with(json, "Authorization: Bearer " + TOKEN), item);
        assertThat(right.status()).isEqualTo(202);
        assertThat(right.json().get("accepted").asInt()).isEqualTo(1);
    }

    @Test
    void aBodyThatIsNotJsonIsA415() throws Exception {
        List<String> auth = List.of(host(), "Authorization: Bearer " + TOKEN);
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; b=x")) {
            RawHttp.Answer answer = send("POST", "/api/nodes/in/items", with(auth, "Content-Type: " + type), "\"x\"");
            assertThat(answer.status()).as(type).isEqualTo(415);
            assertThat(answer.json().get("error").asText())
                    .as(type)
                    .startsWith("the body must be application/json, found '");
        }
        RawHttp.Answer emptyButPlain = send("POST", "/api/stop", with(auth, "Content-Type: text/plain"), null);
        assertThat(emptyButPlain.status())
                .as("a declared type must be JSON, body or not")
                .isEqualTo(415);
        RawHttp.Answer untyped = send("POST", "/api/stop", auth, "{}");
        assertThat(untyped.status()).isEqualTo(415);
        assertThat(untyped.json().get("error").asText())
                .isEqualTo("the body has no Content-Type; send it as 'Content-Type: application/json'");
        assertThat(deployment.status().state()).isEqualTo(DeploymentState.RUNNING);
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders() throws Exception {
        List<RawHttp.Answer> answers = List.of(
                send("GET", "/", List.of(host()), null),
                send("GET", "/api/nodes", List.of(host()), null),
                send("GET", "/api/nothing", List.of(host()), null),
                send("PUT", "/api/stop", List.of(host(), "Authorization: Bearer " + TOKEN), null),
                send("GET", "/api/nodes", List.of("Host: evil.example"), null),
                send("GET", "/%zz", List.of(host()), null), // refused by Jetty itself, before Javalin
                RawHttp.exchange(port, "NOT HTTP AT ALL\r\n\r\n".getBytes(StandardCharsets.UTF_8), false, 10_000));
        for (RawHttp.Answer answer : answers) {
            for (Map.Entry<String, String> header : Security.HEADERS.entrySet()) {
                assertThat(answer.header(header.getKey()))
                        .as(header.getKey() + " on " + answer)
                        .isEqualTo(header.getValue());
            }
        }
        assertThat(answers.get(0).header("Content-Security-Policy"))
                .isEqualTo("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src"
                        + " 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        for (RawHttp.Answer error : answers.subList(2, answers.size())) {
            assertThat(error.status()).as(error.toString()).isBetween(400, 499);
            assertThat(error.header("Content-Type")).as(error.toString()).startsWith("application/json");
            assertThat(error.json().get("error").asText()).as(error.toString()).isNotBlank();
        }
        assertThat(answers.get(3).status()).isEqualTo(405);
        assertThat(answers.get(5).json().get("error").asText()).endsWith("; the request is not valid HTTP");
    }

    @Test
    void beyondLoopbackEveryRouteButThePageAndTheProbesNeedsTheToken() throws Exception {
        try (Deployment open = graph().deploySystem(SystemType.LOCAL);
                SluiceServer wide = SluiceServer.start(
                        open, ServerOptions.port(0).withHost("0.0.0.0").withToken(TOKEN))) {
            int widePort = wide.port();
            for (String path :
                    List.of("/api/graph", "/api/nodes", "/api/history", "/api/nodes/out/results", "/metrics")) {
                assertThat(RawHttp.send(widePort, "GET", path, null, null).status())
                        .as(path)
                        .isEqualTo(401);
                assertThat(RawHttp.send(widePort, "GET", path, TOKEN, null).status())
                        .as(path)
                        .isEqualTo(200);
            }
            for (String path : List.of(
                    "/",
                    "/dashboard.js",
                    "/dashboard.css",
                    "/vendor/uPlot.iife.min.js",
                    "/vendor/uPlot.min.css",
                    "/health/live",
                    "/health/ready")) {
                assertThat(RawHttp.send(widePort, "GET", path, null, null).status())
                        .as(path)
                        .isEqualTo(200);
            }
            assertThat(RawHttp.send(widePort, "GET", "/health/live", "wrong-token-0123456789", null)
                            .status())
                    .as("a token sent must be right")
                    .isEqualTo(401);
        }
    }

    @Test
    void onLoopbackReadsNeedNoToken() throws Exception {
        assertThat(RawHttp.send(port, "GET", "/api/nodes", null, null).status()).isEqualTo(200);
        assertThat(RawHttp.send(port, "GET", "/metrics", null, null).status()).isEqualTo(200);
    }

    @Test
    void aTokenNotGivenIsMadeAndTheDashboardAddressCarriesIt() throws Exception {
        try (Deployment other = graph().deploySystem(SystemType.LOCAL);
                SluiceServer made = SluiceServer.start(other, ServerOptions.port(0))) {
            String fragment = made.dashboardUri().getRawFragment();
            assertThat(fragment).startsWith("token=");
            String token = URLDecoder.decode(fragment.substring(6), StandardCharsets.UTF_8);
            assertThat(token).hasSizeGreaterThanOrEqualTo(40);

            assertThat(RawHttp.send(made.port(), "POST", "/api/nodes/in/items", token, "\"x\"")
                            .status())
                    .isEqualTo(202);
            assertThat(RawHttp.send(made.port(), "POST", "/api/nodes/in/items", TOKEN, "\"x\"")
                            .status())
                    .isEqualTo(401);
        }
    }

    @Test
    void aWeakTokenIsRefusedAndOptionsNeverShowTheToken() {
        assertThatThrownBy(() -> ServerOptions.port(0).withToken("secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ServerOptions.token: must be at least 16 characters, found 6; leave it out and the"
                        + " server makes a random one");
        assertThatThrownBy(() -> ServerOptions.port(0).withToken("with a space in it!"))
                .hasMessage("ServerOptions.token: must be visible ASCII (it travels in a header and a URL), found"
                        + " U+0020 at 4");
        assertThat(ServerOptions.port(0).withToken(TOKEN).toString())
                .contains("token=(given)")
                .doesNotContain(TOKEN);
    }

    private static List<String> with(List<String> headers, String header) {
        List<String> all = new ArrayList<>(headers);
        all.add(header);
        return all;
    }
}
