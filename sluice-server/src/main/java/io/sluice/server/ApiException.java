package io.sluice.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request that cannot be answered as asked, with the status it deserves and, besides the message, the fields that
 * tell a client what to do next ({@code accepted}, {@code state}) and the headers the status calls for
 * ({@code Retry-After}, {@code WWW-Authenticate}, {@code Allow}). {@link ApiErrors} writes it as {@code {"error": …}}.
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int status;
    final transient Map<String, Object> fields = new LinkedHashMap<>();
    final transient Map<String, String> headers = new LinkedHashMap<>();

    ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    ApiException with(String field, Object value) {
        fields.put(field, value);
        return this;
    }

    ApiException header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, message);
    }
}
