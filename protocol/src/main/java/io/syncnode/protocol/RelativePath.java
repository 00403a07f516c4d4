package io.syncnode.protocol;

/**
 * The rules for paths that name entries inside a folder, local or from the network.
 *
 * <p>A valid path is relative, '/'-separated, non-empty, with no empty, "." or ".." component,
 * no NUL byte, no leading or trailing '/', and at most {@link #MAX_LENGTH} bytes (UTF-8) with
 * components of at most 255 bytes (Linux NAME_MAX). Anything else is rejected: such a path could
 * name something outside the folder's root.
 */
public final class RelativePath {
    public static final int MAX_LENGTH = 4096;
    public static final int MAX_COMPONENT = 255;

    private RelativePath() {
    }

    /** Returns {@code path} if it is valid, else throws {@link InvalidPathException} saying why. */
    public static String validate(String path) {
        String why = problem(path);
        if (why != null) {
            throw new InvalidPathException(path, why);
        }
        return path;
    }

    /** Null if {@code path} is valid, else the reason. */
    public static String problem(String path) {
        if (path == null || path.isEmpty()) {
            return "empty path";
        }
        if (path.indexOf('\0') >= 0) {
            return "contains a NUL byte";
        }
        if (path.startsWith("/")) {
            return "absolute path";
        }
        if (path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LENGTH) {
            return "longer than " + MAX_LENGTH + " bytes";
        }
        int start = 0;
        while (start <= path.length()) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            String part = path.substring(start, end);
            if (part.isEmpty()) {
                return "empty path component";
            }
            if (part.equals(".") || part.equals("..")) {
                return "contains a '" + part + "' component";
            }
            if (part.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_COMPONENT) {
                return "component longer than " + MAX_COMPONENT + " bytes";
            }
            if (slash < 0) {
                break;
            }
            start = slash + 1;
        }
        return null;
    }

    /** The parent path, or "" for a top-level entry. */
    public static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    /** The last component. */
    public static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** True when {@code path} is {@code dir} or lies under it ("" is the root and contains all). */
    public static boolean isWithin(String path, String dir) {
        return dir.isEmpty() || path.equals(dir) || (path.startsWith(dir) && path.charAt(dir.length()) == '/');
    }

    /** Thrown for a path that breaks the rules; the message names the path and the reason. */
    public static final class InvalidPathException extends IllegalArgumentException {
        private final String reason;

        public InvalidPathException(String path, String reason) {
            super("invalid path " + quote(path) + ": " + reason);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }

        private static String quote(String p) {
            return p == null ? "null" : '"' + p.replace("\0", "\\0") + '"';
        }
    }
}
