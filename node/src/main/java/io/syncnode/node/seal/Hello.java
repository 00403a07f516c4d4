package io.syncnode.node.seal;

import java.util.ArrayList;
import java.util.List;

/**
 * A session's signed introduction: who it is (certificate), where it listens, its JGroups
 * address, its current ephemeral X25519 key, and which sessions' introductions it already holds
 * ({@link #knows}). Sent in clear: it carries no secret, and its Ed25519 signature by the
 * certified key makes it unforgeable; a replayed one changes nothing (see {@link SealEngine}).
 *
 * @param physical the transport address to answer to (opaque bytes, the adapter's encoding)
 * @param knows    (session id, generation) of every introduction the sender holds
 * @param signed   the packet bytes the signature covers (everything before the signature)
 */
record Hello(long session, int gen, long startedAt, long addressMsb, long addressLsb, byte[] ephemeral,
             byte[] physical, byte[] certificate, List<Known> knows, byte[] signed, byte[] signature) {

    record Known(long session, int gen) {
    }

    /** Builds and signs a hello packet with {@code signer}. */
    static byte[] encode(long session, int gen, long startedAt, long[] address, byte[] ephemeral, byte[] physical,
                         byte[] certificate, List<Known> knows, Signer signer) {
        int n = Math.min(knows.size(), SealFormat.MAX_KNOWS);
        int len = SealFormat.PREFIX + 8 + 4 + 8 + 16 + 32 + 2 + physical.length + 2 + certificate.length + 1 + 12 * n
                + SealFormat.SIGNATURE;
        byte[] b = new byte[len];
        SealFormat.prefix(b, SealFormat.KIND_HELLO);
        int p = SealFormat.PREFIX;
        SealFormat.putLong(b, p, session);
        SealFormat.putInt(b, p + 8, gen);
        SealFormat.putLong(b, p + 12, startedAt);
        SealFormat.putLong(b, p + 20, address[0]);
        SealFormat.putLong(b, p + 28, address[1]);
        System.arraycopy(ephemeral, 0, b, p + 36, 32);
        p += 68;
        SealFormat.putShort(b, p, physical.length);
        System.arraycopy(physical, 0, b, p + 2, physical.length);
        p += 2 + physical.length;
        SealFormat.putShort(b, p, certificate.length);
        System.arraycopy(certificate, 0, b, p + 2, certificate.length);
        p += 2 + certificate.length;
        b[p++] = (byte) n;
        for (int i = 0; i < n; i++) {
            SealFormat.putLong(b, p, knows.get(i).session());
            SealFormat.putInt(b, p + 8, knows.get(i).gen());
            p += 12;
        }
        byte[] sig = signer.sign(b, 0, p);
        System.arraycopy(sig, 0, b, p, SealFormat.SIGNATURE);
        return b;
    }

    /** Signs bytes with the node's certified key. */
    interface Signer {
        byte[] sign(byte[] data, int off, int len);
    }

    /**
     * Parses a hello packet (prefix included); the signature is NOT checked here (it needs the
     * certificate checked first). Null when the bytes are not a well-formed hello.
     */
    static Hello decode(byte[] b, int off, int len) {
        int end = off + len;
        int p = off + SealFormat.PREFIX;
        if (len > SealFormat.PREFIX + 68 + 2 + SealFormat.MAX_PHYSICAL + 2 + SealFormat.MAX_CERT + 1
                + 12 * SealFormat.MAX_KNOWS + SealFormat.SIGNATURE || p + 68 + 2 > end) {
            return null;
        }
        long session = SealFormat.getLong(b, p);
        int gen = SealFormat.getInt(b, p + 8);
        long startedAt = SealFormat.getLong(b, p + 12);
        long msb = SealFormat.getLong(b, p + 20);
        long lsb = SealFormat.getLong(b, p + 28);
        byte[] eph = java.util.Arrays.copyOfRange(b, p + 36, p + 68);
        p += 68;
        int physLen = SealFormat.getShort(b, p);
        if (physLen == 0 || physLen > SealFormat.MAX_PHYSICAL || p + 2 + physLen + 2 > end) {
            return null;
        }
        byte[] phys = java.util.Arrays.copyOfRange(b, p + 2, p + 2 + physLen);
        p += 2 + physLen;
        int certLen = SealFormat.getShort(b, p);
        if (certLen == 0 || certLen > SealFormat.MAX_CERT || p + 2 + certLen + 1 > end) {
            return null;
        }
        byte[] cert = java.util.Arrays.copyOfRange(b, p + 2, p + 2 + certLen);
        p += 2 + certLen;
        int n = b[p++] & 0xff;
        if (n > SealFormat.MAX_KNOWS || p + 12 * n + SealFormat.SIGNATURE != end) {
            return null;
        }
        List<Known> knows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            knows.add(new Known(SealFormat.getLong(b, p), SealFormat.getInt(b, p + 8)));
            p += 12;
        }
        if (gen <= 0) {
            return null;
        }
        byte[] signed = java.util.Arrays.copyOfRange(b, off, p);
        byte[] sig = java.util.Arrays.copyOfRange(b, p, end);
        return new Hello(session, gen, startedAt, msb, lsb, eph, phys, cert, List.copyOf(knows), signed, sig);
    }

    /** The highest generation of session {@code s} this hello lists, or 0. */
    int genKnown(long s) {
        int g = 0;
        for (Known k : knows) {
            if (k.session() == s && k.gen() > g) {
                g = k.gen();
            }
        }
        return g;
    }
}
