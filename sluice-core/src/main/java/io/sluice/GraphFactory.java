package io.sluice;

import java.lang.reflect.InvocationTargetException;

/**
 * Builds a graph, so that another process — a Kafka worker, a container — can rebuild the very graph that was
 * deployed. Implementations have a public no-argument constructor and are found by class name.
 *
 * <pre>{@code
 * public final class Revenue implements GraphFactory {
 *     public ComputationalGraph create() {
 *         return ComputationalGraph.builder("revenue")...build();
 *     }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface GraphFactory {

    /** Builds the graph; called once per process. */
    ComputationalGraph create();

    /**
     * Builds the graph a reference names: a file that a {@link io.sluice.spi.GraphLoader} on the class path reads
     * (a YAML pipeline with {@code sluice-yaml}), or else a factory's class name.
     *
     * @throws SluiceException if the class cannot be found or made, saying which class and which class path
     */
    static ComputationalGraph load(String className) {
        for (io.sluice.spi.GraphLoader loader :
                java.util.ServiceLoader.load(io.sluice.spi.GraphLoader.class, GraphFactory.class.getClassLoader())) {
            if (loader.accepts(className)) {
                return loader.load(className);
            }
        }
        Class<?> type;
        try {
            type = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new SluiceException(
                    "Graph factory class '" + className + "' was not found on the class path "
                            + System.getProperty("java.class.path")
                            + "; check the name and that its jar is on the class path",
                    e);
        }
        if (!GraphFactory.class.isAssignableFrom(type)) {
            throw new SluiceException("Class '" + className + "' is not a GraphFactory; implement "
                    + GraphFactory.class.getName() + " and its create() method");
        }
        try {
            return ((GraphFactory) type.getConstructor().newInstance()).create();
        } catch (NoSuchMethodException e) {
            throw new SluiceException(
                    "Graph factory '" + className + "' has no public no-argument constructor; add one", e);
        } catch (InvocationTargetException e) {
            throw new SluiceException("Graph factory '" + className + "' failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new SluiceException("Graph factory '" + className + "' cannot be made: " + e, e);
        }
    }
}
