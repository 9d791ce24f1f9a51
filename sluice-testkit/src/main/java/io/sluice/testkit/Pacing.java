package io.sluice.testkit;

/**
 * A source's pace for a crash test: sleeping a millisecond every so many items stretches a run long enough for its
 * kills or rescales to land in the middle of it, on a fast machine as on a slow one.
 */
public final class Pacing {

    private Pacing() {}

    /**
     * The item {@code i}, after sleeping a millisecond when {@code i} is a multiple of {@code every}: at most about
     * {@code every} × 1,000 items a second, fewer where a sleep takes longer.
     */
    public static long every(long i, int every) {
        if (i % every == 0) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return i;
    }
}
