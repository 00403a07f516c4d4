package io.syncnode.protocol;

import java.io.ByteArrayOutputStream;

/**
 * File names are bytes; syncnode keeps them in Java strings without losing one.
 *
 * <p>Linux allows any byte but '/' and NUL in a name, so a name need not be valid UTF-8 (e.g.
 * Latin-1 {@code caf\xe9}). {@link #decode} turns name bytes into a string: every valid UTF-8
 * sequence becomes its character, and every byte that is not part of one becomes an <em>escape
 * character</em> U+EF80..U+EFFF (byte {@code 0x80..0xff} maps to {@code U+EF00 + byte}), the
 * convention of MirBSD's OPTU-8. So that the mapping stays one to one, a valid sequence that
 * encodes a character of that private-use range is escaped byte by byte as well. {@link #encode}
 * reverses it exactly: {@code encode(decode(b))} equals {@code b} for every byte array, and a
 * string made by {@code decode} contains no unpaired surrogate, so it survives UTF-8 (the index,
 * JSON, logs) unchanged.
 *
 * <p>Pure and thread-safe.
 */
public final class NameCodec {
    /** The first escape character: stands for byte 0x80. */
    static final int ESCAPE_FIRST = 0xEF80;
    /** The last escape character: stands for byte 0xff. */
    static final int ESCAPE_LAST = 0xEFFF;

    private NameCodec() {
    }

    /** The string for name bytes {@code b} (lossless, see the class notes). */
    public static String decode(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length);
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                sb.append((char) c);
                i++;
                continue;
            }
            int n = sequenceLength(b, i);
            int cp = n == 0 ? -1 : codePoint(b, i, n);
            if (cp < 0 || (cp >= ESCAPE_FIRST && cp <= ESCAPE_LAST)) {
                // malformed: only the lead byte is escaped (what follows is decoded on its own);
                // a valid sequence of an escape character: all its bytes (all >= 0x80)
                int count = cp < 0 ? 1 : n;
                for (int k = 0; k < count; k++) {
                    sb.append((char) (0xEF00 | (b[i + k] & 0xff)));
                }
                i += count;
            } else {
                sb.appendCodePoint(cp);
                i += n;
            }
        }
        return sb.toString();
    }

    /**
     * The name bytes of {@code s}: escape characters become their byte, every other character its
     * UTF-8 encoding.
     *
     * @throws IllegalArgumentException if {@code s} holds an unpaired surrogate (no string made by
     *                                  {@link #decode} does)
     */
    public static byte[] encode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 8);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x80) {
                out.write(cp);
            } else if (cp >= ESCAPE_FIRST && cp <= ESCAPE_LAST) {
                out.write(cp & 0xff);
            } else if (cp >= 0xD800 && cp <= 0xDFFF) {
                throw new IllegalArgumentException("name holds an unpaired surrogate U+"
                        + Integer.toHexString(cp).toUpperCase() + " at index " + (i - 1));
            } else if (cp < 0x800) {
                out.write(0xC0 | cp >> 6);
                out.write(0x80 | cp & 0x3F);
            } else if (cp < 0x10000) {
                out.write(0xE0 | cp >> 12);
                out.write(0x80 | cp >> 6 & 0x3F);
                out.write(0x80 | cp & 0x3F);
            } else {
                out.write(0xF0 | cp >> 18);
                out.write(0x80 | cp >> 12 & 0x3F);
                out.write(0x80 | cp >> 6 & 0x3F);
                out.write(0x80 | cp & 0x3F);
            }
        }
        return out.toByteArray();
    }

    /** Null when {@code s} is what {@link #decode} makes of its own bytes, else why not. */
    public static String problem(String s) {
        byte[] bytes;
        try {
            bytes = encode(s);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return decode(bytes).equals(s) ? null : "escape characters U+EF80..U+EFFF that spell a valid UTF-8 sequence";
    }

    /** True when {@code s} holds an escape character (its bytes are not all valid UTF-8). */
    public static boolean hasEscapes(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= ESCAPE_FIRST && c <= ESCAPE_LAST) {
                return true;
            }
        }
        return false;
    }

    /** Length of {@code s} in name bytes. */
    public static int byteLength(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            n += cp < 0x80 || (cp >= ESCAPE_FIRST && cp <= ESCAPE_LAST) ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        }
        return n;
    }

    /**
     * {@code s} for people (logs, CLI tables): escape characters and control characters shown as
     * {@code \xNN}, a backslash as {@code \\}. {@link #fromDisplay} reverses it.
     */
    public static String display(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = null;
            if (c >= ESCAPE_FIRST && c <= ESCAPE_LAST) {
                rep = String.format("\\x%02x", c & 0xff);
            } else if (c < 0x20 || c == 0x7f) {
                rep = String.format("\\x%02x", (int) c);
            } else if (c == '\\') {
                rep = "\\\\";
            }
            if (rep != null && sb == null) {
                sb = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (sb != null) {
                sb.append(rep != null ? rep : String.valueOf(c));
            }
        }
        return sb == null ? s : sb.toString();
    }

    /**
     * The name an operator typed in {@link #display} form: {@code \xNN} is byte NN, {@code \\} a
     * backslash; anything else stands for itself.
     *
     * @throws IllegalArgumentException for a backslash not followed by {@code \} or {@code xNN}
     */
    public static String fromDisplay(String typed) {
        if (typed.indexOf('\\') < 0) {
            return typed;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(typed.length());
        for (int i = 0; i < typed.length(); ) {
            char c = typed.charAt(i);
            if (c == '\\') {
                if (i + 1 < typed.length() && typed.charAt(i + 1) == '\\') {
                    out.write('\\');
                    i += 2;
                    continue;
                }
                if (i + 3 < typed.length() && typed.charAt(i + 1) == 'x'
                        && hex(typed.charAt(i + 2)) >= 0 && hex(typed.charAt(i + 3)) >= 0) {
                    out.write(hex(typed.charAt(i + 2)) << 4 | hex(typed.charAt(i + 3)));
                    i += 4;
                    continue;
                }
                throw new IllegalArgumentException("a backslash must be followed by \\ or xNN (a byte in hex), in: "
                        + typed);
            }
            int cp = typed.codePointAt(i);
            byte[] b = encode(new String(Character.toChars(cp)));
            out.write(b, 0, b.length);
            i += Character.charCount(cp);
        }
        return decode(out.toByteArray());
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    /** Length of the UTF-8 sequence whose lead byte is at {@code i}, or 0 when it is no lead byte. */
    private static int sequenceLength(byte[] b, int i) {
        int c = b[i] & 0xff;
        int n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        return i + n <= b.length ? n : 0;
    }

    /** The code point of the {@code n}-byte sequence at {@code i}, or -1 when it is malformed. */
    private static int codePoint(byte[] b, int i, int n) {
        int lead = b[i] & 0xff;
        int cp = lead & (0x7F >> n);
        for (int k = 1; k < n; k++) {
            int c = b[i + k] & 0xff;
            if ((c & 0xC0) != 0x80) {
                return -1;
            }
            cp = cp << 6 | (c & 0x3F);
        }
        int min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return -1;
        }
        return cp;
    }
}
