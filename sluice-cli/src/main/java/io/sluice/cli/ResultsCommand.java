package io.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice results NODE [--follow]}: an end node's results, one JSON value per line. */
@Command(
        name = "results",
        mixinStandardHelpOptions = true,
        description = "Print an end node's recent results, one JSON value per line; --follow keeps printing new ones.")
final class ResultsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NODE", description = "the end node")
    String node;

    @Mixin
    ApiOption api;

    @Option(names = "--limit", defaultValue = "100", paramLabel = "N", description = "how many recent results")
    int limit;

    @Option(
            names = {"-f", "--follow"},
            description = "keep printing results as they arrive, until interrupted")
    boolean follow;

    @Override
    public Integer call() throws Exception {
        ApiClient client = api.client();
        PrintWriter out = spec.commandLine().getOut();
        JsonNode results = client.get("api/nodes/" + node + "/results?limit=" + limit);
        for (JsonNode item : results.get("items")) {
            out.println(item);
        }
        out.flush();
        long next = results.has("next")
                ? results.get("next").asLong()
                : results.get("total").asLong();
        while (follow) {
            next = follow(client, next, out);
            if (next < 0) {
                break;
            }
        }
        return 0;
    }

    /**
     * Prints what the stream sends from position {@code from} on; returns the position to go on from if the server
     * dropped this client for falling behind, -1 if the stream just ended.
     */
    private long follow(ApiClient client, long from, PrintWriter out) throws Exception {
        HttpResponse<java.io.InputStream> stream = client.stream("api/nodes/" + node + "/results/stream?from=" + from);
        long next = from;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("id: ")) {
                    next = Long.parseLong(line.substring("id: ".length())) + 1;
                } else if (line.startsWith("data: ")) {
                    out.println(line.substring("data: ".length()));
                    out.flush();
                } else if (line.startsWith(": dropped")) {
                    return next; // too slow for a while: pick up where this client left off
                }
            }
        }
        return -1;
    }
}
