package io.sluice.server;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.sluice.NotDefinedException;
import io.sluice.SluiceException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error the server sends is JSON {@code {"error": "…"}} (with fields such as {@code accepted} or {@code state}
 * where they help) and the security headers — whoever makes it: a route ({@link ApiException}), core (a {@link
 * NotDefinedException} is a 404, any other {@link SluiceException} a 400), Javalin (no route, wrong method), or Jetty
 * before a request reaches Javalin at all (a request that is not HTTP, headers too large), through {@link
 * JsonErrorHandler}. Anything else is a 500 that says to look in the log, where its stack trace is.
 */
final class ApiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);
    private static final String WRITTEN = "sluice.error";

    private ApiErrors() {}

    static void install(JavalinConfig config) {
        config.routes.exception(ApiException.class, (e, ctx) -> write(ctx, e));
        config.routes.exception(
                NotDefinedException.class, (e, ctx) -> write(ctx, ApiException.notFound(e.getMessage())));
        config.routes.exception(SluiceException.class, (e, ctx) -> write(ctx, ApiException.badRequest(e.getMessage())));
        config.routes.exception(HttpResponseException.class, (e, ctx) -> write(ctx, fromJavalin(ctx, e)));
        config.routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            write(ctx, internal());
        });
        config.router.javaLangErrorHandler((response, error) -> {
            LOG.error("a request failed", error);
            response.setStatus(500);
            Security.HEADERS.forEach(response::setHeader);
            response.setContentType("application/json");
            try {
                response.getOutputStream().write(bytes(internal().getMessage()));
            } catch (java.io.IOException e) {
                // the client is gone
            }
        });
        for (int status : new int[] {404, 405}) {
            config.routes.error(status, "*", ctx -> {
                if (ctx.attribute(WRITTEN) == null) {
                    write(ctx, fromStatus(ctx, ctx.statusCode()));
                }
            });
        }
        JsonErrorHandler jetty = new JsonErrorHandler();
        config.jetty.modifyServer(server -> server.setErrorHandler(jetty));
        config.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(jetty));
    }

    static void write(Context ctx, ApiException e) {
        ctx.attribute(WRITTEN, true);
        Security.addHeaders(ctx);
        e.headers.forEach(ctx::header);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.getMessage());
        body.putAll(e.fields);
        Json.write(ctx, e.status, body);
    }

    private static ApiException internal() {
        return new ApiException(500, "the server failed to answer; its log says why");
    }

    private static ApiException fromJavalin(Context ctx, HttpResponseException e) {
        return switch (e.getStatus()) {
            case 404, 405 -> fromStatus(ctx, e.getStatus());
            case 413 -> new ApiException(413, "the body is too large; send the items in smaller requests");
            default -> new ApiException(e.getStatus(), e.getMessage());
        };
    }

    private static ApiException fromStatus(Context ctx, int status) {
        if (status == 405) {
            return new ApiException(
                    405, "Route " + ctx.path() + " does not take " + ctx.method() + "; see docs/api.md for its method");
        }
        return ApiException.notFound("No route " + ctx.method() + " " + ctx.path()
                + "; see the routes under /api, /metrics and /health (docs/api.md)");
    }

    private static byte[] bytes(String message) {
        try {
            return Json.MAPPER.writeValueAsBytes(Map.of("error", message));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return "{\"error\":\"the server failed to answer\"}".getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * Jetty's own errors — a request line or header it cannot parse, headers too large, a URI it refuses — as JSON
     * with the security headers, instead of its HTML page. Jetty calls it before (or instead of) Javalin.
     */
    static final class JsonErrorHandler extends ErrorHandler {

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = response.getStatus();
            String message = (String) request.getAttribute(ERROR_MESSAGE);
            if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException e) {
                status = e.getCode();
                response.setStatus(status);
                if (message == null) {
                    message = e.getReason();
                }
            }
            Security.HEADERS.forEach((name, value) -> response.getHeaders().put(name, value));
            if (HttpStatus.hasNoBody(status) || request.getMethod().equals("HEAD")) {
                callback.succeeded();
                return true;
            }
            String reason = HttpStatus.getMessage(status);
            String text = message == null || message.equals(reason) ? reason : reason + ": " + message;
            if (status == 400) {
                text += "; the request is not valid HTTP";
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(bytes(text)), callback);
            return true;
        }
    }
}
