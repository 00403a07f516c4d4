package io.syncnode.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A seeded generator of file-system operations on one folder: create, modify, delete, mkdir,
 * rmdir (empty or not), rename of a file or a directory, symlink, chmod (incl. setuid/setgid/sticky),
 * chown (only as root) and touch to an exact ns mtime. Each call inspects the folder as it is now,
 * picks an operation that applies, does it and returns a one-line description. Names are unique
 * (a counter), so no operation collides with an earlier one. A node's temp files are never picked.
 */
public final class RandomOps {
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private static final int[] FILE_MODES = {0600, 0640, 0644, 0664, 0700, 0755, 0444, 04755, 02750};
    private static final int[] DIR_MODES = {0700, 0750, 0755, 0775, 02775, 01777};
    private static final int[] IDS = {0, 1000, 1234, 65534};

    /** The prefix of a node's temp files ({@code Applier.TEMP_PREFIX}): never picked. */
    static final String TEMP_PREFIX = io.syncnode.node.apply.Applier.TEMP_PREFIX;

    private final Random rnd;
    private int counter;

    public RandomOps(long seed) {
        this.rnd = new Random(seed);
    }

    public static boolean canChown() {
        return ROOT;
    }

    /** Picks a random node index in [1, n]. */
    public int pick(int n) {
        return 1 + rnd.nextInt(n);
    }

    /** Performs one random operation on {@code root}; returns what it did. */
    public String apply(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        List<Path> links = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            // a node's own temp files (a fetch in progress) are not the user's to touch
            s.filter(p -> !p.equals(root) && !p.getFileName().toString().startsWith(TEMP_PREFIX)).forEach(p -> {
                if (Files.isSymbolicLink(p)) {
                    links.add(p);
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    dirs.add(p);
                } else {
                    files.add(p);
                }
            });
        }
        files.sort(null);
        dirs.sort(null);
        links.sort(null);
        List<Path> parents = new ArrayList<>(dirs);
        parents.add(0, root);
        int roll = rnd.nextInt(100);
        Path parent = parents.get(rnd.nextInt(parents.size()));
        if (roll < 18 || files.isEmpty()) {
            Path f = parent.resolve("f" + (++counter));
            byte[] content = content();
            Files.write(f, content);
            return "create " + rel(root, f) + " (" + content.length + " B)";
        }
        Path file = files.get(rnd.nextInt(files.size()));
        if (roll < 30) {
            return modify(root, file);
        }
        if (roll < 37) {
            Files.delete(file);
            return "delete " + rel(root, file);
        }
        if (roll < 46) {
            Path d = parent.resolve("d" + (++counter));
            Files.createDirectory(d);
            return "mkdir " + rel(root, d);
        }
        if (roll < 51 && !dirs.isEmpty()) {
            Path d = dirs.get(rnd.nextInt(dirs.size()));
            long entries;
            try (Stream<Path> s = Files.walk(d)) {
                entries = s.count() - 1;
            }
            try (Stream<Path> s = Files.walk(d)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
            return "rmdir " + rel(root, d) + (entries == 0 ? " (empty)" : " (with " + entries + " entries)");
        }
        if (roll < 59) {
            Path to = parent.resolve("f" + (++counter));
            Files.move(file, to);
            return "rename file " + rel(root, file) + " -> " + rel(root, to);
        }
        if (roll < 65 && !dirs.isEmpty()) {
            Path d = dirs.get(rnd.nextInt(dirs.size()));
            List<Path> targets = parents.stream().filter(p -> !p.startsWith(d)).toList();
            Path to = targets.get(rnd.nextInt(targets.size())).resolve("d" + (++counter));
            Files.move(d, to);
            return "rename dir " + rel(root, d) + " -> " + rel(root, to);
        }
        if (roll < 71) {
            Path l = parent.resolve("l" + (++counter));
            String target = rnd.nextBoolean() ? parent.relativize(file).toString() : "missing/x" + counter;
            Files.createSymbolicLink(l, Path.of(target));
            return "symlink " + rel(root, l) + " -> " + target;
        }
        if (roll < 80) {
            boolean dir = !dirs.isEmpty() && rnd.nextInt(3) == 0;
            Path p = dir ? dirs.get(rnd.nextInt(dirs.size())) : file;
            int mode = dir ? DIR_MODES[rnd.nextInt(DIR_MODES.length)] : FILE_MODES[rnd.nextInt(FILE_MODES.length)];
            if (!ROOT) {
                mode |= 0200; // later operations must still be able to write it
            }
            chmod(p, mode);
            return "chmod " + Integer.toOctalString(mode) + " " + rel(root, p);
        }
        if (roll < 88 && ROOT) {
            List<Path> all = new ArrayList<>(files);
            all.addAll(dirs);
            all.addAll(links);
            Path p = all.get(rnd.nextInt(all.size()));
            int uid = IDS[rnd.nextInt(IDS.length)];
            int gid = IDS[rnd.nextInt(IDS.length)];
            Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            return "chown " + uid + ":" + gid + " " + rel(root, p);
        }
        long ns = 1_500_000_000_000_000_000L + (rnd.nextLong() & Long.MAX_VALUE) % 200_000_000_000_000_000L;
        Files.setLastModifiedTime(file, FileTime.from(ns, TimeUnit.NANOSECONDS));
        return "touch " + rel(root, file) + " mtime=" + ns + "ns";
    }

    private String modify(Path root, Path file) throws IOException {
        byte[] old = Files.readAllBytes(file);
        int how = rnd.nextInt(3);
        if (how == 0 || old.length == 0) {
            byte[] c = content();
            Files.write(file, c);
            return "modify " + rel(root, file) + " (rewrite, " + c.length + " B)";
        }
        if (how == 1) {
            byte[] more = new byte[1 + rnd.nextInt(2000)];
            rnd.nextBytes(more);
            Files.write(file, more, java.nio.file.StandardOpenOption.APPEND);
            return "modify " + rel(root, file) + " (append " + more.length + " B)";
        }
        int at = rnd.nextInt(old.length);
        old[at] ^= 0x5a;
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(old, at, 1), at);
        }
        return "modify " + rel(root, file) + " (1 byte at " + at + " of " + old.length + ")";
    }

    private byte[] content() {
        int kind = rnd.nextInt(20);
        int size = kind == 0 ? 0 : kind < 12 ? 1 + rnd.nextInt(300) : kind < 19 ? 1000 + rnd.nextInt(30_000)
                : 200_000 + rnd.nextInt(1_300_000);
        byte[] b = new byte[size];
        rnd.nextBytes(b);
        return b;
    }

    /** chmod with all 12 bits (NIO's PosixFilePermission has no setuid/setgid/sticky). */
    static void chmod(Path p, int mode) throws IOException {
        try {
            Process c = new ProcessBuilder("chmod", Integer.toOctalString(mode), p.toString()).inheritIO().start();
            if (c.waitFor() != 0) {
                throw new IOException("chmod " + Integer.toOctalString(mode) + " " + p + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static String rel(Path root, Path p) {
        return root.relativize(p).toString();
    }
}
