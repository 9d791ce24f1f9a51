package io.sluice.internal.local;

import io.sluice.Emitter;
import io.sluice.internal.nodes.FilterNode;
import io.sluice.internal.nodes.MapNode;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-item path through one node instance: takes an item in, calls the user's node, and hands what it emits
 * straight to the next hop of the chain (or to the operator's outputs where the chain branches or ends). A hop is the
 * {@link Emitter} the user's node gets with each item.
 *
 * <p>Why it exists: called from one shared place, {@code node.process} and {@code next.accept} are megamorphic call
 * sites, and the same methods recurring down a chain stop the JIT from inlining one node into the next. So each
 * chain position gets a class of its own, a hidden class defined from a template's bytecode ({@link
 * MethodHandles.Lookup#defineHiddenClass}): its call sites see one node class and one next hop class, and the JIT
 * inlines the whole chain into the source's loop as if it were written as one. The class is chosen by the node's
 * class, the template and the class of the next hop, so deployments of the same graph share the classes (and what
 * the JIT made of them); where a template's bytecode cannot be read the template itself serves, correct but shared.
 * Map and filter nodes get templates of their own ({@link MapHop}, {@link FilterHop}) that call the user's function
 * from the hop, chosen by the function's class too: otherwise every map node of the JVM would call its function from
 * one site, which stops inlining as soon as an application runs a few of them. The templates repeat the same
 * {@code emit} on purpose: written once here, its {@code next.accept} would again be one site for every hop.
 *
 * <p>Guarantees: exactly the semantics of {@link Operator#emit} — the wrapping of what user code throws — on the
 * owning task's thread only. Counting is split: an item handed to the next hop is counted once, as the operator's
 * {@link Operator#itemsPassed} (a map's hop counts what it drops instead, see {@link Operator#passed}); an item from
 * outside the chain is counted by {@link Operator#accept}.
 */
abstract class Hop implements Emitter<Object> {

    final Operator operator;

    /** The chained instance's hop when the default port has that one output; otherwise {@code null}. */
    final Hop next;

    Hop(Operator operator, Hop next) {
        this.operator = operator;
        this.next = next;
    }

    /** Takes one item from the previous hop, or from {@link Operator#accept}; counts nothing itself. */
    abstract void accept(Object item);

    /** Pulls once from a start node, this hop its emitter; returns whether it has more. Start nodes' hops only. */
    boolean pull() throws Exception {
        throw new IllegalStateException("node '" + operator.nodeId + "' is not a start node");
    }

    @Override
    public final void emit(String port, Object item) {
        operator.emit(port, item);
    }

    // ---- one class per chain position ----

    private static final MethodType CONSTRUCTOR =
            MethodType.methodType(void.class, Operator.class, Object.class, Hop.class);

    /** Per node class: per template and next hop class, the constructor of the hidden class for that position. */
    private static final ClassValue<Map<Position, MethodHandle>> POSITIONS = new ClassValue<>() {
        @Override
        protected Map<Position, MethodHandle> computeValue(Class<?> nodeClass) {
            return new ConcurrentHashMap<>();
        }
    };

    /**
     * What makes a position's class: the template, the next hop's class, and for a map or filter node the class of
     * its function, which the hop calls itself (all map nodes are of one class; their functions are not).
     */
    private record Position(Class<? extends Hop> template, Class<?> next, Class<?> function) {}

    /** The hop of {@code operator}, feeding {@code next} (or its outputs when {@code null}). */
    static Hop of(Operator operator, Hop next) {
        return switch (operator) {
            case Operator.Process p
            when p.node instanceof MapNode m -> {
                operator.passedByDrops = next != null;
                yield create(MapHop.class, operator, m, next, m.function().getClass());
            }
            case Operator.Process p
            when p.node instanceof FilterNode f ->
                create(FilterHop.class, operator, f, next, f.predicate().getClass());
            case Operator.Process p -> create(ProcessHop.class, operator, p.node, next, null);
            case Operator.End e -> create(EndHop.class, operator, e.node, next, null);
            case Operator.Source s -> create(SourceHop.class, operator, s.node, next, null);
        };
    }

    private static Hop create(
            Class<? extends Hop> template, Operator operator, Object node, Hop next, Class<?> function) {
        Position position = new Position(template, next == null ? null : next.getClass(), function);
        MethodHandle constructor = POSITIONS.get(node.getClass()).computeIfAbsent(position, Hop::define);
        try {
            return (Hop) constructor.invoke(operator, node, next);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("could not create the hop of node '" + operator.nodeId + "'", e);
        }
    }

    /** A hidden class copied from {@code position}'s template; the template itself if its bytecode is not at hand. */
    private static MethodHandle define(Position position) {
        Class<? extends Hop> template = position.template();
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        try {
            byte[] bytes = TEMPLATES.get(template);
            Class<?> type = bytes == null
                    ? template
                    : lookup.defineHiddenClass(bytes, true).lookupClass();
            return lookup.findConstructor(type, CONSTRUCTOR);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("could not define a hop from " + template.getName(), e);
        }
    }

    /** The bytecode of each template, read once; absent where the class file cannot be read. */
    private static final ClassValue<byte[]> TEMPLATES = new ClassValue<>() {
        @Override
        protected byte[] computeValue(Class<?> template) {
            try (InputStream in = template.getResourceAsStream(template.getSimpleName() + ".class")) {
                return in == null ? null : in.readAllBytes();
            } catch (IOException e) {
                return null;
            }
        }
    };
}
