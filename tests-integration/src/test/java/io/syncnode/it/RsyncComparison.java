package io.syncnode.it;

import io.syncnode.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * "Identical to the last bit", as rsync sees it: {@code rsync -aHAXS --numeric-ids --checksum
 * --dry-run --itemize-changes SRC/ DST/} prints one line per entry it would change (content by
 * checksum, type, mode, numeric owner, mtime, rdev, hard links, xattrs, ACLs) and nothing when the
 * trees are equal. The root {@code SRC/} itself is compared too ({@code ./}), so compare a
 * subdirectory of a folder, not the folder root (which no node syncs).
 *
 * <p>What rsync 3.2 does not see, checked here besides: the nanoseconds of directory and symlink
 * mtimes (it compares those to the second; regular files it compares to the ns). {@link #mtimes}
 * lists every entry whose lstat mtime (ns) differs, from one {@code find -printf} per tree, so that
 * names stay bytes. Holes in sparse files are invisible to both; tests check allocation apart.
 */
public final class RsyncComparison {
    private static final Duration RUN = Duration.ofMinutes(5);

    private RsyncComparison() {
    }

    /** The itemize lines of the rsync dry run (empty: equal); exit codes other than 0 become a line too. */
    public static List<String> itemize(Path src, Path dst) {
        Host.Result r = Host.run(RUN, "rsync", "-aHAXS", "--numeric-ids", "--checksum", "--dry-run", "--itemize-changes",
                src + "/", dst + "/");
        List<String> out = new ArrayList<>(r.lines());
        if (r.exit() != 0) {
            out.add("rsync exit " + r.exit() + ": " + r.err().strip());
        }
        return out;
    }

    /** One line per entry whose mtime (ns, lstat) differs between the trees, or that only one tree has. */
    public static List<String> mtimes(Path src, Path dst) {
        Map<String, String> a = mtimeByPath(src);
        Map<String, String> b = mtimeByPath(dst);
        TreeSet<String> all = new TreeSet<>(a.keySet());
        all.addAll(b.keySet());
        List<String> out = new ArrayList<>();
        for (String p : all) {
            if (!Objects.equals(a.get(p), b.get(p))) {
                out.add("mtime " + printable(p.isEmpty() ? "." : p) + ": " + a.getOrDefault(p, "<absent>") + " vs "
                        + b.getOrDefault(p, "<absent>"));
            }
        }
        return out;
    }

    /** {@link #itemize} followed by {@link #mtimes}: empty when the trees are equal. */
    public static List<String> differences(Path src, Path dst) {
        List<String> out = new ArrayList<>(itemize(src, dst));
        out.addAll(mtimes(src, dst));
        return out;
    }

    /** Two trees to compare, named for messages (e.g. "n1 -> n2 live/"). */
    public record Pair(String name, Path source, Path replica) {
    }

    /**
     * Waits until {@link #differences} is empty for every pair (one deadline for all, polling every
     * {@code every}); on timeout fails with the last differences of each pair (at most 60 lines each).
     */
    public static void awaitClean(List<Pair> pairs, Duration timeout, Duration every) {
        Map<String, List<String>> last = new LinkedHashMap<>();
        Await.await(timeout, every, () -> {
            boolean clean = true;
            for (Pair p : pairs) {
                List<String> d = differences(p.source(), p.replica());
                last.put(p.name() + " (" + p.source() + "/ " + p.replica() + "/)", d);
                clean &= d.isEmpty();
            }
            return clean;
        }, () -> {
            StringBuilder b = new StringBuilder("rsync -aHAXS --numeric-ids --checksum --dry-run --itemize-changes"
                    + " prints nothing (and ns mtimes are equal); last output per pair:\n");
            last.forEach((pair, d) -> b.append(pair).append(": ").append(d.size()).append(" line(s)\n")
                    .append(head(d, 60)));
            return b.toString();
        });
    }

    static String head(List<String> lines, int max) {
        StringBuilder b = new StringBuilder();
        for (String l : lines.subList(0, Math.min(max, lines.size()))) {
            b.append("  ").append(l).append('\n');
        }
        if (lines.size() > max) {
            b.append("  ... and ").append(lines.size() - max).append(" more lines\n");
        }
        return b.toString();
    }

    /** relative path (bytes as ISO-8859-1 chars) -> mtime "seconds.fraction" as find prints it (ns precision). */
    static Map<String, String> mtimeByPath(Path root) {
        Host.Result r = Host.run(RUN, "find", root.toString(), "-printf", "%P\\0%T@\\0");
        Map<String, String> out = new TreeMap<>();
        String[] f = r.text().split("\0", -1);
        for (int i = 0; i + 1 < f.length; i += 2) {
            out.put(f[i], f[i + 1]);
        }
        if (r.exit() != 0) {
            // an entry vanished during the walk (a node is still working): report it, the caller polls
            out.put("<find exit " + r.exit() + ">", r.err().strip());
        }
        return out;
    }

    /** Control characters and bytes above 0x7e escaped as rsync does ({@code \#ooo}). */
    static String printable(String bytesAsChars) {
        StringBuilder b = new StringBuilder();
        for (char c : bytesAsChars.toCharArray()) {
            if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\#%03o", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
