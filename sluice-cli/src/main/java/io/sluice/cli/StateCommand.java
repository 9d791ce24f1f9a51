package io.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice state NODE STORE [KEY]}: a node's state, from the deployment's HTTP API. */
@Command(
        name = "state",
        mixinStandardHelpOptions = true,
        description = {
            "Print a node's store from a running deployment's HTTP API: the value of KEY as JSON, or without KEY its"
                    + " entries, one JSON object (key, value, instance) per line.",
            "KEY is text: it is tried as the text, then as a number or true/false, then against each key's text."
        })
final class StateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NODE", description = "the node")
    String node;

    @Parameters(index = "1", paramLabel = "STORE", description = "one of the node's stores")
    String store;

    @Parameters(index = "2", paramLabel = "KEY", arity = "0..1", description = "the key whose value to print")
    String key;

    @Mixin
    ApiOption api;

    @Option(names = "--limit", defaultValue = "100", paramLabel = "N", description = "without KEY, how many entries")
    int limit;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        String path = "api/nodes/" + encode(node) + "/state/" + encode(store);
        if (key != null) {
            out.println(api.client().get(path + "?key=" + encode(key)).get("value"));
            out.flush();
            return 0;
        }
        if (limit < 1) {
            throw new IllegalArgumentException("--limit must be a positive integer, found " + limit);
        }
        JsonNode state = api.client().get(path + "?limit=" + limit);
        for (JsonNode entry : state.get("entries")) {
            out.println(entry);
        }
        out.flush();
        long total = state.get("total").asLong();
        if (state.get("entries").size() < total) {
            PrintWriter err = spec.commandLine().getErr();
            err.printf(
                    "(%d of %d entries; --limit N for more)%n",
                    state.get("entries").size(), total);
            err.flush();
        }
        return 0;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
