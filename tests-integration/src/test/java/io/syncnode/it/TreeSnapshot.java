package io.syncnode.it;

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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * What "identical trees" means: per relative path, regular files by type, mode (all 12 bits),
 * uid:gid, mtime in ns and SHA-256 of the content; symlinks by target and uid:gid; directories by
 * mode and uid:gid only (their mtimes move with every entry change). The root itself is left out.
 * Paths that vanish during the walk (the node is still working) are skipped; the caller polls.
 */
public final class TreeSnapshot {
    private TreeSnapshot() {
    }

    /** path -> description, sorted. */
    public static Map<String, String> of(Path root) {
        Map<String, String> out = new TreeMap<>();
        walk(root, (rel, p) -> {
            try {
                out.put(rel, describe(p));
            } catch (NoSuchFileException e) {
                // gone between listing and reading: a later poll sees the settled state
            }
        });
        return out;
    }

    /** path -> "mtime ctime" (ns, lstat) of every entry: a node that rewrites or touches anything changes it. */
    public static Map<String, String> times(Path root) {
        Map<String, String> out = new TreeMap<>();
        walk(root, (rel, p) -> {
            try {
                Map<String, Object> a = Files.readAttributes(p, "unix:lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS);
                out.put(rel, ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS) + " "
                        + ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS));
            } catch (NoSuchFileException e) {
                out.put(rel, "<vanished>");
            }
        });
        return out;
    }

    /** Number of regular files below root. */
    /** Regular files under {@code root}, not counting a node's temp files (applies in progress). */
    public static long countFiles(Path root) {
        long[] n = {0};
        walk(root, (rel, p) -> {
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

    static String describe(Path p) throws IOException {
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
        long mtime = ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS);
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
            return "file " + Integer.toOctalString(mode) + " " + owner + " " + mtime + " "
                    + HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Visitor {
        void visit(String rel, Path p) throws IOException;
    }

    private static void walk(Path root, Visitor v) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (!dir.equals(root)) {
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
