package io.sluice;

import io.sluice.internal.nodes.ChunkNode;
import io.sluice.internal.nodes.FilterNode;
import io.sluice.internal.nodes.MapNode;
import io.sluice.internal.nodes.RouteNode;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Ready-made processing nodes: the composition helpers of the consecution notes ({@link #broadcast}, {@link #route},
 * {@link #merge}, {@link #chunk}) and the everyday {@link #map}, {@link #filter} and {@link #flatMap}. Each returns a
 * spec to add to a graph; {@link ComputationalGraph.Builder} has a method for each.
 */
public final class Nodes {

    private static final Node<Object, Object> PASS_THROUGH = (item, out) -> out.emit(item);

    private Nodes() {}

    /** A node that emits {@code function(item)} for each item; {@code null} results are not emitted. */
    public static <I, O> ProcessingNodeSpec map(String id, Function<? super I, ? extends O> function) {
        return NodeSpec.node(id, new MapNode(function));
    }

    /** A node that passes on the items {@code predicate} accepts. */
    public static <T> ProcessingNodeSpec filter(String id, Predicate<? super T> predicate) {
        return NodeSpec.node(id, new FilterNode(predicate));
    }

    /** A node that emits each element of {@code function(item)}, in order. */
    @SuppressWarnings("unchecked")
    public static <I, O> ProcessingNodeSpec flatMap(
            String id, Function<? super I, ? extends Iterable<? extends O>> function) {
        Objects.requireNonNull(function, "function");
        return NodeSpec.node(id, (Node<Object, Object>) (item, out) -> {
            for (Object element : function.apply((I) item)) {
                out.emit(element);
            }
        });
    }

    /**
     * A node that passes every item to every node it has an edge to: each branch gets each item. (Every port does
     * this; the node gives the fan-out a name in the graph.)
     */
    public static ProcessingNodeSpec broadcast(String id) {
        return NodeSpec.node(id, PASS_THROUGH);
    }

    /** A node that joins the streams of all its inbound edges into one. */
    public static ProcessingNodeSpec merge(String id) {
        return NodeSpec.node(id, PASS_THROUGH);
    }

    /**
     * A node that sends each item to exactly one branch: the output port that {@code branch} names. Each branch needs
     * an edge ({@code "id.branch -> node"}); a name that is not a branch fails the node, naming the item.
     */
    public static <T> ProcessingNodeSpec route(String id, Function<? super T, String> branch, String... branches) {
        Objects.requireNonNull(branch, "branch");
        Set<String> ports = branches(id, branches);
        return NodeSpec.node(id, () -> RouteNode.byFunction(branch, ports)).withOnlyPorts(ports);
    }

    /** A node that sends each item to exactly one branch, to each in turn (round-robin). */
    public static ProcessingNodeSpec route(String id, String... branches) {
        Set<String> ports = branches(id, branches);
        return NodeSpec.node(id, () -> RouteNode.roundRobin(ports)).withOnlyPorts(ports);
    }

    /** A node that groups items into lists as {@code chunking} says, and emits what it holds when the input ends. */
    public static ProcessingNodeSpec chunk(String id, Chunking chunking) {
        Objects.requireNonNull(chunking, "chunking");
        return NodeSpec.node(id, () -> new ChunkNode(chunking));
    }

    private static Set<String> branches(String id, String... branches) {
        if (branches.length == 0) {
            throw new IllegalArgumentException("route needs at least one branch, as in route(\"split\", fn, \"left\","
                    + " \"right\"); found none");
        }
        Set<String> ports = new LinkedHashSet<>();
        for (String branch : branches) {
            if (branch == null) {
                throw new IllegalArgumentException("route '" + id + "': expected a branch name but found null");
            }
            if (!ports.add(branch)) {
                throw new IllegalArgumentException("route '" + id + "': branch '" + branch
                        + "' is given twice; each branch is an output port, so names must be unique");
            }
        }
        return ports;
    }
}
