package io.syncnode.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Comparable descriptions of a tree, for every module's tests: two trees are identical when their
 * snapshots are equal. Two views:
 * <ul>
 * <li>{@link #of}: what "identical trees" means for a running cluster. Per relative path, regular
 *     files by type, mode (all 12 bits), uid:gid, mtime in ns and SHA-256 of the content; symlinks
 *     by target and uid:gid; directories by mode and uid:gid only (their mtimes move with every
 *     entry change). The root itself is left out. Paths that vanish during the walk (a node is
 *     still working) are skipped; the caller polls.</li>
 * <li>{@link #full}: container fidelity, root included ("."). Per path (name bytes of any
 *     encoding, through {@link Native}), type, mode, uid:gid, mtime in ns of every type, extended
 *     attributes with their values, content hash, exact link target or device number, and for
 *     files with several names in the tree the smallest name of their inode (one inode group on
 *     both sides, not copies).</li>
 * </ul>
 */
public final class TreeSnapshot {
    private TreeSnapshot() {
    }

    /** What {@link #full} needs from the node's native layer, which the JDK cannot do for names of any bytes. */
    public interface Native {
        /** The path of {@code p} below {@code root}, any bytes (never called for the root). */
        String relative(Path root, Path p);

        /** The exact target of the symlink {@code p}, displayable. */
        String linkTarget(Path p) throws IOException;

        /** Every extended attribute of {@code p} as {@code name=hex;} in name order; "" when none. */
        String xattrs(Path p) throws IOException;
    }

    /** path -> description in the cluster view ("identical trees"), sorted. */
    public static Map<String, String> of(Path root) {
        Map<String, String> out = new TreeMap<>();
        walk(root, false, (rel, p) -> {
            try {
                out.put(rel, describe(p));
            } catch (NoSuchFileException e) {
                // gone between listing and reading: a later poll sees the settled state
            }
        });
        return out;
    }

    /** path -> description in the fidelity view, root included as "."; sorted. */
    public static Map<String, String> full(Path root, Native fs) {
        Map<String, String> out = new TreeMap<>();
        Map<Object, String> firstNameOfInode = new HashMap<>();
        Map<String, Object> inodeOf = new HashMap<>();
        walk(root, true, (unused, p) -> {
            String rel = p.equals(root) ? "." : fs.relative(root, p);
            try {
                out.put(rel, describeFully(p, fs));
                Map<String, Object> a = Files.readAttributes(p, "unix:nlink,ino", LinkOption.NOFOLLOW_LINKS);
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && (Integer) a.get("nlink") > 1) {
                    Object ino = a.get("ino");
                    inodeOf.put(rel, ino);
                    firstNameOfInode.merge(ino, rel, (x, y) -> x.compareTo(y) <= 0 ? x : y);
                }
            } catch (IOException e) {
                // a node's temp file, or an entry being replaced meanwhile: the caller polls
                out.put(rel, "<unreadable: " + e.getClass().getSimpleName() + ">");
            }
        });
        inodeOf.forEach((rel, ino) -> {
            String first = firstNameOfInode.get(ino);
            if (!first.equals(rel)) {
                out.put(rel, out.get(rel) + " hardlink-to " + first);
            }
        });
        return out;
    }

    /** path -> "mtime ctime" (ns, lstat) of every entry: a node that rewrites or touches anything changes it. */
    public static Map<String, String> times(Path root) {
        Map<String, String> out = new TreeMap<>();
        walk(root, false, (rel, p) -> {
            try {
                Map<String, Object> a = Files.readAttributes(p, "unix:lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS);
                out.put(rel, nanos(a.get("lastModifiedTime")) + " " + nanos(a.get("ctime")));
            } catch (NoSuchFileException e) {
                out.put(rel, "<vanished>");
            }
        });
        return out;
    }

    /** Regular files under {@code root}, not counting a node's temp files (applies in progress). */
    public static long countFiles(Path root) {
        long[] n = {0};
        walk(root, false, (rel, p) -> {
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                    && !p.getFileName().toString().startsWith(".syncnode-tmp.")) {
                n[0]++;
            }
        });
        return n[0];
    }

    /** Up to {@code max} lines naming paths whose descriptions differ between {@code a} and {@code b}. */
    public static String diff(Map<String, String> a, Map<String, String> b, int max) {
        List<String> lines = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        int differing = 0;
        for (String k : keys) {
            if (!Objects.equals(a.get(k), b.get(k))) {
                if (differing++ < max) {
                    lines.add("  " + k + ": " + a.getOrDefault(k, "<absent>") + "  vs  " + b.getOrDefault(k, "<absent>"));
                }
            }
        }
        if (differing > max) {
            lines.add("  ... and " + (differing - max) + " more");
        }
        return differing + " differing path(s) of " + a.size() + " / " + b.size() + "\n" + String.join("\n", lines);
    }

    private static String describe(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode") & 07777;
        String owner = a.get("uid") + ":" + a.get("gid");
        if (Files.isSymbolicLink(p)) {
            return "link -> " + Files.readSymbolicLink(p) + " " + owner;
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return "dir " + Integer.toOctalString(mode) + " " + owner;
        }
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            return "special " + Integer.toOctalString((Integer) a.get("mode")) + " " + owner;
        }
        return "file " + Integer.toOctalString(mode) + " " + owner + " " + nanos(a.get("lastModifiedTime")) + " "
                + sha256(p).substring(0, 16);
    }

    private static String describeFully(Path p, Native fs) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,lastModifiedTime,rdev", LinkOption.NOFOLLOW_LINKS);
        String common = " " + Integer.toOctalString((Integer) a.get("mode")) + " " + a.get("uid") + ":" + a.get("gid")
                + " " + nanos(a.get("lastModifiedTime"));
        String x = fs.xattrs(p);
        if (!x.isEmpty()) {
            common += " xattrs{" + x + "}";
        }
        if (Files.isSymbolicLink(p)) {
            return "link ->" + fs.linkTarget(p) + common;
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return "dir" + common;
        }
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            // FIFOs and devices: never opened (opening a FIFO blocks)
            return "special" + common + " rdev " + a.get("rdev");
        }
        return "file" + common + " " + sha256(p).substring(0, 16);
    }

    private static String sha256(Path p) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long nanos(Object fileTime) {
        return ((FileTime) fileTime).to(TimeUnit.NANOSECONDS);
    }

    private interface Visitor {
        void visit(String rel, Path p) throws IOException;
    }

    private static void walk(Path root, boolean withRoot, Visitor v) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (withRoot || !dir.equals(root)) {
                        v.visit(root.relativize(dir).toString(), dir);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    v.visit(root.relativize(file).toString(), file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("walking " + root, e);
        }
    }
}
