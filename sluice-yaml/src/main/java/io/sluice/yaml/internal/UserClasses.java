package io.sluice.yaml.internal;

import io.sluice.EndNode;
import io.sluice.Node;
import io.sluice.NodeSpec;
import io.sluice.ProcessingNodeSpec;
import io.sluice.StartNode;
import io.sluice.spi.Suggestions;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * A user's node named by class ({@code class: com.example.Split}): found on the class path without initialising it,
 * checked to be a public, concrete StartNode, Node or EndNode with a constructor the config fits, and made with that
 * constructor for each instance. A class that is not found is named with a did-you-mean — a built-in kind, a nested
 * class of the same outer class, a class of the same package — never with the whole class path.
 */
final class UserClasses {

    private final Problems problems;

    UserClasses(Problems problems) {
        this.problems = problems;
    }

    /**
     * The node, or {@code null} after a problem.
     *
     * @param config the node's settings, or {@code null} when it has none
     * @param ports side-output ports, or {@code null} when none are declared
     */
    NodeSpec node(
            String id,
            String className,
            Location classAt,
            Map<String, Object> config,
            Location configAt,
            List<String> ports,
            Location portsAt) {
        Class<?> type = load(className, classAt);
        if (type == null) {
            return null;
        }
        String name = Problems.quote(className);
        if (!StartNode.class.isAssignableFrom(type)
                && !Node.class.isAssignableFrom(type)
                && !EndNode.class.isAssignableFrom(type)) {
            problems.add(
                    classAt,
                    "class " + name + " is not a node; implement " + StartNode.class.getName() + ", "
                            + Node.class.getName() + " or " + EndNode.class.getName());
            return null;
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            problems.add(classAt, "class " + name + " is abstract; name a concrete class that can be constructed");
            return null;
        }
        if (!Modifier.isPublic(type.getModifiers())
                || type.getEnclosingClass() != null && !Modifier.isStatic(type.getModifiers())) {
            problems.add(classAt, "class " + name + " is not public and static; make it public (and static if nested)");
            return null;
        }
        Supplier<Object> factory = factory(type, config, classAt, configAt);
        if (factory == null) {
            return null;
        }
        if (StartNode.class.isAssignableFrom(type)) {
            return problems.attempt(classAt, () -> NodeSpec.start(id, () -> (StartNode<?>) factory.get()));
        }
        if (EndNode.class.isAssignableFrom(type)) {
            return problems.attempt(classAt, () -> NodeSpec.end(id, () -> (EndNode<?>) factory.get()));
        }
        ProcessingNodeSpec spec = problems.attempt(classAt, () -> NodeSpec.node(id, () -> (Node<?, ?>) factory.get()));
        if (spec == null || ports == null) {
            return spec;
        }
        return problems.attempt(portsAt, () -> spec.withPorts(ports.toArray(String[]::new)));
    }

    private Class<?> load(String className, Location where) {
        ClassLoader loader = loader();
        try {
            return Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError | IllegalArgumentException e) {
            String suggestion = suggestion(className, loader);
            problems.add(
                    where,
                    "class " + Problems.quote(className) + " was not found on the class path"
                            + (suggestion.isEmpty()
                                    ? "; check the name and that its jar is on the class path"
                                    : suggestion));
            return null;
        }
    }

    private static ClassLoader loader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : UserClasses.class.getClassLoader();
    }

    /** A did-you-mean for a class that was not found, or {@code ""}. */
    static String suggestion(String className, ClassLoader loader) {
        if (className.length() > 200) {
            return "";
        }
        if (!className.contains(".") && !className.contains("$")) {
            return builtIn(className);
        }
        int dollar = className.lastIndexOf('$');
        if (dollar > 0) {
            try {
                Class<?> outer = Class.forName(className.substring(0, dollar), false, loader);
                List<String> nested = new ArrayList<>();
                for (Class<?> inner : outer.getDeclaredClasses()) {
                    nested.add(inner.getName());
                }
                return Suggestions.didYouMean(className, nested);
            } catch (ClassNotFoundException | LinkageError | SecurityException e) {
                // the outer class is missing too: look in its package
            }
        }
        int dot = className.lastIndexOf('.');
        return dot > 0 ? Suggestions.didYouMean(className, inPackage(className.substring(0, dot), loader)) : "";
    }

    /** {@code class: merge} and the like: a built-in kind written as a class. */
    private static String builtIn(String name) {
        Map<String, List<String>> kinds = new LinkedHashMap<>();
        kinds.put("source", NodesReader.SOURCES);
        kinds.put("sink", NodesReader.SINKS);
        kinds.put("use", NodesReader.USES);
        for (var kind : kinds.entrySet()) {
            if (kind.getValue().contains(name)) {
                return "; '" + name + "' is built in: write '" + kind.getKey() + ": " + name + "' instead of class";
            }
        }
        for (var kind : kinds.entrySet()) {
            String close = Suggestions.didYouMean(name, kind.getValue());
            if (!close.isEmpty()) {
                String candidate = close.substring(close.indexOf('\'') + 1, close.lastIndexOf('\''));
                return "; did you mean '" + kind.getKey() + ": " + candidate + "'?";
            }
        }
        return "; a class is named with its package, as in com.example.MyNode";
    }

    /** The top-level classes of a package that the loader finds in directories or jars, as names; empty if none. */
    private static List<String> inPackage(String packageName, ClassLoader loader) {
        String directory = packageName.replace('.', '/');
        TreeSet<String> names = new TreeSet<>();
        try {
            Enumeration<URL> places = loader.getResources(directory);
            for (URL place : Collections.list(places)) {
                if (place.getProtocol().equals("file")) {
                    try (DirectoryStream<Path> files = Files.newDirectoryStream(Path.of(place.toURI()), "*.class")) {
                        for (Path file : files) {
                            add(names, packageName, file.getFileName().toString());
                        }
                    }
                } else if (place.getProtocol().equals("jar")) {
                    URLConnection connection = place.openConnection();
                    if (connection instanceof JarURLConnection jar) {
                        jar.setUseCaches(false);
                        try (JarFile file = jar.getJarFile()) {
                            for (JarEntry entry : Collections.list(file.entries())) {
                                String entryName = entry.getName();
                                if (entryName.startsWith(directory + "/")
                                        && entryName.indexOf('/', directory.length() + 1) < 0) {
                                    add(names, packageName, entryName.substring(directory.length() + 1));
                                }
                            }
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException | java.net.URISyntaxException e) {
            // a hint is a courtesy: without a listing there is none
        }
        return new ArrayList<>(names);
    }

    private static void add(TreeSet<String> names, String packageName, String fileName) {
        if (fileName.endsWith(".class") && !fileName.contains("$") && !fileName.equals("package-info.class")) {
            names.add(packageName + "." + fileName.substring(0, fileName.length() - ".class".length()));
        }
    }

    /** Makes instances with ({@code Map} config) or (), whichever the class has and the config fits. */
    private Supplier<Object> factory(Class<?> type, Map<String, Object> config, Location classAt, Location configAt) {
        try {
            Constructor<?> withConfig = type.getConstructor(Map.class);
            Map<String, Object> frozen =
                    Collections.unmodifiableMap(new LinkedHashMap<>(config == null ? Map.of() : config));
            return () -> newInstance(withConfig, frozen);
        } catch (NoSuchMethodException e) {
            // fall back to a no-argument constructor
        }
        try {
            Constructor<?> plain = type.getConstructor();
            if (config != null && !config.isEmpty()) {
                problems.add(
                        configAt,
                        "class " + Problems.quote(type.getName()) + " takes no config; give it a public constructor"
                                + " taking a Map<String, Object>");
                return null;
            }
            return () -> newInstance(plain);
        } catch (NoSuchMethodException e) {
            problems.add(
                    classAt,
                    "class " + Problems.quote(type.getName()) + " has no public constructor taking () or"
                            + " (Map<String, Object> config); add one");
            return null;
        }
    }

    private static Object newInstance(Constructor<?> constructor, Object... args) {
        try {
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(
                    constructor.getDeclaringClass().getName() + " failed to construct: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "cannot construct " + constructor.getDeclaringClass().getName() + ": " + e, e);
        }
    }
}
