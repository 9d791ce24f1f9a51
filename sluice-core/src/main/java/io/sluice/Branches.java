package io.sluice;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The outputs of sub-graphs added side by side — by {@link Stage#broadcast(SubGraph[])} or {@link Stage#route(String,
 * java.util.function.Function, SubGraph[])} — each a stage of type {@code T}, known by its sub-graph's prefix. Join
 * them with {@link #merge}, or attach one node that every branch feeds with {@link #then} or {@link #to}: the
 * consecution notes' {@code producer < [branch1, branch2] > node5}.
 *
 * <pre>{@code
 * End<String> out = flow.read("producer", Sources.collection(words))
 *         .broadcast(shout.as("b1"), whisper.as("b2"))
 *         .then("node5", Node5::new)          // fed by both branches, no merge node between
 *         .to("out", Sinks.collect());
 * }</pre>
 *
 * @param <T> the type of the items every branch emits
 */
public final class Branches<T> {

    private final Flow flow;
    private final Map<String, Stage<T>> branches;

    Branches(Flow flow, Map<String, Stage<T>> branches) {
        this.flow = flow;
        this.branches = Collections.unmodifiableMap(new LinkedHashMap<>(branches));
    }

    /**
     * The output stage of the branch added as {@code prefix}.
     *
     * @throws IllegalArgumentException if no branch was added under that prefix, listing those that were
     */
    public Stage<T> branch(String prefix) {
        Stage<T> stage = branches.get(prefix);
        if (stage == null) {
            throw new IllegalArgumentException(
                    "no branch was added as '" + prefix + "'; the branches: " + branches.keySet());
        }
        return stage;
    }

    /** The output stages of all branches, in the order they were given. */
    public List<Stage<T>> stages() {
        return List.copyOf(branches.values());
    }

    /** Joins the branches into one stage, through a merge node {@code id}; see {@link Flow#merge}. */
    public Stage<T> merge(String id) {
        return flow.merge(id, stages());
    }

    /** A node of your own that every branch feeds, one object per instance made by {@code factory}. */
    public <R> Stage<R> then(String id, Supplier<? extends Node<? super T, R>> factory) {
        return flow.attach(NodeSpec.node(id, factory), stages());
    }

    /** A stateless node of your own that every branch feeds, shared by all its instances. */
    public <R> Stage<R> then(String id, Node<? super T, R> node) {
        return flow.attach(NodeSpec.node(id, node), stages());
    }

    /** An end node that every branch feeds; its handle reads the results it keeps as {@code T}. */
    public End<T> to(String id, Supplier<? extends EndNode<? super T>> sink) {
        return new End<>(flow.attach(NodeSpec.end(id, sink), stages()));
    }

    @Override
    public String toString() {
        List<String> shown = new ArrayList<>();
        branches.forEach((prefix, stage) -> shown.add(prefix + ": " + stage));
        return "Branches" + shown;
    }
}
