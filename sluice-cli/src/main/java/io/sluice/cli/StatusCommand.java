package io.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.ItemFailure;
import io.sluice.ItemTracking;
import io.sluice.Robustness;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice status}: every node of a running deployment, from its HTTP API. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show the state and counters of every node of a deployment, from its HTTP API.")
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ApiOption api;

    @Override
    public Integer call() throws Exception {
        JsonNode status = api.client().get("api/nodes");
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "Deployment %s on %s: %s%n",
                status.get("deployment").asText(),
                status.get("system").asText(),
                status.get("state").asText());
        if (!status.get("failure").isNull()) {
            out.println("  failure: " + status.get("failure").asText());
        }
        out.printf(
                "  %-16s %-10s %-9s %5s %12s %12s %7s %8s%n",
                "node", "kind", "state", "inst", "in", "out", "errors", "queued");
        for (JsonNode node : status.get("nodes")) {
            out.printf(
                    "  %-16s %-10s %-9s %5d %,12d %,12d %7d %,8d%n",
                    node.get("id").asText(),
                    node.get("kind").asText(),
                    node.get("state").asText(),
                    node.get("instances").asInt(),
                    node.get("itemsIn").asLong(),
                    node.get("itemsOut").asLong(),
                    node.get("errors").asLong(),
                    node.get("queueDepth").asLong());
            if (node.hasNonNull("rescaling")) {
                out.printf("  %-16s rescaling %s%n", "", node.get("rescaling").asText());
            }
        }
        JsonNode tracking = status.get("tracking");
        if (tracking != null && !tracking.isNull()) {
            ItemTracking items = tracking(tracking);
            out.println("Items " + items.summary());
            for (ItemFailure failure : items.recentFailures()) {
                out.println("  failed: " + failure.summary());
            }
        }
        out.flush();
        return 0;
    }

    /** The tracking part of {@code GET /api/nodes}, read back into the type the server wrote it from. */
    private static ItemTracking tracking(JsonNode json) {
        List<ItemFailure> failures = new ArrayList<>();
        for (JsonNode f : json.get("recentFailures")) {
            failures.add(new ItemFailure(
                    f.get("node").asText(),
                    f.get("item").asText(),
                    f.get("error").asText(),
                    Instant.parse(f.get("time").asText()),
                    f.get("attempt").asInt()));
        }
        return new ItemTracking(
                Robustness.Level.valueOf(json.get("level").asText()),
                json.get("introduced").asLong(),
                json.get("completed").asLong(),
                json.get("failed").asLong(),
                json.get("replays").asLong(),
                json.get("deadLettered").asLong(),
                failures);
    }
}
