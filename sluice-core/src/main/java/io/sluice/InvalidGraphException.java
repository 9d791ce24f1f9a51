package io.sluice;

import java.util.List;

/**
 * A graph that cannot run: an edge to an unknown node, a cycle, a start node with an inbound edge, and the like.
 *
 * <p>Validation reports every problem it finds at once. The message reads {@code Invalid graph 'name': <problem>} for
 * one problem and lists them one per line for several; {@link #problems()} gives them one by one. Each problem names
 * the offending node or edge, says what was expected and what was found, and suggests the fix where one is obvious.
 */
public class InvalidGraphException extends SluiceException {

    private static final long serialVersionUID = 1L;

    private final List<GraphProblem> details;
    private final int omitted;

    /** @param graph the graph's name, or {@code null} when it is not known yet */
    public InvalidGraphException(String graph, List<String> problems) {
        this(
                graph,
                problems.stream()
                        .map(p -> new GraphProblem(p, new GraphProblem.OfGraph()))
                        .toList(),
                0);
    }

    /**
     * @param graph the graph's name, or {@code null} when it is not known yet
     * @param details the problems, each with what it is about
     * @param omitted how many more problems there were beyond those listed
     */
    public InvalidGraphException(String graph, List<GraphProblem> details, int omitted) {
        super(format(graph, details.stream().map(GraphProblem::message).toList(), omitted));
        this.details = List.copyOf(details);
        this.omitted = omitted;
    }

    /** Every problem listed, in the order of the checks. */
    public List<String> problems() {
        return details.stream().map(GraphProblem::message).toList();
    }

    /**
     * Every problem listed with what it is about (a node or edge by its index in the lists the graph was built from):
     * how a reader of a file finds the line of each.
     */
    public List<GraphProblem> details() {
        return details;
    }

    /** How many problems were found beyond those listed; validation stops listing after a bound. */
    public int omitted() {
        return omitted;
    }

    private static String format(String graph, List<String> problems, int omitted) {
        String subject = graph == null ? "Invalid graph: " : "Invalid graph '" + graph + "': ";
        if (problems.size() == 1 && omitted == 0) {
            return subject + problems.get(0);
        }
        StringBuilder message =
                new StringBuilder(subject).append(problems.size() + omitted).append(" problems");
        for (String problem : problems) {
            message.append("\n  - ").append(problem);
        }
        if (omitted > 0) {
            message.append("\n  … and ")
                    .append(omitted)
                    .append(" more (only the first ")
                    .append(problems.size())
                    .append(" are listed)");
        }
        return message.toString();
    }
}
