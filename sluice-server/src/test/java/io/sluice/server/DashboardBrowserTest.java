package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real headless browser (Debian's Chromium): the page, opened with the token in its address as the
 * server prints it, loads against a running deployment, draws every node, and its figures move between two loads;
 * without the token it says what to open. Chromium is required: the test installs Debian's package where
 * it may (root with apt-get), as .ci/run does; a machine where it may not fails this test with the command to run.
 */
@Tag("browser")
class DashboardBrowserTest {

    private static final String TOKEN = "browser-test-token-0123456789";

    @TempDir
    Path profile;

    private static final List<String> CHROMIUMS =
            List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");

    /**
     * A headless Chromium: one on the machine, or Debian's package installed now where the build may install packages
     * (root with apt-get, as on a fresh machine), so that {@code ./mvnw verify} needs nothing but a JDK there too.
     */
    private static synchronized Path chromium() throws Exception {
        Path found = installedChromium();
        if (found == null && canInstallPackages()) {
            Process install = new ProcessBuilder(
                            "sh",
                            "-c",
                            "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            install.waitFor(10, java.util.concurrent.TimeUnit.MINUTES);
            found = installedChromium();
        }
        if (found == null) {
            return fail("the dashboard test needs a headless Chromium; install it with: apt-get install -y chromium");
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

    private static boolean canInstallPackages() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            return false;
        }
        Process id = new ProcessBuilder("id", "-u").start();
        String uid = new String(id.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        return id.waitFor() == 0 && uid.equals("0");
    }

    /** Loads the page, lets its scripts run for a while, and returns the DOM they left. */
    private String render(String url) throws Exception {
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
                        "--user-data-dir=" + profile,
                        "--virtual-time-budget=4000",
                        "--dump-dom",
                        url))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] dom = browser.getInputStream().readAllBytes();
        if (!browser.waitFor(60, TimeUnit.SECONDS)) {
            browser.destroyForcibly();
            fail("Chromium did not finish rendering " + url);
        }
        return new String(dom, StandardCharsets.UTF_8);
    }

    private static long itemsIn(String dom, String node) {
        Matcher m = Pattern.compile("data-node=\"" + node + "\"[^>]*data-items-in=\"(\\d+)\"")
                .matcher(dom);
        assertThat(m.find())
                .as("node '" + node + "' drawn with its figures in:\n" + dom)
                .isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void dashboardDrawsTheGraphAndItsFiguresMove() throws Exception {
        ComputationalGraph graph = ComputationalGraph.builder("ticking")
                .start("ticks", Sources.interval(Duration.ofMillis(5), Duration.ZERO))
                .map("double", (Long t) -> t * 2)
                .end("out", Sinks.discard())
                .edge("ticks -> double -> out")
                .robustness(io.sluice.Robustness.confirm())
                .build();

        // Bound beyond loopback, every API call needs the token: the page must take it from #token= and send it.
        ServerOptions options = ServerOptions.port(0).withHost("0.0.0.0").withToken(TOKEN);
        try (Deployment deployment = graph.deploySystem(SystemType.LOCAL);
                SluiceServer server = SluiceServer.start(deployment, options)) {
            String first = render(server.dashboardUri().toString());
            Thread.sleep(1000);
            String second = render(server.dashboardUri().toString());
            String withoutToken = render(server.uri() + "/");

            assertThat(first)
                    .contains(
                            "Graph ticking",
                            "data-node=\"ticks\"",
                            "data-node=\"double\"",
                            "data-node=\"out\"",
                            "class=\"edge\"");
            assertThat(second).contains("data-state=\"RUNNING\"");
            assertThat(itemsIn(second, "out")).as("the figures move").isGreaterThan(itemsIn(first, "out"));
            assertThat(second).containsPattern("items/s");
            assertThat(second).containsPattern("CONFIRM: [\\d,]+ of [\\d,]+ items completely processed, \\d+ pending");
            assertThat(withoutToken)
                    .as("without the token the page says what to open")
                    .contains("This server needs its API token: open the address it printed when it started")
                    .doesNotContain("data-node=\"ticks\"");
        }
    }
}
