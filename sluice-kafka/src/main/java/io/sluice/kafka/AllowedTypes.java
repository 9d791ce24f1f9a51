package io.sluice.kafka;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The item types of a user's own that a {@link io.sluice.SystemType#KAFKA} deployment may move, beyond those it always
 * moves. Over Kafka an item travels as plain JSON with its type named in a record header; a worker reads it back only
 * if that type is allowed, so that whoever can write to a graph's topics cannot make a worker build an object of a
 * class of their choosing. Deny by default: JSON's own types ({@code String}, boxed numbers, {@code Boolean}, {@code
 * BigDecimal}, {@code BigInteger}, lists, sets and maps), {@code java.time} values, {@code UUID} and Sluice's own item
 * types ({@link io.sluice.DeadLetter}, {@link io.sluice.ItemFailure}) are always allowed; anything else must be
 * allowed here, by class or by package, or by its jar (a {@code META-INF/sluice/kafka-types} resource). See {@code
 * docs/kafka-records.md}.
 *
 * <pre>{@code
 * KafkaOptions.of("kafka:9092").withAllowedTypes(Payment.class, Totals.class).withAllowedPackages("com.acme.model");
 * }</pre>
 *
 * <p>A type allowed allows what its fields declare (a {@code record Order(List<Line> lines)} brings {@code Line}
 * along), since those classes come from the allowed class, not from the record; a field declared {@code Object}
 * names its value's class in a header, which must be allowed itself.
 *
 * @param classes binary class names ({@code com.acme.Order}, {@code com.acme.Orders$Line})
 * @param packages package names; each allows its classes and those of its subpackages. The JDK's own packages ({@code
 *     java}, {@code javax}, {@code jdk}, {@code sun}, {@code com.sun}) cannot be allowed whole — allow their classes one
 *     by one
 */
public record AllowedTypes(Set<String> classes, Set<String> packages) {

    private static final Pattern CLASS_NAME =
            Pattern.compile("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*"
                    + "(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)*");
    private static final List<String> JDK_PACKAGES = List.of("java", "javax", "jdk", "sun", "com.sun");

    public AllowedTypes {
        classes = Set.copyOf(new TreeSet<>(classes));
        packages = Set.copyOf(new TreeSet<>(packages));
        for (String name : classes) {
            if (!CLASS_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("AllowedTypes.classes: expected a binary class name such as"
                        + " com.acme.Order or com.acme.Orders$Line but found '" + name + "'");
            }
        }
        for (String name : packages) {
            if (!CLASS_NAME.matcher(name).matches() || name.contains("$")) {
                throw new IllegalArgumentException(
                        "AllowedTypes.packages: expected a package name such as com.acme.model but found '" + name + "'"
                                + (name.endsWith(".*") ? "; leave out the '.*'" : ""));
            }
            for (String jdk : JDK_PACKAGES) {
                if (name.equals(jdk) || name.startsWith(jdk + ".")) {
                    throw new IllegalArgumentException("AllowedTypes.packages: '" + name + "' is part of the JDK,"
                            + " whose classes cannot be allowed by package (some are known deserialization gadgets);"
                            + " allow the classes you need one by one with KafkaOptions.withAllowedTypes");
                }
            }
        }
    }

    /** Nothing beyond what is always allowed: the default. */
    public static AllowedTypes none() {
        return new AllowedTypes(Set.of(), Set.of());
    }

    /** These classes; an array class stands for its element class. */
    public static AllowedTypes of(Class<?>... types) {
        return none().withClasses(types);
    }

    /** These types with {@code types} added; an array class stands for its element class. */
    public AllowedTypes withClasses(Class<?>... types) {
        Set<String> names = new TreeSet<>(classes);
        for (Class<?> type : types) {
            Class<?> element = type;
            while (element.isArray()) {
                element = element.getComponentType();
            }
            if (!element.isPrimitive()) {
                names.add(element.getName());
            }
        }
        return new AllowedTypes(names, packages);
    }

    /** These types with the classes named {@code names} added (binary names, {@code com.acme.Orders$Line}). */
    public AllowedTypes withClassNames(Collection<String> names) {
        Set<String> all = new TreeSet<>(classes);
        all.addAll(names);
        return new AllowedTypes(all, packages);
    }

    /** These types with the packages {@code names} added, each with its subpackages. */
    public AllowedTypes withPackages(String... names) {
        Set<String> all = new TreeSet<>(packages);
        all.addAll(Arrays.asList(names));
        return new AllowedTypes(classes, all);
    }

    /** Whether the class of binary name {@code className} is allowed here (not counting what is always allowed). */
    public boolean allows(String className) {
        if (classes.contains(className)) {
            return true;
        }
        for (String name : packages) {
            if (className.length() > name.length()
                    && className.startsWith(name)
                    && className.charAt(name.length()) == '.') {
                return true;
            }
        }
        return false;
    }
}
