package io.syncnode.protocol;

import java.util.Arrays;
import java.util.HexFormat;

/** SHA-256 of a file's content: an immutable 32-byte value. */
public final class ContentHash {
    public static final int LENGTH = 32;
    private final byte[] bytes;

    private ContentHash(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Wraps a copy of {@code bytes}; they must be exactly 32 bytes long. */
    public static ContentHash of(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException(
                    "content hash must be " + LENGTH + " bytes, got " + (bytes == null ? "null" : bytes.length));
        }
        return new ContentHash(bytes.clone());
    }

    public static ContentHash ofHex(String hex) {
        return of(HexFormat.of().parseHex(hex));
    }

    public byte[] toBytes() {
        return bytes.clone();
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContentHash other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex().substring(0, 12);
    }
}
