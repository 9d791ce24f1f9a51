package io.sluice.examples;

import io.sluice.From;
import io.sluice.RequestGraph;
import io.sluice.RequestResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The fastdag use case: a request handler that fans out to three slow services — the user's account, their orders,
 * recommendations for them — and merges the answers into one page. The three calls run at once, on virtual threads.
 *
 * <pre>
 * account ──┐
 * orders ───┼─► page
 * picks ────┘
 * </pre>
 */
public final class ProfilePage {

    /** What each request carries: who asks, and where the services are. */
    public record Request(String userId, URI services, HttpClient http) {}

    private ProfilePage() {}

    public static RequestGraph<Request> graph() {
        return RequestGraph.<Request>builder("profile")
                .node("account", (request, in) -> call(request, "/account"))
                .node("orders", (request, in) -> call(request, "/orders"))
                .node("picks", (request, in) -> call(request, "/recommendations"))
                .timeout(Duration.ofSeconds(2))
                .optional() // a page without recommendations is still a page
                .node("page", new Page())
                .requestTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Handles one request: the merged page. */
    public static Map<String, Object> handle(RequestGraph<Request> graph, Request request) {
        RequestResult result = graph.evaluate(request);
        return result.merged();
    }

    /** Joins the three answers; a missing recommendation list is left out. */
    public static final class Page {
        public Map<String, Object> load(
                Request request,
                @From("account") String account,
                @From("orders") String orders,
                @From("picks") String picks) {
            return picks == null
                    ? Map.of("user", request.userId(), "account", account, "orders", orders)
                    : Map.of("user", request.userId(), "account", account, "orders", orders, "picks", picks);
        }
    }

    private static String call(Request request, String path) throws IOException, InterruptedException {
        HttpRequest get = HttpRequest.newBuilder(request.services().resolve(path + "?user=" + request.userId()))
                .timeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> response = request.http().send(get, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
