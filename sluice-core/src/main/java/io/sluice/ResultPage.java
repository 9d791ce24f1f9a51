package io.sluice;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A window onto the results an end node kept: at most a limit of them, from a position on. Positions count every
 * result the node ever kept in this deployment, from 0, so a reader that remembers {@link #next()} misses nothing
 * between two reads — unless results older than the deployment keeps were let go ({@link #first()} then lies beyond
 * the position asked for).
 *
 * @param total how many results the node has kept so far; the position the next one will take
 * @param first the position of the first item of {@code items}
 * @param items the results, oldest first
 * @param <T> the type of the results
 */
public record ResultPage<T>(long total, long first, List<T> items) {

    public ResultPage {
        items = Collections.unmodifiableList(new ArrayList<>(items)); // results may be null
        if (first < 0 || first + items.size() > total) {
            throw new IllegalArgumentException(
                    "ResultPage: items at " + first + ".." + (first + items.size()) + " beyond total " + total);
        }
    }

    /** The position after the last item: where the next read starts. */
    public long next() {
        return first + items.size();
    }

    /**
     * Checks the arguments of a page read.
     *
     * @throws IllegalArgumentException if {@code from} is negative or {@code limit} is not positive
     */
    public static void check(long from, int limit) {
        if (from < 0 || limit < 1) {
            throw new IllegalArgumentException(
                    "results: expected from ≥ 0 and limit ≥ 1, found from " + from + " and limit " + limit);
        }
    }

    /** The page of {@code limit} items from {@code from} in a list of every result kept, oldest first. */
    public static <T> ResultPage<T> of(List<T> all, long from, int limit) {
        int start = (int) Math.min(Math.max(0, from), all.size());
        int end = (int) Math.min(all.size(), (long) start + limit);
        return new ResultPage<>(all.size(), start, all.subList(start, end));
    }
}
