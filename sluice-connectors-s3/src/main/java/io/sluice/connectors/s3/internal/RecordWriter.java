package io.sluice.connectors.s3.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.sluice.SluiceException;
import io.sluice.connectors.s3.Format;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns items into the bytes of one record in a {@link Format}, whole or not at all: an item that cannot be written
 * leaves nothing behind in the file. Lines are {@code String.valueOf(item)}; JSON lines are the item as Jackson writes
 * it (maps, records, beans, {@code java.time} values as ISO text); CSV takes maps, or records and beans as Jackson
 * reads their properties, under the columns given or those of the first item.
 *
 * <p>Not thread-safe: one writer per sink instance.
 */
abstract sealed class RecordWriter {

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    final String subject; // "S3 sink 's3://b/p'"

    private RecordWriter(String subject) {
        this.subject = subject;
    }

    /** A writer of {@code format}; {@code columns} (CSV only) may be {@code null} to take the first item's keys. */
    static RecordWriter of(Format<?> format, List<String> columns, String subject) {
        if (format == Format.LINES) {
            return new Lines(subject);
        }
        if (format == Format.JSON_LINES) {
            return new JsonLines(subject);
        }
        return new Csv(columns, subject);
    }

    /** The bytes of {@code item}'s record, line break included. */
    abstract byte[] record(Object item);

    /** What a file starts with: the header line of CSV, nothing otherwise. */
    byte[] header() {
        return new byte[0];
    }

    /** The CSV columns, once known; {@code null} for other formats or before the first item. */
    List<String> columns() {
        return null;
    }

    /** Takes the columns a stored position recorded (CSV only, when none were given). */
    void columns(List<String> columns) {}

    static final class Lines extends RecordWriter {
        Lines(String subject) {
            super(subject);
        }

        @Override
        byte[] record(Object item) {
            String text = String.valueOf(item);
            if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
                throw new SluiceException(subject + ": an item of format lines holds a line break, so it would be read"
                        + " back as several lines; write it as json-lines or csv, or replace the line breaks");
            }
            return (text + "\n").getBytes(StandardCharsets.UTF_8);
        }
    }

    static final class JsonLines extends RecordWriter {
        JsonLines(String subject) {
            super(subject);
        }

        @Override
        byte[] record(Object item) {
            byte[] json;
            try {
                json = JSON.writeValueAsBytes(item);
            } catch (JsonProcessingException e) {
                throw new SluiceException(subject + ": cannot write an item of "
                        + item.getClass().getName() + " as JSON: " + e.getOriginalMessage());
            }
            byte[] line = new byte[json.length + 1];
            System.arraycopy(json, 0, line, 0, json.length);
            line[json.length] = '\n';
            return line;
        }
    }

    static final class Csv extends RecordWriter {
        private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

        private final boolean given;
        private List<String> columns;
        private final StringBuilder text = new StringBuilder();
        private final List<Object> values = new ArrayList<>();

        Csv(List<String> columns, String subject) {
            super(subject);
            this.given = columns != null;
            this.columns = columns;
        }

        @Override
        byte[] record(Object item) {
            Map<?, ?> fields = fields(item);
            if (columns == null) {
                List<String> names = new ArrayList<>();
                fields.keySet().forEach(k -> names.add(String.valueOf(k)));
                columns = List.copyOf(names);
            }
            values.clear();
            int found = 0;
            for (String column : columns) {
                Object value = fields.get(column);
                if (value != null || fields.containsKey(column)) {
                    found++;
                }
                values.add(value == null ? "" : value);
            }
            if (found < fields.size()) {
                for (Object key : fields.keySet()) {
                    if (!columns.contains(String.valueOf(key))) {
                        throw new SluiceException(subject + ": an item has the field '" + key + "', which is not"
                                + " among the CSV columns " + columns + (given ? "" : " (those of the first item)")
                                + "; give the sink every column (setting 'columns')");
                    }
                }
            }
            return print(values);
        }

        @Override
        byte[] header() {
            return print(new ArrayList<>(columns));
        }

        /**
         * One RFC 4180 record ending with {@code \n}: a value is quoted when it holds a comma, a quote or a line break
         * (quotes doubled), and when it is the only one and empty, so that the line is not blank.
         */
        private byte[] print(List<Object> row) {
            text.setLength(0);
            for (int i = 0; i < row.size(); i++) {
                if (i > 0) {
                    text.append(',');
                }
                String value = String.valueOf(row.get(i));
                boolean quote = value.isEmpty() && row.size() == 1;
                for (int c = 0; c < value.length() && !quote; c++) {
                    char ch = value.charAt(c);
                    quote = ch == ',' || ch == '"' || ch == '\n' || ch == '\r';
                }
                if (quote) {
                    text.append('"').append(value.replace("\"", "\"\"")).append('"');
                } else {
                    text.append(value);
                }
            }
            text.append('\n');
            return text.toString().getBytes(StandardCharsets.UTF_8);
        }

        private Map<?, ?> fields(Object item) {
            if (item instanceof Map<?, ?> map) {
                return map;
            }
            try {
                return JSON.convertValue(item, MAP);
            } catch (IllegalArgumentException e) {
                throw new SluiceException(
                        subject + ": cannot write an item of " + item.getClass().getName()
                                + " as a CSV record: expected a Map, a record or a bean, but " + e.getMessage());
            }
        }

        @Override
        List<String> columns() {
            return given ? null : columns;
        }

        @Override
        void columns(List<String> stored) {
            if (!given && stored != null) {
                columns = List.copyOf(stored);
            }
        }
    }
}
