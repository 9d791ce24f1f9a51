package io.sluice;

import io.sluice.spi.Names;
import java.util.Objects;
import java.util.function.Function;

/**
 * A reusable, typed piece of a graph: the nodes that take items of type {@code I} from the stage it is added to, and
 * the stage of type {@code O} it ends in — the consecution notes' {@code node1 | node2}. It is a value, built once:
 * every time it is added to a {@link Flow} ({@link Stage#then(SubGraph)}, {@link Stage#broadcast(SubGraph[])}, {@link
 * Stage#route(String, Function, SubGraph[])}) its function runs again and adds an independent copy of its nodes, each
 * id prefixed with the sub-graph's prefix and a hyphen ({@link Names#SUB_GRAPH_SEPARATOR}): {@code upper} added as
 * {@code b1} is node {@code b1-upper} in status, topics and errors. The prefix is the sub-graph's name unless {@link
 * #as} gives another, as a second copy needs.
 *
 * <pre>{@code
 * SubGraph<String, String> shout = SubGraph.of("shout", in -> in
 *         .map("upper", String::toUpperCase)
 *         .map("bang", s -> s + "!"));
 * SubGraph<String, String> whisper = SubGraph.of("whisper", in -> in.map("lower", String::toLowerCase));
 *
 * // producer < [shout, whisper] > out
 * End<String> out = flow.read("producer", Sources.collection(words))
 *         .broadcast(shout.as("b1"), whisper.as("b2"))    // nodes b1-upper, b1-bang, b2-lower
 *         .to("out", Sinks.collect());                    // fed by b1-bang and b2-lower
 * }</pre>
 *
 * <p>Whatever a stage can do works inside: side outputs, routes, parallelism, stores, partitioning, other sub-graphs
 * (whose prefixes then nest: {@code b1-inner-x}). The stage the function returns is the sub-graph's output; the graph
 * is refused when it is built if the sub-graph does not read the stage it is given, or if no node outside reads its
 * output ({@link Flow#build()}).
 *
 * @param <I> the type of the items it takes
 * @param <O> the type of the items its output stage emits
 */
public final class SubGraph<I, O> {

    private final String name;
    private final String prefix;
    private final Function<Stage<I>, Stage<O>> body;

    private SubGraph(String name, String prefix, Function<Stage<I>, Stage<O>> body) {
        this.name = name;
        this.prefix = prefix;
        this.body = body;
    }

    /**
     * A sub-graph named {@code name}, whose nodes {@code body} attaches to the stage it is given, returning the stage
     * of its last node. Its prefix is its name until {@link #as} says otherwise.
     *
     * @throws IllegalArgumentException if the name is not a valid id (letters, digits, '_' and '-')
     */
    public static <I, O> SubGraph<I, O> of(String name, Function<Stage<I>, Stage<O>> body) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
        checkName("sub-graph '" + name + "': the name", name);
        return new SubGraph<>(name, name, body);
    }

    /**
     * This sub-graph, added under {@code prefix}: its node {@code upper} becomes {@code prefix-upper}. Each copy in a
     * graph needs a prefix of its own; a route's branches are named by them.
     *
     * @throws IllegalArgumentException if the prefix is not a valid id (letters, digits, '_' and '-')
     */
    public SubGraph<I, O> as(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        checkName("sub-graph '" + name + "': the prefix", prefix);
        return new SubGraph<>(name, prefix, body);
    }

    /** The sub-graph's name, which errors use. */
    public String name() {
        return name;
    }

    /** The prefix of its nodes' ids; its name unless {@link #as} gave another. */
    public String prefix() {
        return prefix;
    }

    Function<Stage<I>, Stage<O>> body() {
        return body;
    }

    private static void checkName(String what, String name) {
        String problem = Names.problem(name);
        if (problem != null) {
            throw new IllegalArgumentException(what + " " + problem + " (it prefixes node ids)");
        }
    }

    @Override
    public String toString() {
        return "SubGraph[" + name + (prefix.equals(name) ? "" : " as " + prefix) + "]";
    }
}
