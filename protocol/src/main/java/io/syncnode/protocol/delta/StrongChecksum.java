package io.syncnode.protocol.delta;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The strong per-block checksum: SHA-256 truncated to its first {@value #LENGTH} bytes.
 *
 * <p>Implementation notes: why 16 bytes. A block is reused only if its weak checksum and its
 * strong checksum both equal those of the sender's window. Ignoring the weak prefilter entirely
 * (it is not uniform, so we give it no credit), a false match needs a 128-bit collision between a
 * window and one of the basis blocks. The sender tests at most one window per target byte against
 * at most every block, so over one file the chance of any false match is at most
 * {@code L * N * 2^-128}. For a 1 TiB target against a 1 TiB basis in 128 KiB blocks
 * ({@code L = 2^40}, {@code N = 2^23}) that is {@code 2^-65}; over 2^40 such transfers it is still
 * {@code 2^-25}. With the weak prefilter (about 31 useful bits on random data) the real figure is
 * far smaller. And a false match cannot corrupt a file: the patcher hashes what it wrote with full
 * SHA-256 and the receiver compares it with the announced content hash, falling back to a
 * whole-file transfer on mismatch. So the cost of a false match is one retry.
 *
 * <p>12 bytes would still give {@code 2^-33} per worst-case file; 16 costs 4 more bytes per block
 * (320 KiB instead of 256 KiB of signature for a 256 MiB file) and leaves a margin for
 * non-random, adversarial-looking data, since a deliberate 128-bit collision of truncated SHA-256
 * needs about 2^64 work. rsync 3.x sends an adaptive 2 to 16 bytes of MD4/MD5 per block (about 3
 * for a 256 MiB file), accepting a false match, and so a retry, in roughly one file of a thousand;
 * its signature is then a quarter of ours (115 KB against 425 KB for 256 MiB, 0.16 % of the file).
 * We prefer never to retry; shortening {@link #LENGTH} per signature is the lever if signature
 * bytes ever matter more.
 *
 * <p>Not thread-safe: it owns a {@link MessageDigest}.
 */
final class StrongChecksum {
    /** Bytes kept of each block's SHA-256. */
    static final int LENGTH = 16;

    private final MessageDigest sha256 = newSha256();
    private final byte[] full = new byte[32];

    /** Writes the strong checksum of {@code buf[off .. off+len-1]} to {@code out[outOff ..]}. */
    void compute(byte[] buf, int off, int len, byte[] out, int outOff) {
        sha256.update(buf, off, len);
        try {
            sha256.digest(full, 0, full.length);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("SHA-256 refused a 32-byte output buffer", e);
        }
        System.arraycopy(full, 0, out, outOff, LENGTH);
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK must provide SHA-256", e);
        }
    }
}
