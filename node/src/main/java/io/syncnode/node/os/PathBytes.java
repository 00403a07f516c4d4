package io.syncnode.node.os;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * File names as the bytes the kernel sees. The JDK encodes file names with the charset named by
 * {@code sun.jnu.encoding} (from the locale, UTF-8 in a UTF-8 locale); native calls must use the
 * same one or a name the JDK created would not be found again.
 */
final class PathBytes {
    static final Charset CHARSET = fileNameCharset();

    private PathBytes() {
    }

    /** The path's bytes followed by a NUL, for a {@code const char *} parameter. */
    static byte[] of(Path path) {
        byte[] bytes = path.toString().getBytes(CHARSET);
        return Arrays.copyOf(bytes, bytes.length + 1);
    }

    private static Charset fileNameCharset() {
        // The JDK's own file-name encoding; read here, not configuration (STYLE 8 is about settings).
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            // An unknown charset name cannot occur on a working JDK; UTF-8 is the Linux norm.
            return StandardCharsets.UTF_8;
        }
    }
}
