package io.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
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
        }
        JsonNode tracking = status.get("tracking");
        if (tracking != null && !tracking.isNull()) {
            out.printf(
                    "Items (%s): %,d introduced, %,d completely processed, %,d pending, %,d failed, %,d replays,"
                            + " %,d dead-lettered — %s%n",
                    tracking.get("level").asText(),
                    tracking.get("introduced").asLong(),
                    tracking.get("completed").asLong(),
                    tracking.get("pending").asLong(),
                    tracking.get("failed").asLong(),
                    tracking.get("replays").asLong(),
                    tracking.get("deadLettered").asLong(),
                    tracking.get("allProcessed").asBoolean() ? "all processed" : "not all processed");
            for (JsonNode failure : tracking.get("recentFailures")) {
                out.printf(
                        "  failed: node '%s', item %s, attempt %d: %s%n",
                        failure.get("node").asText(),
                        failure.get("item").asText(),
                        failure.get("attempt").asInt(),
                        failure.get("error").asText());
            }
        }
        out.flush();
        return 0;
    }
}
