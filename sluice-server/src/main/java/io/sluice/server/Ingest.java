package io.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.sluice.Deployment;
import io.sluice.Inbox;
import io.sluice.NodeSpec;
import io.sluice.Sources;
import io.sluice.StartNodeSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Items pushed over HTTP into the inbox behind a start node made by {@link Sources#inbox}, and the end of it. */
final class Ingest {

    private final Deployment deployment;
    private final ServerOptions options;

    Ingest(Deployment deployment, ServerOptions options) {
        this.deployment = deployment;
        this.options = options;
    }

    /** {@code POST /api/nodes/{id}/items}: a JSON item, or an array of items. */
    void items(Context ctx) throws InterruptedException {
        Inbox<Object> inbox = inbox(ctx.pathParam("id"));
        JsonNode body = Json.body(ctx, options.maxBodyBytes());
        List<Object> items = new ArrayList<>();
        for (JsonNode element : body.isArray() ? body : List.of(body)) {
            try {
                items.add(Json.MAPPER.treeToValue(element, inbox.type()));
            } catch (IOException e) {
                throw ApiException.badRequest("item " + items.size() + " is not a "
                        + inbox.type().getSimpleName() + ": " + Json.firstLine(e.getMessage()));
            }
        }
        int accepted = 0;
        for (Object item : items) {
            boolean taken;
            try {
                taken = inbox.offer(item, options.ingestTimeout());
            } catch (IllegalStateException e) {
                throw new ApiException(409, "Node '" + ctx.pathParam("id") + "': " + e.getMessage());
            }
            if (!taken) {
                throw new ApiException(
                                503,
                                "Node '" + ctx.pathParam("id") + "' is behind: its inbox stayed full for "
                                        + options.ingestTimeout().toMillis() + " ms; retry later")
                        .with("accepted", accepted);
            }
            accepted++;
        }
        Json.write(ctx, 202, Map.of("accepted", accepted));
    }

    /** {@code POST /api/nodes/{id}/end}: no more items; the start node ends once it has passed on what it holds. */
    void end(Context ctx) {
        inbox(ctx.pathParam("id")).close();
        Json.write(ctx, 202, Map.of("ended", ctx.pathParam("id")));
    }

    @SuppressWarnings("unchecked")
    private Inbox<Object> inbox(String nodeId) {
        NodeSpec node = deployment.graph().node(nodeId);
        if (node instanceof StartNodeSpec start && start.factory() instanceof Sources.InboxSource<?> source) {
            return (Inbox<Object>) source.inbox();
        }
        throw ApiException.badRequest("Node '" + nodeId + "' does not take items over HTTP; only a start node made"
                + " with Sources.inbox(inbox) does");
    }
}
