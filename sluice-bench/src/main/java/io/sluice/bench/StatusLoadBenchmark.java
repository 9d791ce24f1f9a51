package io.sluice.bench;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.SystemType;
import io.sluice.server.ServerOptions;
import io.sluice.server.SluiceServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A short load test of {@code GET /api/nodes} on loopback while a 3-node LOCAL graph runs: a bounded number of
 * requests from a few concurrent clients; reports requests/s and latency percentiles.
 *
 * <p>Run: {@code java -cp sluice-bench/target/benchmarks.jar io.sluice.bench.StatusLoadBenchmark [requests] [clients]}.
 */
public final class StatusLoadBenchmark {

    private StatusLoadBenchmark() {}

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        ComputationalGraph graph = ComputationalGraph.builder("load")
                .start("ticks", Sources.interval(Duration.ofMillis(1), Duration.ZERO))
                .map("double", (Long t) -> t * 2)
                .end("out", Sinks.discard())
                .edge("ticks -> double -> out")
                .build();
        try (Deployment deployment = graph.deploySystem(SystemType.LOCAL);
                SluiceServer server = SluiceServer.start(deployment, ServerOptions.port(0));
                ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            URI status = server.uri().resolve("/api/nodes");
            run(status, 2_000, clients, pool); // warm-up
            long start = System.nanoTime();
            long[] latencies = run(status, requests, clients, pool);
            double seconds = (System.nanoTime() - start) / 1e9;
            Arrays.sort(latencies);
            System.out.printf(
                    Locale.ROOT,
                    "GET /api/nodes: %,d requests, %d clients: %,.0f requests/s, p50 %.2f ms,"
                            + " p99 %.2f ms, max %.2f ms%n",
                    requests,
                    clients,
                    requests / seconds,
                    latencies[latencies.length / 2] / 1e6,
                    latencies[(int) (latencies.length * 0.99)] / 1e6,
                    latencies[latencies.length - 1] / 1e6);
        }
    }

    private static long[] run(URI uri, int requests, int clients, ExecutorService pool) throws Exception {
        List<Future<long[]>> parts = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int share = requests / clients + (c < requests % clients ? 1 : 0);
            parts.add(pool.submit(() -> {
                HttpClient http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build();
                HttpRequest request = HttpRequest.newBuilder(uri).build();
                long[] latencies = new long[share];
                for (int i = 0; i < share; i++) {
                    long sent = System.nanoTime();
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    latencies[i] = System.nanoTime() - sent;
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("status " + response.statusCode() + ": " + response.body());
                    }
                }
                return latencies;
            }));
        }
        long[] all = new long[requests];
        int at = 0;
        for (Future<long[]> part : parts) {
            long[] latencies = part.get();
            System.arraycopy(latencies, 0, all, at, latencies.length);
            at += latencies.length;
        }
        return all;
    }
}
