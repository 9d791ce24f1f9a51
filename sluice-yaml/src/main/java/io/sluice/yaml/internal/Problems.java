package io.sluice.yaml.internal;

import io.sluice.InvalidGraphException;
import io.sluice.SluiceException;
import io.sluice.yaml.PipelineException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Every problem of one pipeline file, each as {@code file:line path: problem}. Bounded whatever the file: the first
 * {@value Limits#PROBLEMS_LISTED} are kept, the rest counted, and each is cut at {@value Limits#PROBLEM_LENGTH}
 * characters, so a file of a million mistakes costs a page of output. The files a pipeline includes report through
 * views of it ({@link #forFile}) that share its list and bounds; a problem listed twice in the same words — a file
 * included twice — is listed once.
 */
final class Problems {

    private final String file;
    private final int order;
    private final Shared shared;

    Problems(String file) {
        this(file, new Shared());
    }

    private Problems(String file, Shared shared) {
        this.file = file;
        this.shared = shared;
        this.order = shared.files++;
    }

    /** A view that reports problems of another file, an included one, into the same list. */
    Problems forFile(String other) {
        return new Problems(other, shared);
    }

    /** The file's name, as problems name it. */
    String file() {
        return file;
    }

    /** A problem as listed, with its file's order and its line to put the list in file order. */
    private record Listed(int order, int line, String text) {}

    /** What the views of one pipeline's files share. */
    private static final class Shared {
        final List<Listed> listed = new ArrayList<>();
        final Set<String> texts = new HashSet<>();
        int omitted;
        int found;
        int files;
    }

    void add(Location where, String problem) {
        shared.found++;
        if (shared.listed.size() < Limits.PROBLEMS_LISTED) {
            String text = where.prefix(file) + problem;
            String cut =
                    text.length() <= Limits.PROBLEM_LENGTH ? text : text.substring(0, Limits.PROBLEM_LENGTH - 1) + "…";
            if (shared.texts.add(cut)) {
                shared.listed.add(new Listed(order, where.line(), cut));
            }
        } else {
            shared.omitted++;
        }
    }

    /** A problem already written with its file and line ({@code file:line: problem}), as a file's reading throws. */
    void addWritten(int line, String text) {
        shared.found++;
        if (shared.listed.size() < Limits.PROBLEMS_LISTED) {
            if (shared.texts.add(text)) {
                shared.listed.add(new Listed(order, line, text));
            }
        } else {
            shared.omitted++;
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
            shared.found++;
            shared.omitted++;
        }
    }

    /** Counts a problem without listing it: for those past the limit that were never put into words. */
    void omit(int count) {
        shared.found += count;
        shared.omitted += count;
    }

    /** How many more problems may still be listed. */
    int room() {
        return Limits.PROBLEMS_LISTED - shared.listed.size();
    }

    /** How many problems were found, listed or not, each time it was found: a reader compares counts. */
    int count() {
        return shared.found;
    }

    boolean isEmpty() {
        return shared.found == 0;
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
            List<String> inOrder = shared.listed.stream()
                    .sorted(Comparator.comparingInt(Listed::order).thenComparingInt(Listed::line))
                    .map(Listed::text)
                    .toList();
            throw new PipelineException(file, inOrder, shared.omitted);
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
