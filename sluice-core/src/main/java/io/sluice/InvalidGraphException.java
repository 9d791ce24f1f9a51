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

    private final List<String> problems;

    /** @param graph the graph's name, or {@code null} when it is not known yet */
    public InvalidGraphException(String graph, List<String> problems) {
        super(format(graph, problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in the order of the checks. */
    public List<String> problems() {
        return problems;
    }

    private static String format(String graph, List<String> problems) {
        String subject = graph == null ? "Invalid graph: " : "Invalid graph '" + graph + "': ";
        if (problems.size() == 1) {
            return subject + problems.get(0);
        }
        StringBuilder message =
                new StringBuilder(subject).append(problems.size()).append(" problems");
        for (String problem : problems) {
            message.append("\n  - ").append(problem);
        }
        return message.toString();
    }
}
