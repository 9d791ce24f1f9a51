package io.sluice.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A user-defined type of object: a name and the fields its objects carry, a subset of JSON Schema ({@code required}
 * and each property's primitive {@code type}). Objects pushed into the cloud are checked against their type at the
 * node they reach; a field the type does not name is let through.
 *
 * <pre>{@code
 * ObjectType order = ObjectType.of("Order", Map.of("id", FieldType.STRING, "amount", FieldType.NUMBER), Set.of("id"));
 * record Invoice(String id, long cents) {}
 * ObjectType invoice = ObjectType.of("Invoice", Invoice.class); // every component required
 * }</pre>
 *
 * <p>As JSON, the form a types file and {@link #toSchema()} use: {@code {"type": "object", "required": ["id"],
 * "properties": {"id": {"type": "string"}, "amount": {"type": "number"}}}}.
 *
 * @param name the type's name, letters, digits, {@code _ . -}
 * @param fields each field's kind, in the order given
 * @param required the fields an object must have, each among {@code fields}
 */
public record ObjectType(String name, Map<String, FieldType> fields, Set<String> required) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Checks the name and that every required field is a field. */
    public ObjectType {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "object type '" + name + "': bad name; expected letters, digits, '_', '.' or '-'");
        }
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        required = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(required));
        for (String field : required) {
            if (!fields.containsKey(field)) {
                throw new IllegalArgumentException("object type '" + name + "': required field '" + field
                        + "' is not among its fields; fields: " + fields.keySet());
            }
        }
    }

    /** A type with {@code fields}, of which {@code required} must be present. */
    public static ObjectType of(String name, Map<String, FieldType> fields, Collection<String> required) {
        return new ObjectType(name, fields, new LinkedHashSet<>(required));
    }

    /**
     * The type of a Java record's JSON form as Jackson writes it: each component a required field; strings, numbers,
     * booleans, collections and arrays map to their JSON kinds, anything else to {@link FieldType#OBJECT}.
     */
    public static ObjectType of(String name, Class<? extends Record> record) {
        Map<String, FieldType> fields = new LinkedHashMap<>();
        for (RecordComponent component : record.getRecordComponents()) {
            fields.put(component.getName(), kindOf(component.getType()));
        }
        return new ObjectType(name, fields, fields.keySet());
    }

    private static FieldType kindOf(Class<?> type) {
        if (type == String.class || type == char.class || type == Character.class || type.isEnum()) {
            return FieldType.STRING;
        }
        if (type == int.class
                || type == long.class
                || type == short.class
                || type == byte.class
                || type == Integer.class
                || type == Long.class
                || type == Short.class
                || type == Byte.class
                || type == java.math.BigInteger.class) {
            return FieldType.INTEGER;
        }
        if (type == double.class || type == float.class || Number.class.isAssignableFrom(type)) {
            return FieldType.NUMBER;
        }
        if (type == boolean.class || type == Boolean.class) {
            return FieldType.BOOLEAN;
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return FieldType.ARRAY;
        }
        return FieldType.OBJECT;
    }

    /**
     * The type a JSON Schema describes: {@code required} and each property's {@code type}.
     *
     * @throws IllegalArgumentException naming the type and the part of the schema that is not understood
     */
    public static ObjectType fromSchema(String name, JsonNode schema) {
        if (schema == null || !schema.isObject()) {
            throw new IllegalArgumentException("object type '" + name + "': schema must be a JSON object but found "
                    + (schema == null ? "nothing" : schema.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        Map<String, FieldType> fields = new LinkedHashMap<>();
        JsonNode properties = schema.path("properties");
        for (Map.Entry<String, JsonNode> property : properties.properties()) {
            JsonNode kind = property.getValue().path("type");
            if (!kind.isTextual()) {
                throw new IllegalArgumentException("object type '" + name + "': property '" + property.getKey()
                        + "' needs a \"type\" (string, number, integer, boolean, object or array)");
            }
            try {
                fields.put(property.getKey(), FieldType.of(kind.asText()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "object type '" + name + "': property '" + property.getKey() + "': " + e.getMessage());
            }
        }
        List<String> required = new ArrayList<>();
        for (JsonNode field : schema.path("required")) {
            required.add(field.asText());
        }
        return of(name, fields, required);
    }

    /**
     * The types of a JSON file mapping each type's name to its schema: {@code {"Order": {"required": [...],
     * "properties": {...}}, "Invoice": {...}}}.
     *
     * @throws IllegalArgumentException naming the file and the type that is wrong
     */
    public static List<ObjectType> readAll(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("types file '" + file + "': cannot read it: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("types file '" + file
                    + "': expected a JSON object mapping each type's name to its schema, such as"
                    + " {\"Order\": {\"required\": [\"id\"], \"properties\": {\"id\": {\"type\": \"string\"}}}}");
        }
        List<ObjectType> types = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            try {
                types.add(fromSchema(entry.getKey(), entry.getValue()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("types file '" + file + "': " + e.getMessage(), e);
            }
        }
        return types;
    }

    /** This type as JSON Schema: {@code {"type": "object", "required": [...], "properties": {...}}}. */
    public JsonNode toSchema() {
        ObjectNode schema = JSON.createObjectNode();
        schema.put("type", "object");
        ArrayNode names = schema.putArray("required");
        required.forEach(names::add);
        ObjectNode properties = schema.putObject("properties");
        fields.forEach((field, kind) -> properties.putObject(field).put("type", kind.schemaName()));
        return schema;
    }

    /**
     * Checks {@code object} against this type.
     *
     * @throws InvalidObjectException naming this type and the first field that does not match
     */
    public void validate(JsonNode object) {
        if (object == null || !object.isObject()) {
            throw new InvalidObjectException(
                    name,
                    "(root)",
                    "must be a JSON object but found " + (object == null ? "nothing" : describe(object)));
        }
        for (String field : required) {
            JsonNode value = object.get(field);
            if (value == null || value.isNull()) {
                throw new InvalidObjectException(name, field, "is required but missing; required fields: " + required);
            }
        }
        for (Map.Entry<String, FieldType> field : fields.entrySet()) {
            JsonNode value = object.get(field.getKey());
            if (value != null && !value.isNull() && !field.getValue().matches(value)) {
                throw new InvalidObjectException(
                        name,
                        field.getKey(),
                        "must be " + article(field.getValue().schemaName()) + " but found " + describe(value));
            }
        }
    }

    private static String article(String kind) {
        return (kind.startsWith("a") || kind.startsWith("i") || kind.startsWith("o") ? "an " : "a ") + kind;
    }

    private static String describe(JsonNode value) {
        String text = value.toString();
        if (text.length() > 40) {
            text = text.substring(0, 37) + "...";
        }
        return value.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + text;
    }
}
