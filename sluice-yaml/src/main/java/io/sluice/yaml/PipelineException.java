package io.sluice.yaml;

import io.sluice.SluiceException;
import java.util.List;

/**
 * A pipeline file that cannot become a graph. Every problem of the file is reported at once, each as {@code
 * file:line path: problem}, e.g. {@code pipeline.yaml:14 nodes[2].parallelism: expected a whole number from 1 to 1024
 * but found 0}. A file with very many problems lists the first hundred and counts the rest.
 */
public class PipelineException extends SluiceException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;
    private final int omitted;

    public PipelineException(String file, List<String> problems) {
        this(file, problems, 0);
    }

    /**
     * @param file the file's name, as the problems name it
     * @param problems the problems listed, in file order
     * @param omitted how many more problems were found but not listed
     */
    public PipelineException(String file, List<String> problems, int omitted) {
        super(format(file, problems, omitted));
        this.problems = List.copyOf(problems);
        this.omitted = omitted;
    }

    /** Every problem listed, in file order. */
    public List<String> problems() {
        return problems;
    }

    /** How many problems were found past the ones listed; 0 unless the file has very many. */
    public int omitted() {
        return omitted;
    }

    private static String format(String file, List<String> problems, int omitted) {
        if (problems.size() == 1 && omitted == 0) {
            return problems.get(0);
        }
        StringBuilder text = new StringBuilder(file + ": " + (problems.size() + omitted) + " problems");
        problems.forEach(p -> text.append("\n  - ").append(p));
        if (omitted > 0) {
            text.append("\n  … and ")
                    .append(omitted)
                    .append(" more (only the first ")
                    .append(problems.size())
                    .append(" are listed)");
        }
        return text.toString();
    }
}
