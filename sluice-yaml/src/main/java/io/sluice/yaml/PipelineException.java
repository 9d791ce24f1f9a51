package io.sluice.yaml;

import io.sluice.SluiceException;
import java.util.List;

/**
 * A pipeline file that cannot become a graph. Every problem of the file is reported at once, each as {@code
 * file:line path: problem}, e.g. {@code pipeline.yaml:14 nodes[2].parallelism: must be ≥ 1, found 0}.
 */
public class PipelineException extends SluiceException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public PipelineException(String file, List<String> problems) {
        super(format(file, problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem, in file order. */
    public List<String> problems() {
        return problems;
    }

    private static String format(String file, List<String> problems) {
        if (problems.size() == 1) {
            return problems.get(0);
        }
        StringBuilder text = new StringBuilder(file + ": " + problems.size() + " problems");
        problems.forEach(p -> text.append("\n  - ").append(p));
        return text.toString();
    }
}
