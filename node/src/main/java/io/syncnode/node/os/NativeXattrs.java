package io.syncnode.node.os;

import static io.syncnode.node.os.NativeFs.XATTR_SIZE_MAX;
import static io.syncnode.node.os.NativeFs.failure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The extended-attribute calls behind {@link NativeFs}: llistxattr, lgetxattr, lsetxattr and
 * lremovexattr on the path itself (never following a symlink), with names as raw bytes (one char
 * per byte, ISO-8859-1).
 *
 * <p>Implementation notes. Listing is a size query first, then lgetxattr per name; if a list or
 * a value grows between the size query and the read (ERANGE) both are retried a few times, a
 * value the second time into the largest buffer any value can need. A value that vanishes
 * meanwhile or cannot be read is skipped (see {@link NativeFs#listXattrs}).
 */
final class NativeXattrs {
    /** XATTR_LIST_MAX: the kernel's limit on the NUL-separated name list. */
    private static final int XATTR_LIST_MAX = 64 * 1024;
    /** How often a size query + read is retried when the attribute grows in between (ERANGE). */
    private static final int ERANGE_ATTEMPTS = 5;

    private NativeXattrs() {
    }

    /** See {@link NativeFs#listXattrs}. */
    static Map<String, byte[]> list(Path path) throws IOException {
        byte[] p = PathBytes.of(path);
        LibC libc = LibC.get();
        byte[] list = null;
        int length = -1;
        for (int attempt = 0; attempt < ERANGE_ATTEMPTS && length < 0; attempt++) {
            long size = libc.llistxattr(p, null, 0);
            if (size < 0) {
                int errno = LibC.lastError();
                if (errno == LibC.EOPNOTSUPP) {
                    return Collections.emptyMap();
                }
                throw failure("list xattrs of", path, "llistxattr", errno);
            }
            if (size == 0) {
                return Collections.emptyMap();
            }
            list = new byte[(int) Math.min(size, XATTR_LIST_MAX)];
            long n = libc.llistxattr(p, list, list.length);
            if (n >= 0) {
                length = (int) n;
            } else if (LibC.lastError() != LibC.ERANGE) {
                throw failure("list xattrs of", path, "llistxattr", LibC.lastError());
            }
        }
        if (length < 0) {
            throw failure("list xattrs of", path, "llistxattr (list kept growing)", LibC.ERANGE);
        }
        Map<String, byte[]> result = new TreeMap<>();
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (list[i] == 0) {
                if (i > start) {
                    byte[] name = Arrays.copyOfRange(list, start, i + 1); // with its NUL
                    byte[] value = getXattr(libc, path, p, name);
                    if (value != null) {
                        result.put(new String(name, 0, name.length - 1, StandardCharsets.ISO_8859_1), value);
                    }
                }
                start = i + 1;
            }
        }
        return result;
    }

    /** One value, or null to skip it (see listXattrs). name is NUL-terminated. */
    private static byte[] getXattr(LibC libc, Path path, byte[] p, byte[] name) throws IOException {
        String call = "lgetxattr " + new String(name, 0, name.length - 1, StandardCharsets.ISO_8859_1);
        for (int attempt = 0; attempt < ERANGE_ATTEMPTS; attempt++) {
            // after a value grew between the size probe and the read, read into the largest buffer
            // any value can need: a writer that keeps resizing it cannot make the read fail again
            long size = attempt == 0 ? libc.lgetxattr(p, name, null, 0) : XATTR_SIZE_MAX;
            if (size < 0) {
                int errno = LibC.lastError();
                if (skippable(errno)) {
                    return null;
                }
                throw failure("read xattr of", path, call, errno);
            }
            byte[] value = new byte[(int) Math.min(size, XATTR_SIZE_MAX)];
            if (size == 0) {
                return value;
            }
            long n = libc.lgetxattr(p, name, value, value.length);
            if (n >= 0) {
                return n == value.length ? value : Arrays.copyOf(value, (int) n);
            }
            int errno = LibC.lastError();
            if (skippable(errno)) {
                return null;
            }
            if (errno != LibC.ERANGE) {
                throw failure("read xattr of", path, call, errno);
            }
        }
        throw failure("read xattr of", path, call + " (value kept growing)", LibC.ERANGE);
    }

    private static boolean skippable(int errno) {
        return errno == LibC.ENODATA || errno == LibC.EPERM || errno == LibC.EACCES || errno == LibC.EOPNOTSUPP;
    }

    /** See {@link NativeFs#setXattr}. */
    static void set(Path path, String name, byte[] value) throws IOException {
        if (value.length > XATTR_SIZE_MAX) {
            throw new IllegalArgumentException("xattr value of " + value.length + " bytes exceeds " + XATTR_SIZE_MAX);
        }
        if (LibC.get().lsetxattr(PathBytes.of(path), xattrName(name), value, value.length, 0) != 0) {
            throw failure("set xattr " + name + " on", path, "lsetxattr", LibC.lastError());
        }
    }

    /** See {@link NativeFs#removeXattr}. */
    static void remove(Path path, String name) throws IOException {
        if (LibC.get().lremovexattr(PathBytes.of(path), xattrName(name)) != 0) {
            throw failure("remove xattr " + name + " from", path, "lremovexattr", LibC.lastError());
        }
    }

    private static byte[] xattrName(String name) {
        byte[] bytes = new byte[name.length() + 1];
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == 0 || c > 0xff) {
                throw new IllegalArgumentException("xattr name must be raw bytes (chars 1..0xff): " + name);
            }
            bytes[i] = (byte) c;
        }
        return bytes;
    }
}
