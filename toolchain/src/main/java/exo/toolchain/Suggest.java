package exo.toolchain;

/**
 * "Did you mean" for mistyped names, the one rule and wording every tool uses (assembler,
 * linker, monitor): the nearest candidate, if it is close enough to be what was meant.
 *
 * <p>Close enough means within half the name's length in edits, at most two, where a letter
 * inserted, deleted or swapped with its neighbour is one edit and a letter replaced by another
 * one and a half: a slip of the finger drops, doubles or swaps a letter, while every replaced
 * letter makes more of a different word. So {@code lodw} → {@code lw} (two letters dropped)
 * and {@code fnish} → {@code finish} are offered, {@code thread} → {@code tbreak} (two replaced)
 * is not, and a two-letter name is offered nothing for a replaced letter ({@code up} is not
 * {@code xp}). A one-letter candidate is never offered for a longer name: one-letter names are
 * abbreviations ({@code u} for until, {@code r} for run), and a word that merely shares a
 * letter with one ({@code up}, {@code brk}) meant something else.
 */
public final class Suggest {
    private Suggest() {}

    /** Costs in half edits: an insertion, deletion or transposition is 2, a replacement 3. */
    private static final int EDIT = 2, REPLACE = 3;

    /** The candidate closest to name, or null if none is close enough (see the class comment); ties go to the first in alphabetical order. */
    public static String nearest(String name, Iterable<String> candidates) {
        int limit = Math.max(EDIT, Math.min(2 * EDIT, name.length())); // half the length in edits, in half edits
        String best = null;
        int bestDistance = limit + 1;
        for (String c : candidates) {
            if (c.length() == 1 && name.length() > 1) continue;
            if (EDIT * Math.abs(c.length() - name.length()) > limit) continue;
            int d = distance(name, c);
            if (d < bestDistance || d == bestDistance && best != null && c.compareTo(best) < 0) {
                best = c;
                bestDistance = d;
            }
        }
        return bestDistance <= limit ? best : null;
    }

    /** {@code "; did you mean 'x'?"} for the nearest candidate x, or "" if none is close enough. */
    public static String didYouMean(String name, Iterable<String> candidates) {
        return phrase(nearest(name, candidates));
    }

    /** {@code "; did you mean 'near'?"}, or "" if near is null: how every tool words a suggestion. */
    public static String phrase(String near) {
        return near == null ? "" : "; did you mean '" + near + "'?";
    }

    /** Damerau-Levenshtein distance in half edits: insertions, deletions and transpositions of neighbours 2, replacements 3. */
    static int distance(String a, String b) {
        int n = a.length(), m = b.length();
        int[][] d = new int[n + 1][m + 1];
        for (int i = 0; i <= n; i++) d[i][0] = EDIT * i;
        for (int j = 0; j <= m; j++) d[0][j] = EDIT * j;
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : REPLACE;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + EDIT, d[i][j - 1] + EDIT), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + EDIT);
                }
            }
        }
        return d[n][m];
    }
}
