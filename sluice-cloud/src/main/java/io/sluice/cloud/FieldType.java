package io.sluice.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** The kinds of field an {@link ObjectType} knows, named as in JSON Schema's {@code type}. */
public enum FieldType {
    /** A JSON string. */
    STRING,
    /** Any JSON number. */
    NUMBER,
    /** A JSON number without a fraction. */
    INTEGER,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** A JSON object, not looked into. */
    OBJECT,
    /** A JSON array, not looked into. */
    ARRAY;

    /** The JSON Schema name: {@code string}, {@code number}, … */
    public String schemaName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The field type of a JSON Schema {@code type} name.
     *
     * @throws IllegalArgumentException naming the value and the names there are
     */
    public static FieldType of(String schemaName) {
        for (FieldType type : values()) {
            if (type.schemaName().equals(schemaName)) {
                return type;
            }
        }
        throw new IllegalArgumentException("field type '" + schemaName
                + "': unknown; expected one of string, number, integer, boolean, object, array");
    }

    /** Whether {@code value} is of this kind; JSON {@code null} is of none. */
    public boolean matches(JsonNode value) {
        return switch (this) {
            case STRING -> value.isTextual();
            case NUMBER -> value.isNumber();
            case INTEGER ->
                value.isIntegralNumber()
                        || (value.isNumber()
                                && value.decimalValue().stripTrailingZeros().scale() <= 0);
            case BOOLEAN -> value.isBoolean();
            case OBJECT -> value.isObject();
            case ARRAY -> value.isArray();
        };
    }
}
