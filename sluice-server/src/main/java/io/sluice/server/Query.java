package io.sluice.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The query parameters of one request, read strictly from the raw query string: bad percent-encoding, text that is not
 * UTF-8, a parameter the route does not take or one given twice is a 400 naming it — never a parameter silently
 * ignored, so that {@code ?limit=%ZZ} or {@code ?limt=5} does not quietly mean "the default".
 */
final class Query {

    private final Map<String, String> values;

    private Query(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Parses {@code raw} (the query string as sent, {@code null} for none) for a route taking {@code names}.
     *
     * @throws ApiException 400 for a malformed query string or a parameter {@code route} does not take
     */
    static Query parse(String raw, String route, List<String> names) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return new Query(values);
        }
        for (String pair : raw.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (!names.contains(name)) {
                throw ApiException.badRequest(route + " takes "
                        + (names.isEmpty() ? "no parameters" : "the parameters " + names) + "; found '" + name + "'");
            }
            if (values.put(name, value) != null) {
                throw ApiException.badRequest("parameter '" + name + "' is given twice; give it once");
            }
        }
        return new Query(values);
    }

    Optional<String> text(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** A whole number from {@code min} to {@code max}, or {@code otherwise} when the parameter is absent. */
    long number(String name, long min, long max, long otherwise) {
        String text = values.get(name);
        if (text == null) {
            return otherwise;
        }
        try {
            long value = Long.parseLong(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.badRequest(name + " must be "
                + (max == Long.MAX_VALUE ? "a whole number ≥ " + min : "a whole number from " + min + " to " + max)
                + ", found '" + text + "'");
    }

    /** Percent-decoding that refuses what {@code URLDecoder} would guess at: a stray '%', a bad hex digit, not UTF-8. */
    static String decode(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                int high = i + 1 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
                int low = i + 2 < text.length() ? Character.digit(text.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0) {
                    throw ApiException.badRequest("the query string has a bad percent-encoding at '"
                            + text.substring(i, Math.min(text.length(), i + 3))
                            + "'; a '%' must be followed by two hex digits (%25 for '%' itself)");
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                int codePoint = text.codePointAt(i);
                byte[] utf8 = Character.toString(codePoint).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
                i += Character.charCount(codePoint) - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest(
                    "the query string is not UTF-8 once percent-decoded; encode text as UTF-8, then percent-encode it");
        }
    }
}
