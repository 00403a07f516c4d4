package io.syncnode.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff ({@code diff -u} format) of two texts: what {@code syncnode diff --content} prints
 * (csync2 {@code -TT}). Pure and stateless; thread-safe.
 *
 * <p>Implementation notes: lines are split at '\n'; a last line without one is followed by
 * {@code \ No newline at end of file}, as GNU diff prints it. The common head and tail are cut off
 * first; the middle gets a longest-common-subsequence table when it has at most
 * {@link #MAX_CELLS} cells (texts of at most 64 KiB with a few changed regions always do), else
 * the middle is shown as removed, then added: still a correct diff, only not a minimal one.
 * Hunks carry {@code context} lines around each change and merge when their contexts touch;
 * headers follow GNU: {@code @@ -start,count +start,count @@}, ",count" left out when it is 1,
 * and a start of the line before when the count is 0.
 */
public final class UnifiedDiff {
    /** Largest LCS table (cells) computed; beyond it the middle is replaced as a whole. */
    static final long MAX_CELLS = 4_000_000;

    private UnifiedDiff() {
    }

    private record Line(String text, boolean newline) {
    }

    /** One line of the edit script: ' ' kept, '-' only in the old text, '+' only in the new. */
    private record Edit(char op, Line line, int oldIndex, int newIndex) {
    }

    /**
     * The hunks of a unified diff from {@code old} to {@code now} with {@code context} lines of
     * context, without the {@code ---}/{@code +++} header lines; empty when the texts are equal.
     */
    public static List<String> hunks(String old, String now, int context) {
        List<Line> a = lines(old);
        List<Line> b = lines(now);
        List<Edit> script = script(a, b);
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < script.size()) {
            if (script.get(i).op() == ' ') {
                i++;
                continue;
            }
            int start = Math.max(0, i - context);
            int end = i;
            // extend over changes whose context windows touch
            int lastChange = i;
            for (int j = i; j < script.size(); j++) {
                if (script.get(j).op() != ' ') {
                    lastChange = j;
                } else if (j - lastChange > 2 * context) {
                    break;
                }
            }
            end = Math.min(script.size(), lastChange + context + 1);
            out.add(header(script, start, end));
            for (int j = start; j < end; j++) {
                Edit e = script.get(j);
                out.add(e.op() + e.line().text());
                if (!e.line().newline()) {
                    out.add("\\ No newline at end of file");
                }
            }
            i = end;
        }
        return out;
    }

    private static String header(List<Edit> script, int start, int end) {
        int oldCount = 0;
        int newCount = 0;
        int oldFirst = -1;
        int newFirst = -1;
        for (int j = start; j < end; j++) {
            Edit e = script.get(j);
            if (e.op() != '+') {
                oldCount++;
                oldFirst = oldFirst < 0 ? e.oldIndex() : oldFirst;
            }
            if (e.op() != '-') {
                newCount++;
                newFirst = newFirst < 0 ? e.newIndex() : newFirst;
            }
        }
        Edit first = script.get(start);
        int oldAt = oldFirst >= 0 ? oldFirst + 1 : first.oldIndex();
        int newAt = newFirst >= 0 ? newFirst + 1 : first.newIndex();
        return "@@ -" + range(oldAt, oldCount) + " +" + range(newAt, newCount) + " @@";
    }

    private static String range(int at, int count) {
        return count == 1 ? Integer.toString(at) : at + "," + count;
    }

    /** The edit script; each edit knows where it stands in both texts (0-based, next line for an absent side). */
    private static List<Edit> script(List<Line> a, List<Line> b) {
        int head = 0;
        while (head < a.size() && head < b.size() && a.get(head).equals(b.get(head))) {
            head++;
        }
        int tail = 0;
        while (tail < a.size() - head && tail < b.size() - head
                && a.get(a.size() - 1 - tail).equals(b.get(b.size() - 1 - tail))) {
            tail++;
        }
        List<Edit> script = new ArrayList<>();
        for (int k = 0; k < head; k++) {
            script.add(new Edit(' ', a.get(k), k, k));
        }
        middle(a.subList(head, a.size() - tail), b.subList(head, b.size() - tail), head, head, script);
        for (int k = tail; k > 0; k--) {
            int ai = a.size() - k;
            int bi = b.size() - k;
            script.add(new Edit(' ', a.get(ai), ai, bi));
        }
        return script;
    }

    private static void middle(List<Line> a, List<Line> b, int aOff, int bOff, List<Edit> script) {
        int n = a.size();
        int m = b.size();
        if ((long) (n + 1) * (m + 1) > MAX_CELLS) {
            for (int k = 0; k < n; k++) {
                script.add(new Edit('-', a.get(k), aOff + k, bOff));
            }
            for (int k = 0; k < m; k++) {
                script.add(new Edit('+', b.get(k), aOff + n, bOff + k));
            }
            return;
        }
        // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..]
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a.get(i).equals(b.get(j))) {
                script.add(new Edit(' ', a.get(i), aOff + i, bOff + j));
                i++;
                j++;
            } else if (j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) {
                script.add(new Edit('-', a.get(i), aOff + i, bOff + j));
                i++;
            } else {
                script.add(new Edit('+', b.get(j), aOff + i, bOff + j));
                j++;
            }
        }
    }

    private static List<Line> lines(String text) {
        List<Line> lines = new ArrayList<>();
        int from = 0;
        while (from < text.length()) {
            int nl = text.indexOf('\n', from);
            if (nl < 0) {
                lines.add(new Line(text.substring(from), false));
                break;
            }
            lines.add(new Line(text.substring(from, nl), true));
            from = nl + 1;
        }
        return lines;
    }
}
