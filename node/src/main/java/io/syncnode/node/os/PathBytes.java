package io.syncnode.node.os;

import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.RelativePath;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * File names as the bytes the kernel sees, losslessly, whatever the JVM's locale.
 *
 * <p>Linux file names are arbitrary bytes except '/' and NUL. The JDK decodes them with the
 * charset named by {@code sun.jnu.encoding} (UTF-8 here, from {@code LANG=C.UTF-8}), so a name
 * that is not valid in that charset, e.g. {@code caf\xe9}, turns into {@code "caf\uFFFD"} in
 * {@link Path#toString()}: the string is lossy, two different names can give the same string, and
 * {@code Path.of(thatString)} names another file. A {@link Path} object obtained from the file
 * system (e.g. {@code Files.list}) still holds the exact bytes and works for I/O; only the String
 * conversion loses them. Measured on JDK 17.0.15 (see {@code FileNameBytesTest}):
 * {@code -Dsun.jnu.encoding=ISO-8859-1} on the command line is ignored, {@code LC_ALL=C} makes it
 * worse (US-ASCII: {@code Path.of} throws InvalidPathException), and only a generated Latin-1
 * locale gives byte-exact strings.
 *
 * <p>The lossless route used here is pure JDK: {@link Path#toUri()} percent-encodes the exact
 * bytes and {@link Path#of(URI)} decodes percent-escapes back into exact bytes, for every byte
 * 0x01..0xff. Names that decode cleanly (no U+FFFD) take the fast String path; only the others pay
 * for the URI detour (whose {@code toUri()} costs one stat, to decide on a trailing slash).
 */
public final class PathBytes {
    static final Charset CHARSET = fileNameCharset();
    private static final Path ROOT = Path.of("/");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PathBytes() {
    }

    /** The path's exact bytes followed by a NUL, for a {@code const char *} parameter. */
    static byte[] of(Path path) {
        byte[] bytes = bytes(path);
        return Arrays.copyOf(bytes, bytes.length + 1);
    }

    /**
     * The exact bytes of {@code path} as the kernel sees them (relative stays relative), also for
     * names that are invalid in the JVM's file-name charset. {@code Path.of("")} gives an empty
     * array.
     */
    public static byte[] bytes(Path path) {
        String s = path.toString();
        if (s.indexOf('\uFFFD') < 0) {
            // Decoded without replacement, so encoding it again gives the original bytes.
            return s.getBytes(CHARSET);
        }
        boolean absolute = path.isAbsolute();
        // "/" + a relative path: toUri must not resolve against the working directory.
        Path abs = absolute ? path : ROOT.resolve(path);
        String raw = abs.toUri().getRawPath();
        if (raw.length() > 1 && raw.endsWith("/")) {
            raw = raw.substring(0, raw.length() - 1); // toUri appends '/' to directories
        }
        byte[] decoded = percentDecode(raw);
        return absolute ? decoded : Arrays.copyOfRange(decoded, 1, decoded.length);
    }

    /** The exact bytes of the last element of {@code path} (its file name). */
    public static byte[] nameBytes(Path path) {
        Path name = path.getFileName();
        if (name == null) {
            throw new IllegalArgumentException("path has no file name: " + path);
        }
        return bytes(name);
    }

    /**
     * The path whose bytes are exactly {@code path} (absolute if it starts with '/', else
     * relative), also when they are invalid in the JVM's file-name charset. The JDK's usual
     * normalisation applies: repeated and trailing slashes are dropped.
     *
     * @throws IllegalArgumentException if {@code path} contains a NUL byte
     */
    public static Path fromBytes(byte[] path) {
        for (byte b : path) {
            if (b == 0) {
                throw new IllegalArgumentException("file name bytes contain NUL");
            }
        }
        String clean = decodeStrict(path);
        if (clean != null) {
            return Path.of(clean);
        }
        boolean absolute = path.length > 0 && path[0] == '/';
        Path viaUri = Path.of(URI.create("file://" + (absolute ? "" : "/") + percentEncode(path)));
        return absolute ? viaUri : ROOT.relativize(viaUri);
    }

    /**
     * {@code dir} resolved against the single file name {@code name}, byte-exact.
     *
     * @throws IllegalArgumentException if {@code name} is empty or contains '/' or NUL
     */
    public static Path resolve(Path dir, byte[] name) {
        if (name.length == 0) {
            throw new IllegalArgumentException("empty file name");
        }
        for (byte b : name) {
            if (b == '/') {
                throw new IllegalArgumentException("file name contains '/'");
            }
        }
        return dir.resolve(fromBytes(name));
    }

    /**
     * The entry {@code rel} of a folder rooted at {@code root}: {@code rel} is a relative path in
     * {@link NameCodec} form (any name bytes), {@code "."} or {@code ""} the root itself.
     */
    public static Path under(Path root, String rel) {
        if (rel.isEmpty() || rel.equals(RelativePath.ROOT)) {
            return root;
        }
        return root.resolve(fromBytes(NameCodec.encode(rel)));
    }

    /** {@code abs} relative to {@code root}, in {@link NameCodec} form; {@code ""} for the root itself. */
    public static String relative(Path root, Path abs) {
        return NameCodec.decode(bytes(root.relativize(abs)));
    }

    /** The last element of {@code path}, in {@link NameCodec} form. */
    public static String name(Path path) {
        return NameCodec.decode(nameBytes(path));
    }

    /** The bytes decoded in the file-name charset, or null if they do not round-trip exactly. */
    private static String decodeStrict(byte[] bytes) {
        try {
            String s = CHARSET.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return Arrays.equals(s.getBytes(CHARSET), bytes) ? s : null;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String percentEncode(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return sb.toString();
    }

    private static byte[] percentDecode(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        byte[] ascii = raw.getBytes(StandardCharsets.US_ASCII); // a raw URI path is ASCII
        for (int i = 0; i < ascii.length; i++) {
            if (ascii[i] == '%' && i + 2 < ascii.length) {
                out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(ascii[i]);
            }
        }
        return out.toByteArray();
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
