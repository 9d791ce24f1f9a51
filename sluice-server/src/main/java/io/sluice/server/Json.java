package io.sluice.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON in and out of the API: one mapper, and answers whose keys read top-down. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    /** A map that keeps the order its keys are given in, for answers that read top-down. */
    static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
