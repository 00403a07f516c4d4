package io.syncnode.node.trust;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The SHA-256 of a certificate's DER encoding: how operators name one certificate (to revoke it,
 * to compare what two nodes see). Equal by content; {@link #toString()} is {@code "sha256:"} and
 * 64 lowercase hex digits, which {@link #parse} reads back.
 *
 * @param sha256 the 32-byte digest (copied in and out: the record is immutable)
 */
public record Fingerprint(byte[] sha256) {
    private static final String PREFIX = "sha256:";
    private static final HexFormat HEX = HexFormat.of();

    public Fingerprint {
        if (sha256 == null || sha256.length != 32) {
            throw new IllegalArgumentException("a SHA-256 fingerprint has 32 bytes, not "
                    + (sha256 == null ? "none" : sha256.length));
        }
        sha256 = sha256.clone();
    }

    /** The fingerprint of a certificate given as DER. */
    public static Fingerprint of(byte[] der) {
        try {
            return new Fingerprint(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * Reads {@code sha256:<64 hex>} or the 64 hex digits alone, in any case, with or without a
     * {@code :} between byte pairs (as {@code openssl x509 -fingerprint} prints them); surrounding
     * blanks are ignored.
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text}
     */
    public static Fingerprint parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty fingerprint: expected sha256: and 64 hex digits");
        }
        String rest = text.strip();
        String lower = rest.toLowerCase(Locale.ROOT);
        if (lower.startsWith(PREFIX)) {
            rest = rest.substring(PREFIX.length());
        } else if (rest.indexOf(':') > 0 && !lower.substring(0, rest.indexOf(':')).matches("[0-9a-f]+")) {
            String algorithm = rest.substring(0, rest.indexOf(':'));
            throw new IllegalArgumentException("fingerprint \"" + text + "\" uses " + algorithm
                    + "; only sha256 fingerprints are accepted");
        }
        byte[] digest = new byte[32];
        int digits = 0;
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == ':') {
                if (digits % 2 != 0 || digits == 0 || i == rest.length() - 1 || rest.charAt(i + 1) == ':') {
                    throw new IllegalArgumentException("fingerprint \"" + text
                            + "\": ':' may only separate pairs of hex digits");
                }
                continue;
            }
            int value = Character.digit(c, 16);
            if (value < 0) {
                throw new IllegalArgumentException("fingerprint \"" + text + "\": '" + c + "' is not a hex digit");
            }
            if (digits < 64) {
                digest[digits / 2] |= (byte) (digits % 2 == 0 ? value << 4 : value);
            }
            digits++;
        }
        if (digits != 64) {
            throw new IllegalArgumentException("fingerprint \"" + text + "\" has " + digits
                    + " hex digits; a sha256 fingerprint has 64");
        }
        return new Fingerprint(digest);
    }

    /** Whether {@link #parse} accepts {@code text}. */
    public static boolean looksLikeFingerprint(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false; // the answer is the point: not a fingerprint
        }
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Fingerprint f && Arrays.equals(sha256, f.sha256);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
        return PREFIX + HEX.formatHex(sha256);
    }
}
