package io.sluice.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON in and out of the API. In: a body read with its size bounded, parsed strictly — one JSON value and nothing
 * after it, no duplicate keys, Jackson's limits on nesting and number length — so that whatever a client sends is a
 * 4xx naming the problem, never a 500 or half a request taken. Out: bytes written whole, so a value that cannot be
 * written fails before anything is sent.
 */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {}

    /**
     * The body of a request as one JSON value. The content type was checked before ({@link Security}); here: its size,
     * and that it is exactly one JSON value.
     *
     * @throws ApiException 413 for a body over {@code maxBytes}, 400 for one that is empty or not JSON
     */
    static JsonNode body(Context ctx, long maxBytes) {
        byte[] bytes = bytes(ctx, maxBytes);
        JsonNode body;
        try {
            body = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the body is not JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (body == null || body.isMissingNode()) {
            throw ApiException.badRequest("the body is empty; send JSON (Content-Type: application/json)");
        }
        return body;
    }

    /** At most {@code maxBytes} of the body; a declared or actual length beyond it is a 413 before more is read. */
    static byte[] bytes(Context ctx, long maxBytes) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge(maxBytes, declared + " bytes");
        }
        try {
            InputStream in = ctx.req().getInputStream(); // the container's to close
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw tooLarge(maxBytes, "more");
            }
            return bytes;
        } catch (IOException e) {
            throw ApiException.badRequest("the body could not be read: " + e.getMessage());
        }
    }

    private static ApiException tooLarge(long maxBytes, String found) {
        return new ApiException(
                413,
                "the body is too large: at most " + maxBytes + " bytes, found " + found
                        + "; send the items in smaller requests");
    }

    /** Writes {@code body} as the whole answer. */
    static void write(Context ctx, int status, Object body) {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the answer as JSON: " + firstLine(e.getOriginalMessage()), e);
        }
        ctx.status(status).contentType("application/json").result(bytes);
    }

    static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    /** A map that keeps the order its keys are given in, for answers that read top-down. */
    static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
