package io.sluice.kafka.internal;

import com.fasterxml.jackson.databind.AnnotationIntrospector;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.introspect.AnnotatedClass;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.ser.std.BeanSerializerBase;
import com.fasterxml.jackson.databind.type.TypeFactory;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The types of items as the JSON serde names them in record headers: what type to name for an item (inferred from the
 * item itself, so that the JSON can stay plain), and the type a header names (checked against the {@link TypePolicy}
 * before any class is loaded).
 *
 * <p>Writing, an item's type is its class; a list, set or map has the element (key, value) type its elements share,
 * found by looking at them. Wherever the type the JSON will be read back as does not fix the value's class — an element
 * of a collection whose elements differ, a record field declared {@code Object} — a hint names the value's class at its
 * JSON pointer, unless plain JSON reads it back as it is (a {@code String}, {@code Boolean}, {@code Integer} or finite
 * {@code Double}). What plain JSON and hints cannot bring back exactly is refused at once, naming the class and the
 * position: a field of an interface or abstract type that Jackson knows no subtypes of, map keys of several classes or
 * of a class JSON keys cannot carry, collections that are neither lists nor sets, more than {@value #MAX_HINTS} hints,
 * nesting deeper than {@value #MAX_DEPTH}. Every class named must be allowed.
 *
 * <p>Reading, a type is parsed from its canonical text ({@code java.util.List<com.acme.Order>}), every class name in it
 * checked against the policy, and only then loaded — without initialising it.
 */
final class ItemTypes {

    /** Hints beyond this many refuse the item: headers are not meant to carry a type per element of a big list. */
    static final int MAX_HINTS = 64;

    /** How deep items and type names may nest. */
    static final int MAX_DEPTH = 32;

    private static final int MAX_TYPE_NAME = 2_000;
    private static final int CACHE_LIMIT = 1_024;
    private static final Pattern BINARY_NAME =
            Pattern.compile("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*"
                    + "(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)*");
    private static final Pattern ARRAY_NAME = Pattern.compile("\\[+([ZBCSIJFD]|L([^;\\[]+);)");

    /** Key classes JSON object keys bring back exactly. */
    private static final Set<Class<?>> KEY_CLASSES = Set.of(
            String.class,
            Integer.class,
            Long.class,
            Short.class,
            Byte.class,
            BigInteger.class,
            Boolean.class,
            UUID.class);

    private enum Kind {
        /** A value Jackson writes with a serializer of its own: a scalar, an enum, a java.time value. */
        LEAF,
        /** A record or POJO, written property by property. */
        BEAN,
        LIST,
        SET,
        MAP,
        ENTRY,
        ARRAY,
        /** A collection that is neither a list nor a set, which KAFKA does not move. */
        OTHER_COLLECTION
    }

    /** One property of a bean whose declared type does not fix its values' classes. */
    private record Property(String name, JavaType type, AnnotatedMember accessor) {}

    /** What is known of a class, once. */
    private record ClassInfo(
            Class<?> type,
            Kind kind,
            JavaType javaType,
            String name,
            boolean allowed,
            List<Property> open,
            Described alone) {}

    /** What is known of a class; for an allowed class with nothing inside to walk, what to write for it, once. */
    private static ClassInfo classInfo(
            Class<?> type, Kind kind, JavaType javaType, String name, boolean allowed, List<Property> open) {
        boolean closed = allowed && open.isEmpty() && (kind == Kind.LEAF || kind == Kind.BEAN);
        return new ClassInfo(
                type,
                kind,
                javaType,
                name,
                allowed,
                open,
                closed ? new Described(javaType, List.of(), List.of()) : null);
    }

    private final ObjectMapper mapper;
    private final TypeFactory types;
    private final TypePolicy policy;
    private final ClassLoader loader;
    private final ClassValue<ClassInfo> infos = new ClassValue<>() {
        @Override
        protected ClassInfo computeValue(Class<?> type) {
            return inspect(type);
        }
    };
    private final Map<JavaType, Boolean> closedTypes = new ConcurrentHashMap<>();
    private final ThreadLocal<Set<Class<?>>> inspecting = ThreadLocal.withInitial(java.util.HashSet::new);
    private final JavaType object;
    private final JavaType nothing;
    private final Map<String, JavaType> parsed = new ConcurrentHashMap<>();

    ItemTypes(ObjectMapper mapper, TypePolicy policy, ClassLoader loader) {
        this.mapper = mapper;
        this.types = mapper.getTypeFactory();
        this.policy = policy;
        this.loader = loader;
        this.object = types.constructType(Object.class);
        this.nothing = types.constructType(Void.class);
    }

    // ---- writing ----

    /** What to write for one item: the type of the whole, and a hint per position whose class the JSON would lose. */
    record Described(JavaType type, List<String> hintPointers, List<JavaType> hintTypes) {}

    /**
     * The type of {@code item} and its hints.
     *
     * @throws ItemTypeException naming the item's class, and the position and class that cannot travel
     */
    Described describe(Object item) {
        Described alone = item == null ? null : infos.get(item.getClass()).alone;
        if (alone != null) {
            return alone; // a record (or a scalar) of a class whose fields fix their values' classes
        }
        Walk walk = new Walk(item);
        JavaType type = settle(walk.exact(item, "", 0));
        List<JavaType> hints = walk.hintTypes;
        if (!hints.isEmpty()) {
            hints.replaceAll(this::settle);
        }
        return new Described(type, walk.pointers, hints);
    }

    /**
     * The type of an empty collection's elements, or of a null: nothing is known of them, so they fit any element
     * type their neighbours share. Never written: {@link #settle} makes it {@code Object}.
     */
    private boolean isNothing(JavaType type) {
        return type == nothing;
    }

    /** The type elements of types {@code a} and {@code b} can both be read back as exactly; null if there is none. */
    private JavaType unify(JavaType a, JavaType b) {
        if (a.equals(b) || isNothing(b)) {
            return a;
        }
        if (isNothing(a)) {
            return b;
        }
        Class<?> raw = a.getRawClass();
        if (raw != b.getRawClass()) {
            return null;
        }
        if (raw == List.class || raw == Set.class) {
            JavaType content = unify(a.getContentType(), b.getContentType());
            return content == null ? null : types.constructCollectionType(raw.asSubclass(Collection.class), content);
        }
        if (raw == Map.class) {
            JavaType key = unify(a.getKeyType(), b.getKeyType());
            JavaType content = unify(a.getContentType(), b.getContentType());
            return key == null || content == null ? null : types.constructMapType(Map.class, key, content);
        }
        if (raw == Map.Entry.class) {
            JavaType key = unify(a.containedTypeOrUnknown(0), b.containedTypeOrUnknown(0));
            JavaType content = unify(a.containedTypeOrUnknown(1), b.containedTypeOrUnknown(1));
            return key == null || content == null ? null : types.constructParametricType(Map.Entry.class, key, content);
        }
        return null;
    }

    /** The type as it is written and read: what nothing is known of becomes {@code Object}. */
    private JavaType settle(JavaType type) {
        if (isNothing(type)) {
            return object;
        }
        Class<?> raw = type.getRawClass();
        if (raw == List.class || raw == Set.class) {
            JavaType content = settle(type.getContentType());
            return content == type.getContentType()
                    ? type
                    : types.constructCollectionType(raw.asSubclass(Collection.class), content);
        }
        if (raw == Map.class) {
            JavaType key = settle(type.getKeyType());
            JavaType content = settle(type.getContentType());
            return key == type.getKeyType() && content == type.getContentType()
                    ? type
                    : types.constructMapType(Map.class, key, content);
        }
        if (raw == Map.Entry.class) {
            JavaType key = settle(type.containedTypeOrUnknown(0));
            JavaType content = settle(type.containedTypeOrUnknown(1));
            return key == type.containedTypeOrUnknown(0) && content == type.containedTypeOrUnknown(1)
                    ? type
                    : types.constructParametricType(Map.Entry.class, key, content);
        }
        return type;
    }

    /** The canonical text of a type the writer made: {@code java.util.Map<java.lang.String,com.acme.Order>}. */
    static String canonical(JavaType type) {
        Class<?> raw = type.getRawClass();
        if (raw == List.class || raw == Set.class) {
            return raw.getName() + "<" + canonical(type.getContentType()) + ">";
        }
        if (raw == Map.class) {
            return raw.getName() + "<" + canonical(type.getKeyType()) + "," + canonical(type.getContentType()) + ">";
        }
        if (raw == Map.Entry.class) {
            return raw.getName() + "<" + canonical(type.containedTypeOrUnknown(0)) + ","
                    + canonical(type.containedTypeOrUnknown(1)) + ">";
        }
        return raw.getName();
    }

    /** The walk over one item; collects the hints. */
    private final class Walk {
        private final Object root;
        private List<String> pointers = List.of();
        private List<JavaType> hintTypes = List.of();

        Walk(Object root) {
            this.root = root;
        }

        /**
         * The type {@code value} reads back as exactly, named in a header, so its class must be allowed; hints for the
         * positions inside it that need one.
         */
        JavaType exact(Object value, String pointer, int depth) {
            if (value == null) {
                return nothing;
            }
            if (depth > MAX_DEPTH) {
                throw refuse(pointer, "nested deeper than " + MAX_DEPTH + " levels");
            }
            ClassInfo info = infos.get(value.getClass());
            switch (info.kind) {
                case LEAF, BEAN, ARRAY -> {
                    requireAllowed(info, pointer);
                    inside(info, value, pointer, depth);
                    return info.javaType;
                }
                case LIST, SET -> {
                    JavaType element = shared(value, pointer, depth);
                    return types.constructCollectionType(info.kind == Kind.LIST ? List.class : Set.class, element);
                }
                case MAP -> {
                    Map<?, ?> map = (Map<?, ?>) value;
                    JavaType key = keyType(map.keySet(), pointer, info.type);
                    return types.constructMapType(Map.class, key, shared(map, pointer, depth));
                }
                case ENTRY -> {
                    Map.Entry<?, ?> entry = (Map.Entry<?, ?>) value;
                    JavaType key = keyType(java.util.Collections.singleton(entry.getKey()), pointer, info.type);
                    String at = pointer + "/" + escape(keyText(entry.getKey()));
                    Object content = entry.getValue();
                    JavaType type = exact(content, at, depth + 1);
                    return types.constructParametricType(Map.Entry.class, key, type);
                }
                default -> throw refuse(pointer, otherCollection(info));
            }
        }

        /** Walks what a bean or an array holds where its declarations do not fix the classes. */
        private void inside(ClassInfo info, Object value, String pointer, int depth) {
            if (info.kind == Kind.BEAN) {
                for (Property property : info.open) {
                    declared(
                            property.type,
                            property.accessor.getValue(value),
                            pointer + "/" + escape(property.name),
                            depth + 1,
                            "field '" + property.name + "' of " + info.name);
                }
            } else if (info.kind == Kind.ARRAY && !info.type.getComponentType().isPrimitive()) {
                JavaType component = info.javaType.getContentType();
                if (!isClosed(component)) {
                    Object[] elements = (Object[]) value;
                    for (int i = 0; i < elements.length; i++) {
                        declared(component, elements[i], pointer + "/" + i, depth + 1, "an element of " + info.name);
                    }
                }
            }
        }

        /**
         * The element type the values of a collection (or map) share, or {@code Object} — then each value whose class
         * plain JSON loses gets a hint.
         */
        private JavaType shared(Object container, String pointer, int depth) {
            Collection<?> values = container instanceof Map<?, ?> map ? map.values() : (Collection<?>) container;
            int n = values.size();
            JavaType[] found = new JavaType[n];
            Object[] keys = container instanceof Map<?, ?> ? new Object[n] : null; // pointers are made when needed
            Object[] items = new Object[n];
            JavaType common = null;
            boolean mixed = false;
            int i = 0;
            if (container instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    keys[i] = entry.getKey();
                    items[i++] = entry.getValue();
                }
            } else {
                for (Object value : values) {
                    items[i++] = value;
                }
            }
            Class<?> lastClass = null;
            for (i = 0; i < n; i++) {
                Object value = items[i];
                if (value == null) {
                    continue;
                }
                if (value.getClass() == lastClass) {
                    ClassInfo info = infos.get(lastClass);
                    if (info.kind == Kind.LEAF || (info.kind == Kind.BEAN && info.open.isEmpty())) {
                        found[i] = info.javaType;
                        continue; // the same closed class again: the same type, nothing inside to walk
                    }
                }
                JavaType type = exact(value, at(pointer, keys, i), depth + 1);
                found[i] = type;
                lastClass = value.getClass();
                if (common == null) {
                    common = type;
                } else if (!mixed) {
                    JavaType both = unify(common, type);
                    mixed = both == null;
                    common = mixed ? common : both;
                }
            }
            if (common == null || !mixed) {
                return common == null ? nothing : common;
            }
            for (i = 0; i < n; i++) {
                if (items[i] != null && !natural(items[i])) {
                    hint(at(pointer, keys, i), found[i]);
                }
            }
            return object;
        }

        /** The pointer of element {@code i} of a list or set ({@code keys} null), or of a map's value. */
        private static String at(String pointer, Object[] keys, int i) {
            return pointer + "/" + (keys == null ? Integer.toString(i) : escape(keyText(keys[i])));
        }

        /**
         * Checks a value at a position whose type the reader takes from a declaration (a bean's field, an array's
         * element type): the declaration must bring it back as it is, or be {@code Object}, where a hint will.
         */
        private void declared(JavaType declared, Object value, String pointer, int depth, String where) {
            if (value == null || declared.isPrimitive()) {
                return;
            }
            if (depth > MAX_DEPTH) {
                throw refuse(pointer, "nested deeper than " + MAX_DEPTH + " levels");
            }
            Class<?> raw = declared.getRawClass();
            if (raw == Object.class) {
                JavaType type = exact(value, pointer, depth);
                if (!natural(value)) {
                    hint(pointer, type);
                }
                return;
            }
            if (isClosed(declared)) {
                return; // what the declaration reads back is what was written, all the way down
            }
            ClassInfo info = infos.get(value.getClass());
            boolean fits =
                    switch (info.kind) {
                        case LIST -> raw == List.class || raw == Collection.class || raw.isInstance(value);
                        case SET -> raw == Set.class || raw.isInstance(value) && raw != Collection.class;
                        case MAP -> raw == Map.class || raw.isInstance(value);
                        case ENTRY -> raw == Map.Entry.class;
                        case LEAF, BEAN, ARRAY -> raw == info.type || raw == info.javaType.getRawClass();
                        case OTHER_COLLECTION -> throw refuse(pointer, otherCollection(info));
                    };
            if (!fits) {
                throw refuse(
                        pointer,
                        info.name + " where " + where + " is declared " + declared.toCanonical()
                                + "; KAFKA writes plain JSON and reads a value back as its declared type, so it would"
                                + " not come back as " + info.name + "; declare it as " + info.name + " or as Object"
                                + " (then a header names the class), or give " + raw.getName()
                                + " Jackson type information (@JsonTypeInfo with @JsonSubTypes)");
            }
            switch (info.kind) {
                case LIST, SET -> {
                    JavaType content = declared.getContentType();
                    int i = 0;
                    for (Object element : (Collection<?>) value) {
                        declared(content, element, pointer + "/" + i++, depth + 1, "an element of " + where);
                    }
                }
                case MAP -> {
                    Map<?, ?> map = (Map<?, ?>) value;
                    Class<?> key = declared.getKeyType().getRawClass();
                    for (Map.Entry<?, ?> entry : map.entrySet()) {
                        if (entry.getKey() != null && !keyFits(key, entry.getKey())) {
                            throw refuse(
                                    pointer,
                                    "a map whose key "
                                            + entry.getKey().getClass().getName() + " is declared "
                                            + declared.getKeyType().toCanonical() + " (" + where + "); JSON object keys"
                                            + " are text, read back as the declared key type; declare the keys as"
                                            + " their class");
                        }
                        declared(
                                declared.getContentType(),
                                entry.getValue(),
                                pointer + "/" + escape(keyText(entry.getKey())),
                                depth + 1,
                                "a value of " + where);
                    }
                }
                case ENTRY -> {
                    Map.Entry<?, ?> entry = (Map.Entry<?, ?>) value;
                    declared(
                            declared.containedTypeOrUnknown(1),
                            entry.getValue(),
                            pointer + "/" + escape(keyText(entry.getKey())),
                            depth + 1,
                            "the value of " + where);
                }
                default -> inside(info, value, pointer, depth);
            }
        }

        private JavaType keyType(Collection<?> keys, String pointer, Class<?> container) {
            Class<?> common = null;
            Set<String> classes = new TreeSet<>();
            for (Object key : keys) {
                if (key == null) {
                    continue; // Jackson refuses it when writing, with its own message
                }
                Class<?> type = key instanceof Enum<?> e ? e.getDeclaringClass() : key.getClass();
                classes.add(type.getName());
                common = common == null ? type : common;
            }
            if (classes.size() > 1) {
                throw refuse(
                        pointer,
                        "a " + container.getName() + " whose keys are of several classes " + classes + "; JSON object"
                                + " keys are text, so KAFKA reads back the keys of a map as one class; give a map keys"
                                + " of one class");
            }
            if (common == null) {
                return nothing;
            }
            if (!KEY_CLASSES.contains(common) && !common.isEnum()) {
                throw refuse(
                        pointer,
                        "a " + container.getName() + " whose keys are " + common.getName() + "; JSON object keys are"
                                + " text, and KAFKA reads back map keys of String, Integer, Long, Short, Byte,"
                                + " BigInteger, Boolean, UUID or an enum; key the map by one of those, or emit a list of"
                                + " records");
            }
            ClassInfo info = infos.get(common);
            requireAllowed(info, pointer);
            return info.javaType;
        }

        private void requireAllowed(ClassInfo info, String pointer) {
            if (!info.allowed) {
                Class<?> type = info.type;
                while (type.isArray()) {
                    type = type.getComponentType();
                }
                throw refuse(
                        pointer,
                        info.name + ", which KAFKA does not move unless allowed: " + TypePolicy.howToAllow(type));
            }
        }

        /** The item for people: its class, or for a collection what kind it is (its class is not what travels). */
        private String describeRoot() {
            return switch (root) {
                case List<?> list -> "a java.util.List";
                case Set<?> set -> "a java.util.Set";
                case Map<?, ?> map -> "a java.util.Map";
                case Map.Entry<?, ?> entry -> "a java.util.Map$Entry";
                default -> root.getClass().getName();
            };
        }

        private void hint(String pointer, JavaType type) {
            if (pointers.isEmpty()) {
                pointers = new ArrayList<>();
                hintTypes = new ArrayList<>();
            }
            if (pointers.size() == MAX_HINTS) {
                throw refuse(
                        pointer,
                        "more than " + MAX_HINTS + " values whose class plain JSON loses (the first at "
                                + pointers.get(0) + ": " + canonical(hintTypes.get(0)) + "); KAFKA names the class"
                                + " of each in a header, at most " + MAX_HINTS + " a record; give a collection elements"
                                + " of one class, or a record fields of their own types");
            }
            pointers.add(pointer);
            hintTypes.add(type);
        }

        private ItemTypeException refuse(String pointer, String problem) {
            String text = pointer.isEmpty() ? problem : describeRoot() + " holding, at " + pointer + ", " + problem;
            return ItemTypeException.unwritable(text, null);
        }
    }

    private static String otherCollection(ClassInfo info) {
        return "a " + info.name + ", a collection that is neither a List nor a Set; KAFKA writes a collection as a JSON"
                + " array and reads it back as a List or a Set, so emit one of those";
    }

    /** Whether a map key of a value reads back as itself under the declared key type. */
    private static boolean keyFits(Class<?> declared, Object key) {
        return declared == key.getClass()
                || (declared.isEnum() && declared.isInstance(key))
                || (declared == Object.class && key instanceof String);
    }

    /** Values plain JSON reads back as themselves where the declared type is {@code Object}. */
    private static boolean natural(Object value) {
        return value instanceof String
                || value instanceof Boolean
                || value instanceof Integer
                || (value instanceof Double d && Double.isFinite(d));
    }

    /** How Jackson writes a map key, so that a hint's pointer matches the JSON. */
    private static String keyText(Object key) {
        return key instanceof Enum<?> e ? e.name() : String.valueOf(key);
    }

    /** A JSON pointer segment. */
    static String escape(String segment) {
        return segment.indexOf('~') < 0 && segment.indexOf('/') < 0
                ? segment
                : segment.replace("~", "~0").replace("/", "~1");
    }

    /**
     * Whether a declared type reads back exactly whatever value it holds, so that values there need no walk: final
     * scalar and bean types whose own fields are closed, and lists, sets and maps of those.
     */
    private boolean isClosed(JavaType declared) {
        Boolean known = closedTypes.get(declared);
        if (known != null) {
            return known;
        }
        boolean closed = closed(declared, new IdentityHashMap<>());
        if (closedTypes.size() < CACHE_LIMIT) {
            closedTypes.put(declared, closed);
        }
        return closed;
    }

    private boolean closed(JavaType declared, IdentityHashMap<Class<?>, Boolean> visiting) {
        if (declared.isPrimitive()) {
            return true;
        }
        Class<?> raw = declared.getRawClass();
        if (raw == Object.class || raw == Collection.class || raw == Iterable.class) {
            return false;
        }
        if (raw == Map.Entry.class) {
            return closedKey(declared.containedTypeOrUnknown(0))
                    && closed(declared.containedTypeOrUnknown(1), visiting);
        }
        if (declared.isMapLikeType()) {
            return closedKey(declared.getKeyType()) && closed(declared.getContentType(), visiting);
        }
        if (declared.isCollectionLikeType() || declared.isArrayType()) {
            return closed(declared.getContentType(), visiting);
        }
        if (declared.isContainerType() || declared.isReferenceType()) {
            return false;
        }
        if (hasTypeInfo(declared)) {
            return true; // Jackson writes and checks the subtype itself
        }
        if (visiting.containsKey(raw) || inspecting.get().contains(raw)) {
            return false; // a recursive type: checked value by value
        }
        visiting.put(raw, Boolean.TRUE);
        ClassInfo info = infos.get(raw);
        if (info.kind == Kind.LEAF) {
            return Modifier.isFinal(raw.getModifiers())
                    || raw.isEnum()
                    || raw == BigDecimal.class
                    || raw == BigInteger.class
                    || raw == ZoneId.class;
        }
        if (info.kind != Kind.BEAN || !Modifier.isFinal(raw.getModifiers())) {
            return false; // an interface, an abstract or open class: a subclass would not come back
        }
        return info.open.isEmpty();
    }

    private boolean closedKey(JavaType key) {
        Class<?> raw = key.getRawClass();
        return KEY_CLASSES.contains(raw) || raw.isEnum();
    }

    private boolean hasTypeInfo(JavaType type) {
        SerializationConfig config = mapper.getSerializationConfig();
        AnnotatedClass annotated = config.introspectClassAnnotations(type).getClassInfo();
        return config.getAnnotationIntrospector().findTypeResolver(config, annotated, type) != null;
    }

    /** What the serde needs to know of a class, worked out once. */
    private ClassInfo inspect(Class<?> type) {
        if (Enum.class.isAssignableFrom(type) && !type.isEnum()) {
            return infos.get(type.getSuperclass()); // an enum constant with a body
        }
        if (ZoneId.class.isAssignableFrom(type) && type != ZoneOffset.class && type != ZoneId.class) {
            return infos.get(ZoneId.class); // ZoneRegion, which is not public
        }
        if (List.class.isAssignableFrom(type)) {
            return classInfo(type, Kind.LIST, null, type.getName(), true, List.of());
        }
        if (Set.class.isAssignableFrom(type)) {
            return classInfo(type, Kind.SET, null, type.getName(), true, List.of());
        }
        if (Map.class.isAssignableFrom(type)) {
            return classInfo(type, Kind.MAP, null, type.getName(), true, List.of());
        }
        if (Map.Entry.class.isAssignableFrom(type)) {
            return classInfo(type, Kind.ENTRY, null, type.getName(), true, List.of());
        }
        if (Collection.class.isAssignableFrom(type)) {
            return classInfo(type, Kind.OTHER_COLLECTION, null, type.getName(), false, List.of());
        }
        JavaType javaType = types.constructType(type);
        if (type.isArray()) {
            Class<?> element = type;
            while (element.isArray()) {
                element = element.getComponentType();
            }
            boolean allowed = element.isPrimitive() || policy.allows(element.getName());
            return classInfo(type, Kind.ARRAY, javaType, type.getTypeName(), allowed, List.of());
        }
        boolean allowed = policy.allows(type.getName());
        JsonSerializer<Object> serializer;
        try {
            serializer = mapper.getSerializerProviderInstance().findValueSerializer(type);
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            throw ItemTypeException.unwritable(
                    type.getName() + ", which Jackson cannot write as JSON: " + e.getOriginalMessage(), e);
        }
        if (!(serializer instanceof BeanSerializerBase)) {
            return classInfo(type, Kind.LEAF, javaType, type.getName(), allowed, List.of());
        }
        SerializationConfig config = mapper.getSerializationConfig();
        BeanDescription description = config.introspect(javaType);
        List<Property> open = new ArrayList<>();
        Set<Class<?>> underWay = inspecting.get();
        underWay.add(type);
        try {
            properties(description, config, open);
        } finally {
            underWay.remove(type);
        }
        return classInfo(type, Kind.BEAN, javaType, type.getName(), allowed, List.copyOf(open));
    }

    /** The properties of a bean whose declared types do not fix their values' classes. */
    private void properties(BeanDescription description, SerializationConfig config, List<Property> open) {
        AnnotationIntrospector annotations = config.getAnnotationIntrospector();
        if (description.findAnyGetter() == null) {
            for (BeanPropertyDefinition property : description.findProperties()) {
                AnnotatedMember accessor = property.getAccessor();
                if (accessor == null || !property.couldSerialize()) {
                    continue;
                }
                if (annotations.findSerializer(accessor) != null
                        || annotations.findUnwrappingNameTransformer(accessor) != null
                        || annotations.findPropertyTypeResolver(config, accessor, accessor.getType()) != null) {
                    continue; // the user told Jackson how: trusted as it is
                }
                JavaType declared = accessor.getType();
                if (!isClosed(declared)) {
                    accessor.fixAccess(true);
                    open.add(new Property(property.getName(), declared, accessor));
                }
            }
        }
    }

    // ---- reading ----

    /**
     * The type the canonical text {@code name} stands for: every class name in it checked against the policy, then
     * loaded without initialisation.
     *
     * @throws ItemTypeException if the text is not one the writer makes, or names a class that is not allowed or cannot
     *     be found
     */
    JavaType parse(String name) {
        JavaType known = parsed.get(name);
        if (known != null) {
            return known;
        }
        if (name.length() > MAX_TYPE_NAME) {
            throw ItemTypeException.unreadable("its type header is " + name.length()
                    + " characters long, more than the " + MAX_TYPE_NAME + " a Sluice writer ever makes");
        }
        Parser parser = new Parser(name);
        // every class name first, before anything is loaded
        parser.check(parser.names());
        JavaType type = parser.type(0);
        if (parser.at != name.length()) {
            throw parser.malformed();
        }
        if (parsed.size() < CACHE_LIMIT) {
            parsed.put(name, type);
        }
        return type;
    }

    private final class Parser {
        private final String text;
        private int at;

        Parser(String text) {
            this.text = text;
        }

        /** Every class name in the text, without parsing its structure. */
        List<String> names() {
            List<String> names = new ArrayList<>();
            for (String part : text.split("[<>,]", -1)) {
                if (!part.isEmpty()) {
                    names.add(part.strip());
                }
            }
            return names;
        }

        void check(List<String> names) {
            Set<String> refused = new LinkedHashSet<>();
            for (String name : names) {
                String element = name;
                java.util.regex.Matcher array = ARRAY_NAME.matcher(name);
                if (array.matches()) {
                    if (array.group(2) == null) {
                        continue; // an array of primitives
                    }
                    element = array.group(2);
                }
                if (!BINARY_NAME.matcher(element).matches()) {
                    throw malformed();
                }
                if (!policy.allows(element)) {
                    refused.add(element);
                }
            }
            if (!refused.isEmpty()) {
                String first = refused.iterator().next();
                throw ItemTypeException.unreadable("its type header '" + text + "' names "
                        + (refused.size() == 1 ? "class " + first : "classes " + refused)
                        + ", which KAFKA does not move unless allowed (the class was not loaded); if the record is"
                        + " yours, allow it: " + TypePolicy.howToAllow(first));
            }
        }

        JavaType type(int depth) {
            if (depth > MAX_DEPTH) {
                throw ItemTypeException.unreadable(
                        "its type header '" + text + "' nests deeper than " + MAX_DEPTH + " levels");
            }
            int start = at;
            while (at < text.length() && "<>,".indexOf(text.charAt(at)) < 0) {
                at++;
            }
            String name = text.substring(start, at).strip();
            if (name.isEmpty()) {
                throw malformed();
            }
            List<JavaType> parameters = new ArrayList<>();
            if (at < text.length() && text.charAt(at) == '<') {
                do {
                    at++;
                    parameters.add(type(depth + 1));
                } while (at < text.length() && text.charAt(at) == ',');
                if (at >= text.length() || text.charAt(at) != '>') {
                    throw malformed();
                }
                at++;
            }
            return construct(name, parameters);
        }

        private JavaType construct(String name, List<JavaType> parameters) {
            switch (name) {
                case "java.util.List", "java.util.Set" -> {
                    requireParameters(name, parameters, 1);
                    return types.constructCollectionType(
                            name.equals("java.util.List") ? List.class : Set.class, parameters.get(0));
                }
                case "java.util.Map" -> {
                    requireParameters(name, parameters, 2);
                    return types.constructMapType(Map.class, parameters.get(0), parameters.get(1));
                }
                case "java.util.Map$Entry" -> {
                    requireParameters(name, parameters, 2);
                    return types.constructParametricType(Map.Entry.class, parameters.get(0), parameters.get(1));
                }
                default -> {
                    requireParameters(name, parameters, 0);
                    try {
                        return types.constructType(Class.forName(name, false, loader));
                    } catch (ClassNotFoundException | LinkageError e) {
                        throw ItemTypeException.unreadable("its type header names class " + name
                                + ", which is not on this worker's class path (" + e + ")");
                    }
                }
            }
        }

        private void requireParameters(String name, List<JavaType> parameters, int expected) {
            if (parameters.size() != expected) {
                throw ItemTypeException.unreadable("its type header '" + text + "' gives " + name + " "
                        + parameters.size() + " type parameters; expected " + expected);
            }
        }

        ItemTypeException malformed() {
            return ItemTypeException.unreadable("its type header '" + text + "' is not a type a Sluice writer makes,"
                    + " such as java.util.List<com.acme.Order>");
        }
    }
}
