package io.syncnode.protocol;

/**
 * The rules for paths that name entries inside a folder, local or from the network.
 *
 * <p>A valid path is relative, '/'-separated, non-empty, with no empty, "." or ".." component,
 * no NUL byte, no leading or trailing '/', and at most {@link #MAX_LENGTH} bytes with components
 * of at most 255 bytes (Linux NAME_MAX). Paths are name bytes in {@link NameCodec} form (any byte
 * but '/' and NUL, valid UTF-8 or not); a string that is not that form is rejected. Anything else
 * is rejected too: such a path could name something outside the folder's root. The one exception
 * is {@link #ROOT}, ".", the record of the folder's root directory itself (its owner, mode, mtime
 * and extended attributes).
 */
public final class RelativePath {
    public static final int MAX_LENGTH = 4096;
    public static final int MAX_COMPONENT = 255;
    /**
     * Names starting with this are the temp entries of applies in progress: reserved in every
     * component of a path, so no record can name one or anything below one.
     */
    public static final String TEMP_PREFIX = ".syncnode-tmp.";
    /** The path of the folder root's own record. */
    public static final String ROOT = ".";

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

    /**
     * True when a component of {@code path} starts with {@link #TEMP_PREFIX}: the path is a temp
     * entry or lies below one. Cheap enough for every scanned entry (no full {@link #problem} check).
     */
    public static boolean inTempEntry(String path) {
        return path.startsWith(TEMP_PREFIX) || path.contains("/" + TEMP_PREFIX);
    }

    /** Null if {@code path} is valid, else the reason. */
    public static String problem(String path) {
        if (path == null || path.isEmpty()) {
            return "empty path";
        }
        if (path.indexOf('\0') >= 0) {
            return "contains a NUL byte";
        }
        if (path.equals(ROOT)) {
            return null;
        }
        if (path.startsWith("/")) {
            return "absolute path";
        }
        String codec = NameCodec.problem(path);
        if (codec != null) {
            return "not a file name encoding: " + codec;
        }
        if (NameCodec.byteLength(path) > MAX_LENGTH) {
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
            if (NameCodec.byteLength(part) > MAX_COMPONENT) {
                return "component longer than " + MAX_COMPONENT + " bytes";
            }
            if (part.startsWith(TEMP_PREFIX)) { // see inTempEntry
                return "a component starts with " + TEMP_PREFIX + ", reserved for temp files";
            }
            if (slash < 0) {
                break;
            }
            start = slash + 1;
        }
        return null;
    }

    /** The path of the directory record that holds {@code path}: {@link #ROOT} for a top-level entry, null for the root. */
    public static String parentRecord(String path) {
        if (path.equals(ROOT)) {
            return null;
        }
        int slash = path.lastIndexOf('/');
        return slash < 0 ? ROOT : path.substring(0, slash);
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
        return dir.isEmpty() || dir.equals(ROOT) || path.equals(dir) || (path.startsWith(dir) && path.charAt(dir.length()) == '/');
    }

    /** Thrown for a path that breaks the rules; the message names the path and the reason. */
    public static final class InvalidPathException extends IllegalArgumentException {
        private final String reason;

        public InvalidPathException(String path, String reason) {
            super("invalid path " + (path == null ? "null" : '"' + NameCodec.display(path) + '"') + ": " + reason);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }

    }
}
