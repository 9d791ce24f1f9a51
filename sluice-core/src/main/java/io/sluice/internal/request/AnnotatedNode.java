package io.sluice.internal.request;

import io.sluice.From;
import io.sluice.InvalidGraphException;
import io.sluice.RequestNode;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A request node written as a class: its public {@code load} method names each parent it reads with {@link From} on
 * the parameter that receives that parent's output; the one parameter without {@code @From}, if any, gets the context.
 */
public final class AnnotatedNode<C> implements RequestNode<C> {

    private final Object target;
    private final Method load;
    private final String[] sources; // per parameter: the parent id, or null for the context
    private final List<String> parents;

    private AnnotatedNode(Object target, Method load, String[] sources) {
        this.target = target;
        this.load = load;
        this.sources = sources;
        this.parents = Arrays.stream(sources).filter(s -> s != null).distinct().toList();
    }

    /**
     * Reads the node's {@code load} method.
     *
     * @throws InvalidGraphException if there is not exactly one, or its parameters are not as described above
     */
    public static <C> AnnotatedNode<C> of(String graph, String id, Object target) {
        List<Method> loads = Arrays.stream(target.getClass().getMethods())
                .filter(m -> m.getName().equals("load") && m.getDeclaringClass() != Object.class)
                .toList();
        if (loads.size() != 1) {
            throw new InvalidGraphException(
                    graph,
                    List.of("Node '" + id + "': expected one public method 'load' on "
                            + target.getClass().getName() + " but found " + loads.size()
                            + "; declare load(context, @From(\"parent\")"
                            + " value, …), or pass a (context, inputs) -> … lambda"));
        }
        Method load = loads.get(0);
        Parameter[] parameters = load.getParameters();
        String[] sources = new String[parameters.length];
        List<Integer> contextParameters = new ArrayList<>();
        for (int i = 0; i < parameters.length; i++) {
            From from = parameters[i].getAnnotation(From.class);
            if (from == null) {
                contextParameters.add(i + 1);
            } else {
                sources[i] = from.value();
            }
        }
        if (contextParameters.size() > 1) {
            throw new InvalidGraphException(
                    graph,
                    List.of("Node '" + id + "': parameters " + contextParameters
                            + " of " + target.getClass().getSimpleName()
                            + ".load have no @From; only one parameter may take"
                            + " the context — name the parent of the others with @From(\"parent\")"));
        }
        load.trySetAccessible();
        return new AnnotatedNode<>(target, load, sources);
    }

    /** The parents the {@code load} method reads, in parameter order. */
    public List<String> parents() {
        return parents;
    }

    @Override
    public Object evaluate(C context, Inputs inputs) throws Exception {
        Object[] args = new Object[sources.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = sources[i] == null ? context : inputs.get(sources[i]);
        }
        try {
            return load.invoke(target, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw (Error) e.getCause();
        }
    }
}
