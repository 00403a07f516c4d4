package io.syncnode.protocol;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Names of {@code keep-both} conflict copies: {@code NAME.sync-conflict-YYYYMMDD-HHMMSS-NODE.EXT},
 * beside the path they belong to. The time is the losing version's mtime (UTC), so the node that
 * keeps the copy gives it the same name however often it meets the same conflict: it is created
 * once. A name without an extension (or a dot file such as {@code .bashrc}) gets no {@code .EXT}.
 */
public final class ConflictCopyName {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);
    private static final String MARK = ".sync-conflict-";

    private ConflictCopyName() {
    }

    /** The copy's file name for {@code name} (a single path component). */
    public static String of(String name, long mtimeNs, String node) {
        String stamp = STAMP.format(Instant.ofEpochSecond(Math.floorDiv(mtimeNs, 1_000_000_000L)));
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        String copy = base + MARK + stamp + "-" + node + ext;
        if (copy.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > RelativePath.MAX_COMPONENT) {
            int keep = Math.max(1, base.length() - (copy.length() - RelativePath.MAX_COMPONENT));
            copy = base.substring(0, keep) + MARK + stamp + "-" + node + ext;
        }
        return copy;
    }

    /** True when {@code candidate} is a conflict copy of {@code name} (made by any node at any time). */
    public static boolean isCopyOf(String candidate, String name) {
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        return Pattern.compile(Pattern.quote(base) + Pattern.quote(MARK) + "\\d{8}-\\d{6}-[a-z0-9-]+" + Pattern.quote(ext))
                .matcher(candidate).matches();
    }
}
