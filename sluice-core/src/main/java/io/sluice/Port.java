package io.sluice;

import java.util.Objects;

/**
 * A named side output carrying items of type {@code T}, as Flink's {@code OutputTag}: a node emits on it with {@link
 * Emitter#emit(Port, Object)}, and {@link Stage#port(Port)} reads it as a stage of its own type.
 *
 * <pre>{@code
 * static final Port<Payment> REJECTED = Port.of("rejected");
 * ...
 * emitter.emit(REJECTED, payment);                   // in the node
 * Stage<Payment> rejected = checked.port(REJECTED);  // in the graph
 * }</pre>
 *
 * @param name the port's name: letters, digits, '_' and '-'; not {@code default}
 * @param <T> the type of the items on the port
 */
public record Port<T>(String name) {

    public Port {
        Objects.requireNonNull(name, "name");
        if (name.equals(Emitter.DEFAULT_PORT)) {
            throw new IllegalArgumentException(
                    "Port: '" + Emitter.DEFAULT_PORT + "' is every node's main output; name a side output otherwise");
        }
    }

    /** A port of this name, its type inferred from where it is assigned. */
    public static <T> Port<T> of(String name) {
        return new Port<>(name);
    }

    /** A port of this name carrying {@code type}, for where the type cannot be inferred. */
    public static <T> Port<T> of(String name, Class<T> type) {
        Objects.requireNonNull(type, "type");
        return new Port<>(name);
    }
}
