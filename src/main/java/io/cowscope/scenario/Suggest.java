package io.cowscope.scenario;

import java.util.Collection;

/** "did you mean …?" by optimal-string-alignment distance (a transposition counts as one edit). */
final class Suggest {
    private Suggest() {
    }

    /** The nearest candidate within reach of {@code word}, or null. */
    static String nearest(String word, Collection<String> candidates) {
        if (word == null || word.isEmpty() || word.length() > 64) return null;
        int limit = word.length() <= 3 ? 1 : word.length() <= 6 ? 2 : 3;
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String c : candidates) {
            if (c.equals(word) || Math.abs(c.length() - word.length()) > limit) continue;
            int d = distance(word, c);
            if (d <= limit && d < bestD) {
                best = c;
                bestD = d;
            }
        }
        if (best == null) {
            for (String c : candidates) if (c.equalsIgnoreCase(word) && !c.equals(word)) return c;
        }
        return best;
    }

    /** "; did you mean 'x'?" or "". */
    static String hint(String word, Collection<String> candidates) {
        String n = nearest(word, candidates);
        return n == null ? "" : "; did you mean '" + n + "'?";
    }

    static int distance(String a, String b) {
        int n = a.length(), m = b.length();
        int[][] d = new int[n + 1][m + 1];
        for (int i = 0; i <= n; i++) d[i][0] = i;
        for (int j = 0; j <= m; j++) d[0][j] = j;
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[n][m];
    }
}
