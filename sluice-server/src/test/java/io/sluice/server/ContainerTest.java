package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.Sinks;
import io.sluice.SluiceException;
import io.sluice.Sources;
import io.sluice.SystemType;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Jetty under the API: a deadline for headers, JSON for its own errors, a clear word when it cannot listen. */
class ContainerTest {

    private static Deployment deployment() {
        return ComputationalGraph.builder("contained")
                .start("in", Sources.collection(List.of(1, 2, 3)))
                .end("out", Sinks.collect())
                .edge("in -> out")
                .build()
                .deploySystem(SystemType.LOCAL);
    }

    @Test
    void aClientThatSendsItsHeadersByteByByteIsCutOff() throws Exception {
        // Never idle for the idle timeout, so only a deadline on the headers ends it (a slowloris).
        ServerOptions options = ServerOptions.port(0).withIdleTimeout(Duration.ofMillis(600));
        try (Deployment deployment = deployment();
                SluiceServer server = SluiceServer.start(deployment, options);
                Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/nodes HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nX-Slow: ")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            CompletableFuture<Integer> closed = CompletableFuture.supplyAsync(() -> {
                try {
                    return in.read();
                } catch (java.io.IOException e) {
                    return -1;
                }
            });
            int sent = 0;
            try {
                while (!closed.isDone() && sent < 50) {
                    Thread.sleep(200); // the pace of the attack, not a wait for a result
                    out.write('a');
                    out.flush();
                    sent++;
                }
            } catch (java.io.IOException e) {
                // the server closed the connection
            }
            assertThat(closed.get(5, TimeUnit.SECONDS))
                    .as("closed, nothing answered")
                    .isEqualTo(-1);
            assertThat(sent).as("cut off well before the client gave up").isLessThan(50);
        }
    }

    @Test
    void aTakenPortIsOneClearErrorAndNothingKeepsRunning() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                Deployment deployment = deployment()) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> SluiceServer.start(deployment, ServerOptions.port(port)))
                    .isInstanceOf(SluiceException.class)
                    .hasMessage("Cannot serve the HTTP API on 127.0.0.1:" + port + ": the port is taken (or the host"
                            + " is not an address of this machine); choose another port, or 0 for any free one");
            assertThat(Thread.getAllStackTraces().keySet())
                    .as("no server thread left behind")
                    .noneMatch(t -> t.getName().startsWith("sluice-server-results"));
        }
    }

    @Test
    void aRequestJettyCannotReadIsAnsweredInJson() throws Exception {
        try (Deployment deployment = deployment();
                SluiceServer server = SluiceServer.start(deployment, ServerOptions.port(0))) {
            for (String request : List.of(
                    "GET /%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                    "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Long: " + "x".repeat(20_000) + "\r\n\r\n",
                    "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n",
                    "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\n",
                    "\u0001\u0002 garbage\r\n\r\n")) {
                RawHttp.Answer answer =
                        RawHttp.exchange(server.port(), request.getBytes(StandardCharsets.ISO_8859_1), false, 10_000);
                assertThat(answer.status()).as(request).isBetween(400, 499);
                assertThat(answer.header("Content-Type")).as(request).isEqualTo("application/json");
                assertThat(answer.json().get("error").asText()).as(request).isNotBlank();
            }
        }
    }
}
