package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.Inbox;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/nodes/{id}/results/stream}: every result once and in order, and a slow client hurts nobody else. */
class ResultStreamsTest {

    private static final String TOKEN = "streams-token-0123456789";

    private final Inbox<String> inbox = Inbox.of(String.class, 1_000);
    private Deployment deployment;
    private SluiceServer server;

    private void start(ServerOptions options) {
        ComputationalGraph graph = ComputationalGraph.builder("streamed")
                .start("in", Sources.inbox(inbox))
                .end("out", Sinks.collect())
                .edge("in -> out")
                .build();
        deployment = graph.deploySystem(SystemType.LOCAL);
        server = SluiceServer.start(deployment, options.withToken(TOKEN));
    }

    @AfterEach
    void stop() {
        server.close();
        deployment.close();
    }

    /** A client of the stream on a plain socket; with a tiny receive buffer, one that stops reading stalls soon. */
    private final class Client implements AutoCloseable {
        final Socket socket = new Socket();
        final BufferedReader lines;

        Client(String query, int receiveBuffer, String... headers) throws Exception {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/nodes/out/results/stream" + query + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                            + "\r\nAccept: text/event-stream\r\n"
                            + String.join(
                                    "",
                                    java.util.Arrays.stream(headers)
                                            .map(h -> h + "\r\n")
                                            .toList()) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(RawHttp.line(in)).isEqualTo("HTTP/1.1 200 OK");
            assertThat(RawHttp.headers(in)).containsEntry("transfer-encoding", "chunked");
            lines = new BufferedReader(new InputStreamReader(RawHttp.dechunked(in), StandardCharsets.UTF_8));
        }

        /** Reads events until {@code count} results came: their ids and data, in the order they came. */
        List<String> results(int count) throws Exception {
            List<String> results = new ArrayList<>();
            String id = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("data: ")) {
                    results.add(id + "=" + line.substring(6));
                    if (results.size() == count) {
                        return results;
                    }
                }
            }
            return results;
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }

    private void offer(int from, int to, String pad) throws InterruptedException {
        for (int i = from; i < to; i++) {
            assertThat(inbox.offer("r" + i + pad, Duration.ofSeconds(10))).isTrue();
        }
    }

    private static List<String> expected(int from, int to, String pad) {
        List<String> expected = new ArrayList<>();
        for (int i = from; i < to; i++) {
            expected.add(i + "=\"r" + i + pad + "\"");
        }
        return expected;
    }

    @Test
    void everyResultComesOnceInOrderFromAFreshServer() throws Exception {
        start(ServerOptions.port(0));
        try (Client client = new Client("?from=0", 0)) {
            List<Thread> producers = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                int part = p;
                producers.add(Thread.ofVirtual().start(() -> {
                    try {
                        offer(part * 2_500, (part + 1) * 2_500, "");
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            List<String> got = client.results(10_000);
            for (Thread producer : producers) {
                producer.join();
            }

            List<Object> results = deployment.results("out");
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < results.size(); i++) {
                expected.add(i + "=\"" + results.get(i) + "\"");
            }
            assertThat(got).as("each result once, with its position, in order").isEqualTo(expected);
        }
    }

    @Test
    void aSlowClientIsDroppedAndNeverHoldsUpAnother() throws Exception {
        // A write to a client that reads nothing blocks until the idle timeout fails it: 4 s, far longer than the
        // fast client needs. Were writes shared, the fast client would wait for that timeout, and finish alone.
        start(ServerOptions.port(0).withIdleTimeout(Duration.ofSeconds(4)));
        String pad = "x".repeat(2_000);
        try (Client slow = new Client("?from=0", 1_024);
                Client fast = new Client("?from=0", 0)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> server.openStreams() == 2);
            assertThat(slow.socket.isConnected()).isTrue();
            List<String> got = new CopyOnWriteArrayList<>();
            AtomicInteger openWhenDone = new AtomicInteger();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    got.addAll(fast.results(5_000));
                    openWhenDone.set(server.openStreams());
                } catch (Exception e) {
                    // checked below
                }
            });

            offer(0, 5_000, pad); // 10 MB of events; the slow client reads none of them

            reader.join(Duration.ofSeconds(30));
            assertThat(got).as("the fast client got everything").isEqualTo(expected(0, 5_000, pad));
            assertThat(openWhenDone.get())
                    .as("the fast client was done while the slow one's write still hung")
                    .isEqualTo(2);
            await("the slow client dropped").atMost(Duration.ofSeconds(15)).until(() -> server.openStreams() == 1);
        }
    }

    @Test
    void aStreamPicksUpWhereTheClientLeftOff() throws Exception {
        start(ServerOptions.port(0));
        offer(0, 10, "");
        await().until(() -> deployment.results("out").size() == 10);

        try (Client fromFour = new Client("?from=4", 0)) {
            assertThat(fromFour.results(6)).isEqualTo(expected(4, 10, ""));
        }
        // EventSource sends the id of the last event it saw when it reconnects
        try (Client resumed = new Client("", 0, "Last-Event-ID: 7")) {
            assertThat(resumed.results(2)).isEqualTo(expected(8, 10, ""));
        }
    }

    @Test
    void whatCanBeRefusedIsRefusedInJsonBeforeTheStreamStarts() throws Exception {
        start(ServerOptions.port(0).withMaxStreams(1));

        RawHttp.Answer unknown = stream("/api/nodes/nope/results/stream");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("error").asText()).startsWith("Node 'nope' is not defined");
        RawHttp.Answer notEnd = stream("/api/nodes/in/results/stream");
        assertThat(notEnd.status()).isEqualTo(400);
        RawHttp.Answer badFrom = stream("/api/nodes/out/results/stream?from=%ZZ");
        assertThat(badFrom.status()).isEqualTo(400);
        assertThat(badFrom.json().get("error").asText())
                .isEqualTo("the query string has a bad percent-encoding at '%ZZ'; a '%' must be followed by two hex"
                        + " digits (%25 for '%' itself)");
        assertThat(stream("/api/nodes/out/results/stream?from=-1")
                        .json()
                        .get("error")
                        .asText())
                .isEqualTo("from must be a whole number ≥ 0, found '-1'");

        try (Client first = new Client("", 0)) {
            assertThat(first.socket.isConnected()).isTrue();
            RawHttp.Answer second = stream("/api/nodes/out/results/stream");
            assertThat(second.status()).isEqualTo(503);
            assertThat(second.header("Retry-After")).isEqualTo("5");
            assertThat(second.json().get("error").asText())
                    .isEqualTo("already 1 result streams open, the most this server serves; try again later");
        }
    }

    private RawHttp.Answer stream(String path) throws Exception {
        return RawHttp.exchange(
                server.port(),
                RawHttp.request(
                        "GET",
                        path,
                        List.of("Host: 127.0.0.1:" + server.port(), "Accept: text/event-stream"),
                        new byte[0]),
                true,
                10_000);
    }
}
