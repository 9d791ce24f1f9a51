package io.sluice;

/**
 * The order a node needs its items in, checked when the graph is built ({@link Stage#requireOrder}, {@link
 * ComputationalGraph.Builder#requireOrder}).
 *
 * <p>What keeps order, on every system:
 *
 * <ul>
 *   <li>Along a chain of forward edges between nodes of equal parallelism, each instance sees its upstream instance's
 *       items in the order they were emitted.
 *   <li>Behind a keyed edge, the items of one key reach one instance, in the order one upstream instance emitted them.
 *   <li>With parallelism 1 everywhere from a start node of parallelism 1, with one input per node, a node sees every
 *       item in the order the start node produced it.
 *   <li>On KAFKA, order is per partition: instance <i>i</i> of a node reads partition <i>i</i> of each input topic, so
 *       the rules above hold as they do on LOCAL.
 * </ul>
 *
 * <p>What loses it: a round-robin edge into more than one instance, a forward edge between different parallelisms
 * (spread round-robin), several instances or several input edges meeting at one instance (their items interleave),
 * and retries under {@link Robustness.Level#REPLAY} (a replayed item comes again after later ones).
 */
public enum Ordering {
    /** Any order will do; the default. */
    ANY,
    /**
     * The items of each key in the order they were produced, the key being the one of the node's keyed input edge:
     * every node upstream up to the start node keeps one key's items on one instance, in order.
     */
    PER_KEY,
    /** Every item in the order the start node produced it: parallelism 1 and one input all the way up. */
    TOTAL
}
