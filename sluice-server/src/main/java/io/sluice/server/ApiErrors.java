package io.sluice.server;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.sluice.NotDefinedException;
import io.sluice.SluiceException;
import java.util.Map;

/**
 * Errors as JSON {@code {"error": "…"}}: a route's {@link ApiException} with its status, core's {@link
 * NotDefinedException} as a 404 and any other {@link SluiceException} as a 400, and a route that does not exist.
 */
final class ApiErrors {

    private static final String WRITTEN = "sluice.error";

    private ApiErrors() {}

    static void install(JavalinConfig config) {
        config.routes.exception(ApiException.class, (e, ctx) -> write(ctx, e.status, e.getMessage()));
        config.routes.exception(
                SluiceException.class,
                (e, ctx) -> write(ctx, e instanceof NotDefinedException ? 404 : 400, e.getMessage()));
        config.routes.error(404, "*", ctx -> {
            if (ctx.attribute(WRITTEN) == null) {
                write(
                        ctx,
                        404,
                        "No route " + ctx.method() + " " + ctx.path() + "; see the routes under /api, /metrics and"
                                + " /health");
            }
        });
    }

    static void write(Context ctx, int status, String message) {
        ctx.attribute(WRITTEN, true);
        ctx.status(status).json(Map.of("error", message));
    }
}
