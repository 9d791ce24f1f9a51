package io.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice scale NODE N}: rescales a node of a running deployment, keeping its state, through the HTTP API of
 * the process that deployed it ({@code POST /api/nodes/NODE/parallelism}).
 */
@Command(
        name = "scale",
        mixinStandardHelpOptions = true,
        description = {
            "Rescale a node of a running deployment to N instances, keeping its state, through the HTTP API of the"
                    + " process that deployed it.",
            "Built on KAFKA with worker processes, for a node deployed with room to grow (maxParallelism); returns"
                    + " once the node runs again."
        })
final class ScaleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ApiOption api;

    @Parameters(index = "0", paramLabel = "NODE", description = "the node to rescale")
    String node;

    @Parameters(index = "1", paramLabel = "N", description = "how many instances it runs from now on")
    int parallelism;

    @Override
    public Integer call() throws Exception {
        JsonNode answer = api.client()
                .post(
                        "api/nodes/" + java.net.URLEncoder.encode(node, java.nio.charset.StandardCharsets.UTF_8)
                                + "/parallelism",
                        Map.of("parallelism", parallelism));
        PrintWriter out = spec.commandLine().getOut();
        int from = answer.get("from").asInt();
        int to = answer.get("parallelism").asInt();
        out.println(
                from == to
                        ? "Node '" + node + "' already runs " + to + " instances"
                        : "Node '" + node + "' rescaled from " + from + " to " + to + " instances");
        out.flush();
        return 0;
    }
}
