package io.sluice.server;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.testkit.ServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A headless Chromium driven over the DevTools protocol, as a person drives a browser: open a page, wait for what it
 * draws, click where something is, look at the screen (a screenshot). Just the few commands the dashboard's tests
 * need, over the JDK's WebSocket client; no driver to install beside Debian's Chromium package.
 *
 * <p>Every exception the page's scripts throw is kept ({@link #pageErrors()}), so a test can say the page ran clean.
 */
final class DevTools implements AutoCloseable {

    private static final List<String> CHROMIUMS =
            List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final ObjectMapper json = new ObjectMapper();
    private final Process browser;
    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final List<String> pageErrors = new CopyOnWriteArrayList<>();
    private final String session;

    private DevTools(Process browser, URI endpoint, int width, int height) throws Exception {
        this.browser = browser;
        this.socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(endpoint, new Listener())
                .get(30, TimeUnit.SECONDS);
        String target = send(null, "Target.createTarget", Map.of("url", "about:blank"))
                .get("targetId")
                .asText();
        this.session = send(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true))
                .get("sessionId")
                .asText();
        command("Runtime.enable", Map.of());
        command("Page.enable", Map.of());
        command(
                "Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
    }

    /** Starts a headless Chromium with its profile in {@code profile} and a page of {@code width × height}. */
    static DevTools launch(Path profile, int width, int height) throws Exception {
        Process browser = new ProcessBuilder(List.of(
                        chromium().toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--hide-scrollbars",
                        "--user-data-dir=" + profile,
                        "--remote-debugging-port=0",
                        "--remote-allow-origins=*",
                        "--window-size=" + width + "," + height,
                        "about:blank"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            // Chromium writes the port it chose and its browser endpoint here once it listens.
            Path activePort = profile.resolve("DevToolsActivePort");
            List<String> lines = await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(
                            () -> Files.exists(activePort) ? Files.readAllLines(activePort) : List.<String>of(),
                            l -> l.size() >= 2);
            URI endpoint = URI.create(
                    "ws://127.0.0.1:" + lines.get(0).strip() + lines.get(1).strip());
            return new DevTools(browser, endpoint, width, height);
        } catch (Exception | Error e) {
            browser.destroyForcibly();
            throw e;
        }
    }

    /** Opens {@code url} and waits until the document has loaded. */
    void open(String url) {
        command("Page.navigate", Map.of("url", url));
        await().atMost(Duration.ofSeconds(30)).until(() -> "complete".equals(evaluate("document.readyState")));
    }

    /** The value of a JavaScript expression in the page (a promise is awaited); a thrown exception fails the test. */
    Object evaluate(String expression) {
        JsonNode result = command(
                "Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new AssertionError("the page threw on '" + expression + "': " + result.get("exceptionDetails"));
        }
        JsonNode value = result.get("result").get("value");
        return value == null ? null : json.convertValue(value, Object.class);
    }

    /** Clicks, as a mouse does, in the middle of the first element {@code selector} finds, scrolled into view. */
    void click(String selector) {
        String quoted = json.valueToTree(selector).toString();
        @SuppressWarnings("unchecked")
        Map<String, Number> centre = (Map<String, Number>) evaluate("(() => { const e = document.querySelector("
                + quoted + "); e.scrollIntoView({block: 'center', inline: 'center'});"
                + " const r = e.getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()");
        double x = centre.get("x").doubleValue();
        double y = centre.get("y").doubleValue();
        command("Input.dispatchMouseEvent", Map.of("type", "mouseMoved", "x", x, "y", y));
        for (String type : List.of("mousePressed", "mouseReleased")) {
            command(
                    "Input.dispatchMouseEvent",
                    Map.of("type", type, "x", x, "y", y, "button", "left", "clickCount", 1));
        }
    }

    /** What the screen shows now, as a PNG written to {@code file}. */
    void screenshot(Path file) throws Exception {
        JsonNode shot = command("Page.captureScreenshot", Map.of("format", "png"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
    }

    /** Exceptions the page's scripts threw, and errors they logged, so far. */
    List<String> pageErrors() {
        return new ArrayList<>(pageErrors);
    }

    JsonNode command(String method, Map<String, Object> params) {
        return send(session, method, params);
    }

    private synchronized JsonNode send(String sessionId, String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        ObjectNode message = json.createObjectNode();
        message.put("id", id);
        message.put("method", method);
        message.set("params", json.valueToTree(params));
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            socket.sendText(message.toString(), true).get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            JsonNode reply = answer.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (reply.has("error")) {
                throw new AssertionError("DevTools " + method + " failed: " + reply.get("error"));
            }
            return reply.get("result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for DevTools " + method, e);
        } catch (Exception e) {
            throw new AssertionError("DevTools " + method + " did not answer: " + e, e);
        } finally {
            pending.remove(id);
        }
    }

    /** Gathers each message's parts; answers go to their command, page errors to {@link #pageErrors}. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder parts = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            parts.append(data);
            if (last) {
                String text = parts.toString();
                parts.setLength(0);
                try {
                    JsonNode message = json.readTree(text);
                    if (message.has("id")) {
                        CompletableFuture<JsonNode> answer =
                                pending.get(message.get("id").asInt());
                        if (answer != null) {
                            answer.complete(message);
                        }
                    } else if ("Runtime.exceptionThrown"
                            .equals(message.path("method").asText())) {
                        pageErrors.add(
                                message.path("params").path("exceptionDetails").toString());
                    } else if ("Runtime.consoleAPICalled"
                                    .equals(message.path("method").asText())
                            && "error"
                                    .equals(message.path("params").path("type").asText())) {
                        pageErrors.add(message.path("params").path("args").toString());
                    }
                } catch (Exception e) {
                    pageErrors.add("unreadable DevTools message: " + e);
                }
            }
            webSocket.request(1);
            return null;
        }
    }

    @Override
    public void close() {
        try {
            send(null, "Browser.close", Map.of());
        } catch (AssertionError e) {
            // it may close the connection before it answers
        }
        socket.abort();
        try {
            if (!browser.waitFor(20, TimeUnit.SECONDS)) {
                browser.destroyForcibly();
            }
        } catch (InterruptedException e) {
            browser.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A headless Chromium: one on the machine, or Debian's package installed now where the build may install packages
     * (root with apt-get, as on a fresh machine), so that {@code ./mvnw verify} needs nothing but a JDK there too —
     * through the testkit's apt lock, as another module's tests may install a package at the same moment.
     */
    static Path chromium() {
        Path found = ServerProcess.aptInstall(
                DevTools::installedChromium,
                "the dashboard test needs a headless Chromium; install it with: apt-get install -y chromium",
                "chromium");
        if (found == null) {
            return fail("chromium was installed but is not in " + CHROMIUMS);
        }
        return found;
    }

    private static Path installedChromium() {
        return CHROMIUMS.stream()
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst()
                .orElse(null);
    }
}
