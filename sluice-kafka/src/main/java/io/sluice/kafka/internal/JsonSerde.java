package io.sluice.kafka.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.sluice.kafka.AllowedTypes;
import io.sluice.kafka.KafkaOptions;
import io.sluice.kafka.Serde;
import io.sluice.kafka.Serdes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The default serde. A header {@code sluice.format} says how the value is encoded: {@code string} (UTF-8), {@code
 * bytes} (as is), {@code long} / {@code int} / {@code double} (big-endian, as Kafka's own serializers write them) or
 * {@code json}: the item's plain JSON, as any JSON tool reads it, with its type in the header {@code sluice.type}
 * ({@code java.util.List<com.acme.Order>}) and, where the JSON alone would not bring a value back as it was, a header
 * {@code sluice.type/<JSON pointer>} naming that value's class. See {@code docs/kafka-records.md}.
 *
 * <p>Every class a header names must be allowed by the deployment's {@link TypePolicy}: a writer refuses an item of
 * another class at once ({@link ItemTypeException}, which the worker turns into its node's failure), and a reader
 * refuses a record that names one before loading anything. A value without a {@code sluice.format} header — a record
 * from another tool — is read as plain JSON into maps, lists, strings, numbers and booleans.
 *
 * <p>One instance per {@link AllowedTypes}, shared by every worker of the JVM that uses it.
 */
public final class JsonSerde implements Serde {

    static final String FORMAT = "sluice.format";
    static final String TYPE = "sluice.type";
    /** The start of a hint's header: {@code sluice.type} followed by a JSON pointer, {@code sluice.type/item}. */
    static final String HINT = TYPE + "/";

    private static final byte[] STRING = "string".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BYTES = "bytes".getBytes(StandardCharsets.UTF_8);
    private static final byte[] JSON = "json".getBytes(StandardCharsets.UTF_8);
    private static final byte[] LONG = "long".getBytes(StandardCharsets.UTF_8);
    private static final byte[] INT = "int".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DOUBLE = "double".getBytes(StandardCharsets.UTF_8);
    private static final int CACHE_LIMIT = 1_024;

    /** The serde of {@link Serdes#json()}: the types always allowed, and those the class path declares. */
    public static final JsonSerde INSTANCE = new JsonSerde(AllowedTypes.none());

    private static final Map<AllowedTypes, JsonSerde> BY_TYPES = new ConcurrentHashMap<>();

    static {
        BY_TYPES.put(AllowedTypes.none(), INSTANCE);
    }

    private final ObjectMapper mapper;
    private final ItemTypes types;
    private final ObjectReader plain;
    private final Map<JavaType, Codec> codecs = new ConcurrentHashMap<>();
    /** The codecs of the type headers read last, by a hash of the header: parsing and a String per record cost. */
    private final Codec[] recent = new Codec[16];

    /** The writer and reader of one type, and its header. */
    private record Codec(byte[] header, ObjectWriter writer, ObjectReader reader) {}

    private JsonSerde(AllowedTypes allowed) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = JsonSerde.class.getClassLoader();
        }
        TypePolicy policy = TypePolicy.of(allowed, loader);
        SimpleModule sluice = new SimpleModule("sluice-items");
        sluice.addAbstractTypeMapping(Set.class, LinkedHashSet.class); // a set comes back in the order it was written
        sluice.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyDeserializer(
                    DeserializationConfig config, BeanDescription description, JsonDeserializer<?> deserializer) {
                return description.getBeanClass() == Object.class ? new Hinted(deserializer) : deserializer;
            }
        });
        mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(sluice)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .enable(SerializationFeature.WRITE_DATES_WITH_ZONE_ID)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .polymorphicTypeValidator(new Validator(policy)) // what @JsonTypeInfo(use = CLASS) may name
                .build();
        types = new ItemTypes(mapper, policy, loader);
        plain = mapper.readerFor(Object.class);
    }

    /**
     * The serde the deployment with {@code options} reads and writes items with: its own, or the JSON serde allowing
     * its {@link KafkaOptions#allowedTypes()}.
     */
    public static Serde of(KafkaOptions options) {
        return options.serde() instanceof JsonSerde ? allowing(options.allowedTypes()) : options.serde();
    }

    /** The JSON serde that moves {@code allowed} beyond the types always allowed. */
    public static JsonSerde allowing(AllowedTypes allowed) {
        return BY_TYPES.computeIfAbsent(allowed, JsonSerde::new);
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
        ItemTypes.Described described = types.describe(item);
        Codec codec = codec(described.type());
        headers.add(FORMAT, JSON);
        headers.add(TYPE, codec.header);
        List<String> pointers = described.hintPointers();
        for (int i = 0; i < pointers.size(); i++) {
            headers.add(
                    TYPE + pointers.get(i),
                    ItemTypes.canonical(described.hintTypes().get(i)).getBytes(StandardCharsets.UTF_8));
        }
        try {
            return codec.writer.writeValueAsBytes(item);
        } catch (JsonProcessingException e) {
            throw ItemTypeException.unwritable(
                    item.getClass().getName() + ", which Jackson cannot write as JSON: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public Object deserialize(byte[] data, Headers headers) {
        if (data == null) {
            return null; // a tombstone carries no item
        }
        Header format = headers.lastHeader(FORMAT);
        if (format == null) {
            try {
                return plain.readValue(data); // another tool's JSON, read as JSON's own types
            } catch (IOException e) {
                throw new UncheckedIOException("it has no " + FORMAT + " header and is not JSON: " + e.getMessage(), e);
            }
        }
        byte[] kind = format.value();
        // compared as bytes: a String per record for the format showed in profiles
        if (Arrays.equals(kind, LONG)) {
            return ByteBuffer.wrap(data).getLong();
        }
        if (Arrays.equals(kind, STRING)) {
            return new String(data, StandardCharsets.UTF_8);
        }
        if (Arrays.equals(kind, JSON)) {
            return readJson(data, headers);
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

    private Object readJson(byte[] data, Headers headers) {
        Header typeHeader = headers.lastHeader(TYPE);
        if (typeHeader == null) {
            throw ItemTypeException.unreadable("it has " + FORMAT + " json but no " + TYPE + " header: it was written"
                    + " by a Sluice older than the plain-JSON record format (which named classes inside the JSON, and"
                    + " is no longer read), or by a tool that set " + FORMAT + " without " + TYPE
                    + "; see docs/kafka-records.md");
        }
        byte[] name = typeHeader.value();
        int slot = Arrays.hashCode(name) & (recent.length - 1);
        Codec codec = recent[slot];
        if (codec == null || !Arrays.equals(codec.header, name)) {
            codec = codec(types.parse(new String(name, StandardCharsets.UTF_8)));
            recent[slot] = codec; // a benign race: codecs are immutable, and any one will do
        }
        Map<String, JavaType> hints = null;
        for (Header header : headers) {
            String key = header.key();
            if (key.startsWith(HINT)) {
                if (hints == null) {
                    hints = new HashMap<>();
                } else if (hints.size() == ItemTypes.MAX_HINTS) {
                    throw ItemTypeException.unreadable("it has more than " + ItemTypes.MAX_HINTS + " " + HINT
                            + "… headers, more than a Sluice writer ever writes");
                }
                hints.put(
                        key.substring(TYPE.length()), types.parse(new String(header.value(), StandardCharsets.UTF_8)));
            }
        }
        ObjectReader reader = codec.reader;
        try {
            return hints == null
                    ? reader.readValue(data)
                    : reader.withAttribute(Hinted.HINTS, hints).readValue(data);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "not the plain JSON of " + new String(name, StandardCharsets.UTF_8) + ": " + e.getMessage(), e);
        }
    }

    private Codec codec(JavaType type) {
        Codec codec = codecs.get(type);
        if (codec == null) {
            codec = new Codec(
                    ItemTypes.canonical(type).getBytes(StandardCharsets.UTF_8),
                    mapper.writerFor(type),
                    mapper.readerFor(type));
            if (codecs.size() < CACHE_LIMIT) {
                codecs.put(type, codec);
            }
        }
        return codec;
    }

    /**
     * Reads a value where the declared type is {@code Object}: as the class the record's hint names for its position,
     * or, without one, as plain JSON.
     */
    private static final class Hinted extends DelegatingDeserializer {
        private static final long serialVersionUID = 1L;

        /** The attribute holding the record's hints, by JSON pointer. */
        static final Object HINTS = Hinted.class;

        Hinted(JsonDeserializer<?> plain) {
            super(plain);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
            return new Hinted(delegate);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext context) throws IOException {
            if (context.getAttribute(HINTS) instanceof Map<?, ?> hints
                    && hints.get(p.getParsingContext().pathAsPointer().toString()) instanceof JavaType type) {
                return context.readValue(p, type);
            }
            return super.deserialize(p, context);
        }
    }

    /** Lets Jackson resolve a class name only if the policy allows it. */
    private static final class Validator extends PolymorphicTypeValidator.Base {
        private static final long serialVersionUID = 1L;
        private final transient TypePolicy policy;

        Validator(TypePolicy policy) {
            this.policy = policy;
        }

        @Override
        public Validity validateSubClassName(MapperConfig<?> config, JavaType baseType, String subClassName) {
            return policy.allows(subClassName) ? Validity.ALLOWED : Validity.DENIED;
        }

        @Override
        public Validity validateSubType(MapperConfig<?> config, JavaType baseType, JavaType subType) {
            return policy.allows(subType.getRawClass().getName()) ? Validity.ALLOWED : Validity.DENIED;
        }
    }
}
