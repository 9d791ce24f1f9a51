package io.sluice.server;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.List;

/**
 * Routes with the query parameters each takes: the parameters are parsed ({@link Query}) before the route runs, so a
 * route never sees one it does not take, nor a malformed one.
 */
final class Routes {

    /** A route, given its request and its parsed parameters. */
    @FunctionalInterface
    interface Route {
        void handle(Context ctx, Query query) throws Exception;
    }

    private final JavalinConfig config;

    Routes(JavalinConfig config) {
        this.config = config;
    }

    void get(String path, List<String> parameters, Route route) {
        add(HandlerType.GET, path, parameters, route);
    }

    /** A POST takes no query parameters: what it needs is in its path and its body. */
    void post(String path, Route route) {
        add(HandlerType.POST, path, List.of(), route);
    }

    private void add(HandlerType method, String path, List<String> parameters, Route route) {
        String name = method + " " + path;
        config.routes.addHttpHandler(
                method, path, ctx -> route.handle(ctx, Query.parse(ctx.queryString(), name, parameters)));
    }
}
