package io.sluice.yaml.internal;

import io.sluice.InvalidGraphException;
import io.sluice.SluiceException;
import io.sluice.yaml.PipelineException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Every problem of one pipeline file, each as {@code file:line path: problem}. Bounded whatever the file: the first
 * {@value Limits#PROBLEMS_LISTED} are kept, the rest counted, and each is cut at {@value Limits#PROBLEM_LENGTH}
 * characters, so a file of a million mistakes costs a page of output.
 */
final class Problems {

    private final String file;
    private final List<Listed> listed = new ArrayList<>();
    private int omitted;

    Problems(String file) {
        this.file = file;
    }

    /** The file's name, as problems name it. */
    String file() {
        return file;
    }

    /** A problem as listed, with its line to put the list in file order. */
    private record Listed(int line, String text) {}

    void add(Location where, String problem) {
        if (listed.size() < Limits.PROBLEMS_LISTED) {
            String text = where.prefix(file) + problem;
            listed.add(new Listed(
                    where.line(),
                    text.length() <= Limits.PROBLEM_LENGTH
                            ? text
                            : text.substring(0, Limits.PROBLEM_LENGTH - 1) + "…"));
        } else {
            omitted++;
        }
    }

    void add(Node where, String path, String problem) {
        add(Location.of(where, path), problem);
    }

    /** A problem put into words only if it will be listed: for problems a large file may have by the thousand. */
    void add(Node where, String path, Supplier<String> problem) {
        if (room() > 0) {
            add(Location.of(where, path), problem.get());
        } else {
            omitted++;
        }
    }

    /** Counts a problem without listing it: for those past the limit that were never put into words. */
    void omit(int count) {
        omitted += count;
    }

    /** How many more problems may still be listed. */
    int room() {
        return Limits.PROBLEMS_LISTED - listed.size();
    }

    /** How many problems were found, listed or not. */
    int count() {
        return listed.size() + omitted;
    }

    boolean isEmpty() {
        return listed.isEmpty() && omitted == 0;
    }

    /**
     * Calls a factory of the core API — a source, a sink, a chunking, a robustness setting — and turns what it
     * refuses into a problem at {@code where}, where the offending value was written. Returns {@code null} when it
     * refused.
     */
    <T> T attempt(Location where, Supplier<T> factory) {
        try {
            return factory.get();
        } catch (InvalidGraphException e) {
            add(where, String.join("; ", e.problems()));
        } catch (SluiceException | IllegalArgumentException | IllegalStateException | ArithmeticException e) {
            add(where, String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            add(where, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return null;
    }

    /** Throws the file's problems, if it has any, in file order. */
    void throwIfAny() {
        if (!isEmpty()) {
            List<String> inOrder = listed.stream()
                    .sorted(Comparator.comparingInt(Listed::line))
                    .map(Listed::text)
                    .toList();
            throw new PipelineException(file, inOrder, omitted);
        }
    }

    /** One problem of the file as a whole, thrown at once. */
    static PipelineException single(String file, String problem) {
        return new PipelineException(file, List.of(problem));
    }

    /** {@code 'text'}, cut to a length fit for a message, with control characters escaped ({@code \u0000}). */
    static String quote(String text) {
        String cut = text.length() <= 80 ? text : text.substring(0, 79) + "…";
        StringBuilder quoted = new StringBuilder("'");
        cut.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                quoted.append(String.format("\\u%04X", c));
            } else {
                quoted.appendCodePoint(c);
            }
        });
        return quoted.append('\'').toString();
    }
}
