package io.syncnode.protocol;

import java.util.List;
import java.util.Objects;

/**
 * What a remote change of one folder may carry ({@code [folder.accept]}): device nodes, setuid and
 * setgid bits, owners (uid and gid ranges) and extended-attribute names. {@link #ALL}, the
 * default, accepts everything (full container fidelity); a locked-down folder (a web root) refuses
 * what could give a peer root on this host.
 *
 * <p>Implementation notes: the filter looks at the record a remote change would make local, never
 * at tombstones (a delete carries no metadata; mass deletes have their own guard). The setgid bit
 * of a directory only passes the group on to new entries, so {@code setuid = false} refuses it on
 * every type but directories. {@code owners} applies to uid and gid alike: each must lie in one of
 * the ranges. An xattr pattern is a name, or a prefix followed by one {@code *}
 * ({@code "user.*"}, {@code "system.posix_acl_*"}). Checks run in a fixed order (devices, setuid,
 * owners, xattrs) and the first refusal is returned, so every node names the same reason.
 *
 * <p>Pure, immutable and thread-safe.
 *
 * @param devices  accept character and block device nodes
 * @param setuid   accept the setuid bit, and the setgid bit on anything but a directory
 * @param owners   the uid/gid ranges accepted; null: every owner
 * @param xattrs   the xattr name patterns accepted; null: every name
 */
public record AcceptFilter(boolean devices, boolean setuid, List<OwnerRange> owners, List<String> xattrs) {
    /** Accepts everything: the default. */
    public static final AcceptFilter ALL = new AcceptFilter(true, true, null, null);

    public AcceptFilter {
        owners = owners == null ? null : List.copyOf(owners);
        xattrs = xattrs == null ? null : List.copyOf(xattrs);
        if (xattrs != null) {
            for (String p : xattrs) {
                String problem = patternProblem(p);
                if (problem != null) {
                    throw new IllegalArgumentException(problem);
                }
            }
        }
    }

    /** An inclusive range of numeric ids, {@code "N"} or {@code "N-M"} in the config. */
    public record OwnerRange(long first, long last) {
        /** The largest id: (uid_t) -1 is "no change" to chown, never an owner. */
        public static final long MAX_ID = 4_294_967_294L;

        public OwnerRange {
            if (first < 0 || last > MAX_ID || first > last) {
                throw new IllegalArgumentException("range " + first + "-" + last + " must satisfy 0 <= first <= last <= "
                        + MAX_ID);
            }
        }

        /** Parses {@code "N"} or {@code "N-M"}; the message of the exception says what is wrong. */
        public static OwnerRange parse(String text) {
            Objects.requireNonNull(text, "text");
            if (!text.matches("[0-9]{1,10}(-[0-9]{1,10})?")) {
                throw new IllegalArgumentException("\"" + text + "\" is not an id range: write \"N\" or \"N-M\" with"
                        + " decimal ids from 0 to " + MAX_ID + ", e.g. \"33\" or \"100000-165535\"");
            }
            int dash = text.indexOf('-');
            long first = Long.parseLong(dash < 0 ? text : text.substring(0, dash));
            long last = dash < 0 ? first : Long.parseLong(text.substring(dash + 1));
            if (first > MAX_ID || last > MAX_ID) {
                throw new IllegalArgumentException("\"" + text + "\": ids go up to " + MAX_ID);
            }
            if (first > last) {
                throw new IllegalArgumentException("\"" + text + "\": the first id is larger than the last");
            }
            return new OwnerRange(first, last);
        }

        boolean contains(long id) {
            return id >= first && id <= last;
        }

        @Override
        public String toString() {
            return first == last ? Long.toString(first) : first + "-" + last;
        }
    }

    /** Why {@code pattern} is not an xattr pattern, or null when it is one. */
    public static String patternProblem(String pattern) {
        if (pattern == null || pattern.isEmpty() || pattern.equals("*")) {
            return "\"" + (pattern == null ? "" : pattern) + "\" is not an xattr pattern: give a name (\"user.mime_type\")"
                    + " or a namespace prefix ending in * (\"user.*\"); leave the key out to accept every name";
        }
        int star = pattern.indexOf('*');
        if (star >= 0 && star != pattern.length() - 1) {
            return "\"" + pattern + "\": * may only end a pattern (a prefix such as \"security.*\")";
        }
        if (pattern.length() > Xattrs.MAX_NAME || pattern.indexOf('\0') >= 0) {
            return "\"" + pattern + "\": an xattr name has 1 to " + Xattrs.MAX_NAME + " bytes and no NUL";
        }
        return null;
    }

    /** Whether this filter accepts everything (nothing to check). */
    public boolean acceptsAll() {
        return devices && setuid && owners == null && xattrs == null;
    }

    /**
     * Why a remote change that would make {@code r} the local entry is refused, or null when it is
     * accepted. The reason names the key and the value; peer-supplied names in it are raw (the
     * caller escapes them for logs).
     */
    public String refusal(FileRecord r) {
        if (r.deleted()) {
            return null;
        }
        if (!devices && (r.type() == FileType.CHAR_DEVICE || r.type() == FileType.BLOCK_DEVICE)) {
            return "a device node (accept.devices = false)";
        }
        if (!setuid) {
            if ((r.mode() & 04000) != 0) {
                return "the setuid bit (mode " + String.format("%04o", r.mode()) + "; accept.setuid = false)";
            }
            if ((r.mode() & 02000) != 0 && r.type() != FileType.DIRECTORY) {
                return "the setgid bit (mode " + String.format("%04o", r.mode()) + "; accept.setuid = false)";
            }
        }
        if (owners != null) {
            long uid = Integer.toUnsignedLong(r.uid());
            long gid = Integer.toUnsignedLong(r.gid());
            if (!inRanges(uid)) {
                return "uid " + uid + " (not in accept.owners " + owners + ")";
            }
            if (!inRanges(gid)) {
                return "gid " + gid + " (not in accept.owners " + owners + ")";
            }
        }
        if (xattrs != null) {
            for (String name : r.xattrs().names()) {
                if (!xattrAccepted(name)) {
                    return "xattr " + name + " (not in accept.xattrs " + xattrs + ")";
                }
            }
        }
        return null;
    }

    private boolean inRanges(long id) {
        for (OwnerRange range : owners) {
            if (range.contains(id)) {
                return true;
            }
        }
        return false;
    }

    private boolean xattrAccepted(String name) {
        for (String p : xattrs) {
            if (p.endsWith("*") ? name.startsWith(p.substring(0, p.length() - 1)) : name.equals(p)) {
                return true;
            }
        }
        return false;
    }
}
