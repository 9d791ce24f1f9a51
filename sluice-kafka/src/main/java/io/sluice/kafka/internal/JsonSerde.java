package io.sluice.kafka.internal;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.sluice.kafka.Serde;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The default serde. A header {@code sluice.format} says how the value is encoded: {@code string} (UTF-8), {@code
 * bytes} (as is), {@code long} / {@code int} / {@code double} (big-endian, as Kafka's own serializers write them) or
 * {@code json} (Jackson, with every object's class named, so that types survive the trip).
 */
public final class JsonSerde implements Serde {

    public static final JsonSerde INSTANCE = new JsonSerde();

    static final String FORMAT = "sluice.format";
    private static final byte[] STRING = "string".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BYTES = "bytes".getBytes(StandardCharsets.UTF_8);
    private static final byte[] JSON = "json".getBytes(StandardCharsets.UTF_8);
    private static final byte[] LONG = "long".getBytes(StandardCharsets.UTF_8);
    private static final byte[] INT = "int".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DOUBLE = "double".getBytes(StandardCharsets.UTF_8);

    private final ObjectMapper mapper;

    @SuppressWarnings("deprecation") // EVERYTHING: final types such as Long must keep their class too
    private JsonSerde() {
        mapper = new ObjectMapper()
                .registerModule(new JavaTimeModule()) // instants in dead letters' failures
                .activateDefaultTyping(
                        BasicPolymorphicTypeValidator.builder()
                                .allowIfBaseType(Object.class)
                                .build(),
                        ObjectMapper.DefaultTyping.EVERYTHING,
                        JsonTypeInfo.As.WRAPPER_ARRAY);
    }

    @Override
    public byte[] serialize(Object item, Headers headers) {
        if (item instanceof String text) {
            headers.add(FORMAT, STRING);
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (item instanceof byte[] bytes) {
            headers.add(FORMAT, BYTES);
            return bytes;
        }
        if (item instanceof Long value) {
            headers.add(FORMAT, LONG);
            return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
        }
        if (item instanceof Integer value) {
            headers.add(FORMAT, INT);
            return ByteBuffer.allocate(Integer.BYTES).putInt(value).array();
        }
        if (item instanceof Double value) {
            headers.add(FORMAT, DOUBLE);
            return ByteBuffer.allocate(Double.BYTES).putDouble(value).array();
        }
        headers.add(FORMAT, JSON);
        try {
            return mapper.writeValueAsBytes(item);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write " + item.getClass().getName() + " as JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public Object deserialize(byte[] data, Headers headers) {
        Header format = headers.lastHeader(FORMAT);
        byte[] kind = format == null ? JSON : format.value();
        // compared as bytes: a String per record for the format showed in profiles
        if (Arrays.equals(kind, LONG)) {
            return ByteBuffer.wrap(data).getLong();
        }
        if (Arrays.equals(kind, STRING)) {
            return new String(data, StandardCharsets.UTF_8);
        }
        if (Arrays.equals(kind, JSON)) {
            try {
                return mapper.readValue(data, Object.class);
            } catch (IOException e) {
                throw new UncheckedIOException("not the JSON this serde writes: " + e.getMessage(), e);
            }
        }
        if (Arrays.equals(kind, INT)) {
            return ByteBuffer.wrap(data).getInt();
        }
        if (Arrays.equals(kind, DOUBLE)) {
            return ByteBuffer.wrap(data).getDouble();
        }
        if (Arrays.equals(kind, BYTES)) {
            return data;
        }
        throw new IllegalArgumentException("unknown " + FORMAT + " header '" + new String(kind, StandardCharsets.UTF_8)
                + "'; expected string, bytes, long, int, double or json");
    }
}
