package io.sluice;

import java.util.Objects;

/**
 * A named output of a graph, which other graphs read as an input: the handle {@link Stage#output} returns, or one
 * named by hand for a graph built elsewhere. Its address is {@code <graph>.<name>}; on KAFKA it is also the topic
 * that carries it.
 *
 * <pre>{@code
 * GraphOutput<Order> cleaned = orders.read("raw", source).map("clean", Order::clean).output("cleaned");
 * Stage<Order> in = billing.input("orders", cleaned);            // typed, in the same program
 * Stage<Object> any = audit.input("orders", GraphOutput.of("orders", "cleaned")); // by name
 * }</pre>
 *
 * <p>Between graphs only what the link promises holds: on LOCAL an in-memory channel in one JVM (nothing survives
 * the process); on KAFKA the topic, exactly-once when both graphs run exactly-once. When every instance of the output
 * has completed, the graphs reading it see their input end: a batch is whole.
 *
 * @param graph the name of the graph publishing it
 * @param name the id of its end node
 * @param <T> the type of the items it carries
 */
public record GraphOutput<T>(String graph, String name) {

    public GraphOutput {
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(name, "name");
    }

    /** The output {@code name} of the graph {@code graph}, untyped. */
    public static GraphOutput<Object> of(String graph, String name) {
        return new GraphOutput<>(graph, name);
    }

    /** {@code <graph>.<name>}. */
    public String address() {
        return graph + "." + name;
    }

    @Override
    public String toString() {
        return address();
    }
}
