package io.sluice;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the parent whose output a parameter of a request node's {@code load} method receives.
 *
 * <pre>{@code
 * final class Recommendations {
 *     public List<Item> load(Request request, @From("user") User user, @From("geo") Location where) { … }
 * }
 * }</pre>
 *
 * @see RequestGraph.Builder#node(String, Object)
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface From {

    /** The id of the parent node. */
    String value();
}
