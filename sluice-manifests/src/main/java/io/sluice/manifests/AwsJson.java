package io.sluice.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.utils.builder.SdkBuilder;

/**
 * An AWS SDK request as the JSON of its service's API, members named as the service names them — the form {@code aws
 * … --cli-input-json} reads — written and read through the SDK model's own field descriptions. EventBridge needs it:
 * its members are {@code Name} and {@code ScheduleExpression}, which a bean view of the SDK's builders would write
 * {@code name} and {@code scheduleExpression}, and the CLI would refuse.
 */
final class AwsJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AwsJson() {}

    /** The request's members that are set, in the API's order; empty lists and maps are left out. */
    static ObjectNode write(SdkPojo pojo) {
        ObjectNode json = NODES.objectNode();
        for (SdkField<?> field : pojo.sdkFields()) {
            Object value = field.getValueOrDefault(pojo);
            if (value != null && !isEmptyCollection(value)) {
                json.set(field.locationName(), value(field, value));
            }
        }
        return json;
    }

    private static boolean isEmptyCollection(Object value) {
        return (value instanceof Collection<?> c && c.isEmpty()) || (value instanceof Map<?, ?> m && m.isEmpty());
    }

    private static JsonNode value(SdkField<?> field, Object value) {
        MarshallingType<?> type = field.marshallingType();
        if (type == MarshallingType.SDK_POJO) {
            return write((SdkPojo) value);
        }
        if (type == MarshallingType.LIST) {
            SdkField<?> member = field.getRequiredTrait(ListTrait.class).memberFieldInfo();
            ArrayNode array = NODES.arrayNode();
            for (Object item : (List<?>) value) {
                array.add(value(member, item));
            }
            return array;
        }
        if (type == MarshallingType.STRING) {
            return NODES.textNode((String) value);
        }
        if (type == MarshallingType.INTEGER) {
            return NODES.numberNode((Integer) value);
        }
        if (type == MarshallingType.LONG) {
            return NODES.numberNode((Long) value);
        }
        if (type == MarshallingType.BOOLEAN) {
            return NODES.booleanNode((Boolean) value);
        }
        throw new IllegalStateException("AwsJson writes no " + type + " yet (member " + field.memberName() + ")");
    }

    /**
     * Reads {@code json} into {@code builder} (a request's, such as {@code PutRuleRequest.builder()}) and builds it.
     *
     * @throws IllegalArgumentException naming a member the request does not have
     */
    @SuppressWarnings("unchecked")
    static <T> T read(JsonNode json, SdkPojo builder) {
        Set<String> known = new HashSet<>();
        for (SdkField<?> field : builder.sdkFields()) {
            known.add(field.locationName());
            JsonNode value = json.get(field.locationName());
            if (value != null && !value.isNull()) {
                field.set(builder, read(field, value));
            }
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown member '" + name + "'; expected one of " + known);
            }
        }
        return ((SdkBuilder<?, T>) builder).build();
    }

    private static Object read(SdkField<?> field, JsonNode value) {
        MarshallingType<?> type = field.marshallingType();
        if (type == MarshallingType.SDK_POJO) {
            return read(value, field.constructor().get());
        }
        if (type == MarshallingType.LIST) {
            SdkField<?> member = field.getRequiredTrait(ListTrait.class).memberFieldInfo();
            List<Object> items = new ArrayList<>();
            value.forEach(item -> items.add(read(member, item)));
            return items;
        }
        if (type == MarshallingType.STRING) {
            return value.asText();
        }
        if (type == MarshallingType.INTEGER) {
            return value.intValue();
        }
        if (type == MarshallingType.LONG) {
            return value.longValue();
        }
        if (type == MarshallingType.BOOLEAN) {
            return value.booleanValue();
        }
        throw new IllegalStateException("AwsJson reads no " + type + " yet (member " + field.memberName() + ")");
    }
}
