package io.syncnode.node.engine;

import io.syncnode.node.os.NativeFs;
import io.syncnode.node.os.PathBytes;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.Xattrs;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A comparable description of a tree, root included ("."): per path (name bytes, any encoding),
 * type, mode, uid/gid, mtime in ns (every type), extended attributes with their values, content
 * hash, exact link target or device number, and for files with several names in the tree the
 * smallest name of their inode (one inode group on both sides, not copies).
 */
final class TreeSnapshot {
    private TreeSnapshot() {
    }

    static Map<String, String> of(Path root) {
        Map<String, String> out = new TreeMap<>();
        Map<Long, String> firstNameOfInode = new HashMap<>();
        Map<String, Long> inodeOf = new HashMap<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    out.put(dir.equals(root) ? "." : PathBytes.relative(root, dir), describe(dir));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String rel = PathBytes.relative(root, file);
                    out.put(rel, describe(file));
                    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && NativeFs.nlink(file) > 1) {
                        long ino = NativeFs.inode(file);
                        inodeOf.put(rel, ino);
                        firstNameOfInode.merge(ino, rel, (x, y) -> x.compareTo(y) <= 0 ? x : y);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            return Map.of("<error>", e.toString());
        }
        inodeOf.forEach((rel, ino) -> {
            String first = firstNameOfInode.get(ino);
            if (!first.equals(rel)) {
                out.put(rel, out.get(rel) + " hardlink-to " + NameCodec.display(first));
            }
        });
        return out;
    }

    static String describe(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        long mtime = ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS);
        String common = " " + Integer.toOctalString(mode) + " " + a.get("uid") + ":" + a.get("gid") + " " + mtime
                + xattrs(p);
        if (Files.isSymbolicLink(p)) {
            return "link ->" + NameCodec.display(NameCodec.decode(NativeFs.readlink(p))) + common;
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return "dir" + common;
        }
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            // FIFOs and devices: never opened (opening a FIFO blocks)
            return "special" + common + " rdev " + Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
            return "file" + common + " " + HexFormat.of().formatHex(h).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String xattrs(Path p) throws IOException {
        Xattrs x = EntryReader.readXattrs(p);
        if (x.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(" xattrs{");
        for (Map.Entry<String, byte[]> e : x) {
            sb.append(NameCodec.display(e.getKey())).append('=').append(HexFormat.of().formatHex(e.getValue())).append(';');
        }
        return sb.append('}').toString();
    }
}
