package io.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sluice.RequestGraph;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The profile page against three slow services served by a real HTTP server on loopback. */
class ProfilePageTest {

    private HttpServer server;
    private CountDownLatch allCalled;
    private volatile boolean picksDown;

    @BeforeEach
    void startServices() throws IOException {
        allCalled = new CountDownLatch(3);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/account", exchange -> slow(exchange, "account of " + user(exchange)));
        server.createContext("/orders", exchange -> slow(exchange, "3 orders of " + user(exchange)));
        server.createContext("/recommendations", exchange -> {
            if (picksDown) {
                allCalled.countDown();
                reply(exchange, 503, "down for maintenance");
            } else {
                slow(exchange, "picks for " + user(exchange));
            }
        });
        server.start();
    }

    @AfterEach
    void stopServices() {
        server.stop(0);
    }

    /** Each service answers only once all three have been called: the page can only be built by calling them at once. */
    private void slow(HttpExchange exchange, String body) throws IOException {
        allCalled.countDown();
        try {
            if (!allCalled.await(3, TimeUnit.SECONDS)) {
                reply(exchange, 500, "called alone");
                return;
            }
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reply(exchange, 200, body);
    }

    private static String user(HttpExchange exchange) {
        return exchange.getRequestURI().getQuery().replace("user=", "");
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private ProfilePage.Request request(String user) {
        URI services = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        return new ProfilePage.Request(user, services, HttpClient.newHttpClient());
    }

    @Test
    void pageMergesTheThreeServicesCalledAtOnce() {
        RequestGraph<ProfilePage.Request> graph = ProfilePage.graph();

        Map<String, Object> page = ProfilePage.handle(graph, request("ada"));

        assertThat(page)
                .containsOnly(
                        Map.entry("user", "ada"),
                        Map.entry("account", "account of ada"),
                        Map.entry("orders", "3 orders of ada"),
                        Map.entry("picks", "picks for ada"));
    }

    @Test
    void pageWithoutRecommendationsWhenThatServiceIsDown() {
        picksDown = true;

        Map<String, Object> page = ProfilePage.handle(ProfilePage.graph(), request("bob"));

        assertThat(page).containsOnlyKeys("user", "account", "orders");
    }
}
