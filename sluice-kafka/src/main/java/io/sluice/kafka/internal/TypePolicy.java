package io.sluice.kafka.internal;

import io.sluice.DeadLetter;
import io.sluice.ItemFailure;
import io.sluice.SluiceException;
import io.sluice.kafka.AllowedTypes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which classes the JSON serde of a deployment may name in a record's type headers, by binary name — decided before
 * any class is loaded, so that a record from outside can never make a worker load, initialise or build a class it did
 * not choose. Allowed are: JSON's own types and the JDK values that read back exactly ({@link #ALWAYS}); Sluice's own
 * item types; the classes and packages of the deployment's {@link AllowedTypes}; and what jars on the class path
 * declare in {@value #DECLARATIONS} — one binary class name, or a package followed by {@code .*}, a line, {@code #}
 * starting a comment — which the owner of the class path put there, as they put the code that runs.
 */
final class TypePolicy {

    /** The resource in which a jar lists the item types its nodes emit. */
    static final String DECLARATIONS = "META-INF/sluice/kafka-types";

    /** Always allowed: what plain JSON carries, JDK values that read back exactly, and Sluice's own item types. */
    static final Set<String> ALWAYS = Stream.of(
                    Object.class,
                    String.class,
                    Boolean.class,
                    Character.class,
                    Byte.class,
                    Short.class,
                    Integer.class,
                    Long.class,
                    Float.class,
                    Double.class,
                    BigInteger.class,
                    BigDecimal.class,
                    List.class,
                    Set.class,
                    Map.class,
                    Map.Entry.class,
                    UUID.class,
                    Instant.class,
                    Duration.class,
                    Period.class,
                    LocalDate.class,
                    LocalTime.class,
                    LocalDateTime.class,
                    OffsetDateTime.class,
                    OffsetTime.class,
                    ZonedDateTime.class,
                    Year.class,
                    YearMonth.class,
                    MonthDay.class,
                    ZoneId.class,
                    ZoneOffset.class,
                    DayOfWeek.class,
                    Month.class,
                    DeadLetter.class,
                    ItemFailure.class)
            .map(Class::getName)
            .collect(Collectors.toUnmodifiableSet());

    private final AllowedTypes allowed;
    private final AllowedTypes declared;

    private TypePolicy(AllowedTypes allowed, AllowedTypes declared) {
        this.allowed = allowed;
        this.declared = declared;
    }

    /**
     * The policy of a deployment that allows {@code allowed}, with the declarations of the class path that {@code
     * loader} sees.
     *
     * @throws SluiceException naming the resource and line of a declaration that is not a class or package name
     */
    static TypePolicy of(AllowedTypes allowed, ClassLoader loader) {
        return new TypePolicy(allowed, declarations(loader));
    }

    /** Whether the class of binary name {@code name} may travel; arrays by their element class. */
    boolean allows(String name) {
        return ALWAYS.contains(name) || allowed.allows(name) || declared.allows(name);
    }

    /** What the class path's jars declare. */
    AllowedTypes declared() {
        return declared;
    }

    /** How a user allows {@code type}, for error messages. */
    static String howToAllow(Class<?> type) {
        String pkg = type.getPackageName();
        String simple = type.getCanonicalName() == null
                ? type.getName()
                : type.getCanonicalName().substring(pkg.isEmpty() ? 0 : pkg.length() + 1);
        return "KafkaOptions.withAllowedTypes(" + simple + ".class)"
                + (pkg.isEmpty() ? "" : " or withAllowedPackages(\"" + pkg + "\")") + ", or a line " + type.getName()
                + " in a " + DECLARATIONS + " resource of its jar; see docs/kafka-records.md";
    }

    /** How a user allows the class named {@code name}, for error messages about classes not loaded. */
    static String howToAllow(String name) {
        int dot = name.lastIndexOf('.');
        String simple = name.substring(dot + 1).replace('$', '.');
        return "KafkaOptions.withAllowedTypes(" + simple + ".class)"
                + (dot < 0 ? "" : " or withAllowedPackages(\"" + name.substring(0, dot) + "\")")
                + " on the reading side"
                + " too, or a line " + name + " in a " + DECLARATIONS
                + " resource of its jar; see docs/kafka-records.md";
    }

    private static AllowedTypes declarations(ClassLoader loader) {
        List<String> classes = new ArrayList<>();
        List<String> packages = new ArrayList<>();
        Enumeration<URL> resources;
        try {
            resources = loader.getResources(DECLARATIONS);
        } catch (IOException e) {
            throw new SluiceException("Cannot list the " + DECLARATIONS + " resources of the class path: " + e, e);
        }
        while (resources.hasMoreElements()) {
            URL url = resources.nextElement();
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
                int number = 0;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    number++;
                    int comment = line.indexOf('#');
                    String entry = (comment < 0 ? line : line.substring(0, comment)).strip();
                    if (entry.isEmpty()) {
                        continue;
                    }
                    try {
                        if (entry.endsWith(".*")) {
                            String pkg = entry.substring(0, entry.length() - 2);
                            AllowedTypes.none().withPackages(pkg); // validates
                            packages.add(pkg);
                        } else {
                            AllowedTypes.none().withClassNames(List.of(entry)); // validates
                            classes.add(entry);
                        }
                    } catch (IllegalArgumentException e) {
                        throw new SluiceException(url + ":" + number + ": expected a class name (com.acme.Order) or a"
                                + " package followed by .* (com.acme.model.*) but found '" + entry + "': "
                                + e.getMessage());
                    }
                }
            } catch (IOException e) {
                throw new SluiceException("Cannot read " + url + ": " + e, e);
            }
        }
        return AllowedTypes.none().withClassNames(classes).withPackages(packages.toArray(String[]::new));
    }
}
