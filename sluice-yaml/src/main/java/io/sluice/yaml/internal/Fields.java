package io.sluice.yaml.internal;

import java.lang.reflect.Method;
import java.util.Map;

/** Reads a dotted field path ({@code customer.id}) from an item: a map's key, a record's component, a bean's getter. */
public final class Fields {

    private Fields() {}

    /** {@code "item"} (or an empty path) is the item itself. */
    public static Object get(Object item, String path) {
        if (path == null || path.isEmpty() || path.equals("item")) {
            return item;
        }
        Object value = item;
        for (String field : path.split("\\.")) {
            value = field(value, field, path);
        }
        return value;
    }

    private static Object field(Object value, String field, String path) {
        if (value == null) {
            throw new IllegalArgumentException("field '" + path + "': reached null before '" + field + "'");
        }
        if (value instanceof Map<?, ?> map) {
            if (!map.containsKey(field)) {
                throw new IllegalArgumentException(
                        "field '" + path + "': the map has no key '" + field + "'; its keys: " + map.keySet());
            }
            return map.get(field);
        }
        for (String name : new String[] {field, "get" + Character.toUpperCase(field.charAt(0)) + field.substring(1)}) {
            try {
                Method accessor = value.getClass().getMethod(name);
                return accessor.invoke(value);
            } catch (NoSuchMethodException e) {
                // try the next form
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException(
                        "field '" + path + "': cannot read '" + field + "' of "
                                + value.getClass().getName() + ": " + e,
                        e);
            }
        }
        throw new IllegalArgumentException(
                "field '" + path + "': " + value.getClass().getName() + " has no field '" + field
                        + "' (no map key, record component or getter of that name)");
    }
}
