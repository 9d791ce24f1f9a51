package io.sluice;

import java.util.function.Function;

/**
 * How the items on an edge are spread over the instances of the node it leads to.
 *
 * <ul>
 *   <li>{@link Forward}: instance <i>i</i> feeds instance <i>i</i>. It is the default and lets the runtime chain the
 *       two nodes into one task (a direct call). Where the parallelisms differ, items are spread round-robin.
 *   <li>{@link RoundRobin}: each item to the next instance in turn.
 *   <li>{@link Keyed}: by the hash of a key, so that all items with one key meet the same instance.
 *   <li>{@link Broadcast}: every instance gets every item.
 *   <li>{@link Global}: every item to instance 0.
 * </ul>
 */
public sealed interface Partitioning {

    /** Instance to instance; round-robin where the parallelisms differ. */
    record Forward() implements Partitioning {}

    /** Each item to the next instance in turn. */
    record RoundRobin() implements Partitioning {}

    /**
     * By the hash of {@code keyFunction(item)}: one key always meets the same instance.
     *
     * @param keyFunction gives the key of an item; must not return {@code null}
     */
    record Keyed(Function<Object, ?> keyFunction) implements Partitioning {}

    /** Every instance gets every item. */
    record Broadcast() implements Partitioning {}

    /** Every item goes to instance 0. */
    record Global() implements Partitioning {}

    static Partitioning forward() {
        return new Forward();
    }

    static Partitioning roundRobin() {
        return new RoundRobin();
    }

    /**
     * Keyed by {@code keyFunction}; the key's {@code hashCode} picks the instance, so keys need a stable one (strings,
     * numbers, records of those).
     */
    @SuppressWarnings("unchecked")
    static <T> Partitioning keyed(Function<? super T, ?> keyFunction) {
        return new Keyed((Function<Object, ?>) keyFunction);
    }

    static Partitioning broadcast() {
        return new Broadcast();
    }

    static Partitioning global() {
        return new Global();
    }

    /** The name used in YAML, the CLI and status: {@code forward}, {@code round-robin}, {@code keyed}, … */
    default String label() {
        return switch (this) {
            case Forward f -> "forward";
            case RoundRobin r -> "round-robin";
            case Keyed k -> "keyed";
            case Broadcast b -> "broadcast";
            case Global g -> "global";
        };
    }
}
