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

    /**
     * The copy's file name for {@code name} (a single path component, as {@link NameCodec#decode}
     * gives it). Lengths count name bytes ({@link NameCodec#byteLength}): when the copy's name would
     * pass {@link RelativePath#MAX_COMPONENT} bytes, the base name is cut at a whole character (an
     * extension too long to keep is dropped), so the copy is always a valid name.
     */
    public static String of(String name, long mtimeNs, String node) {
        String stamp = STAMP.format(Instant.ofEpochSecond(Math.floorDiv(mtimeNs, 1_000_000_000L)));
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        String tail = MARK + stamp + "-" + node + ext;
        if (NameCodec.byteLength(tail) >= RelativePath.MAX_COMPONENT) {
            tail = MARK + stamp + "-" + node;
        }
        return prefix(base, Math.max(1, RelativePath.MAX_COMPONENT - NameCodec.byteLength(tail))) + tail;
    }

    /** The longest start of {@code s} of whole characters and at most {@code maxBytes} name bytes. */
    static String prefix(String s, int maxBytes) {
        int bytes = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int n = NameCodec.byteLength(s.substring(i, i + Character.charCount(cp)));
            if (bytes + n > maxBytes) {
                break;
            }
            bytes += n;
            i += Character.charCount(cp);
        }
        return s.substring(0, i);
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
