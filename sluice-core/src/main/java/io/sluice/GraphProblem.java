package io.sluice;

/**
 * One problem of a graph, with what it is about: a reader of a file that defined the graph carries each node's and
 * edge's location, and finds the line of a problem from its subject instead of from the words of its message.
 *
 * @param message the problem as {@link InvalidGraphException} reports it
 * @param subject what the problem is about
 */
public record GraphProblem(String message, Subject subject) {

    /** What a problem is about. */
    public sealed interface Subject {}

    /** The graph as a whole: its name, or no start node. */
    public record OfGraph() implements Subject {}

    /** The node at {@code index} of the list of nodes validated (for a duplicate id, its second definition). */
    public record OfNode(int index) implements Subject {}

    /** The edge at {@code index} of the list of edges validated (for a cycle, the edge that closes it). */
    public record OfEdge(int index) implements Subject {}

    /** The robustness setting's dead-letter node. */
    public record OfDeadLetter() implements Subject {}

    /** The robustness level given to node {@code id}. */
    public record OfNodeLevel(String id) implements Subject {}
}
