package io.sluice.spi;

/** Edit distance, for did-you-mean hints on misspelt ids and keys. */
public final class Suggestions {

    private Suggestions() {}

    /**
     * The edit distance between two strings, counting a swap of two neighbouring characters as one edit (optimal
     * string alignment), as typing mistakes go.
     */
    public static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** Names longer than this get no hint: nobody misspells them, and the distance costs the product of lengths. */
    static final int LONGEST = 100;

    /**
     * {@code "; did you mean 'x'?"} naming the candidate closest to a misspelt name, or {@code ""} if none is close.
     * Costs a distance only for candidates of about the same length, so it stays cheap on names read from a file.
     */
    public static String didYouMean(String missing, java.util.Collection<String> candidates) {
        if (missing.length() > LONGEST) {
            return "";
        }
        int allowed = missing.length() < 4 ? 1 : 2;
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            if (Math.abs(candidate.length() - missing.length()) > allowed) {
                continue; // the distance is at least the difference in length
            }
            int distance = distance(missing, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best != null && bestDistance <= allowed ? "; did you mean '" + best + "'?" : "";
    }
}
