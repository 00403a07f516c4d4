package io.syncnode.protocol.delta;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The strong per-block checksum: SHA-256 truncated to its first {@value #LENGTH} bytes.
 *
 * <p>Implementation notes: why 8 bytes. A block is reused only if its weak checksum (32 bits)
 * and its strong checksum both equal those of the sender's window. The sender tests at most one
 * window per target byte against the basis blocks whose weak sum matches; on random data a weak
 * match is a 2^-32 event (about 31 useful bits), so over one file the chance of any false match is
 * about {@code L * N * 2^-32 * 2^-64}. For a 1 TiB target against a 1 TiB basis in 128 KiB blocks
 * ({@code L = 2^40}, {@code N = 2^23}) that is {@code 2^-33}; for a 256 MiB file in 16 KiB blocks
 * ({@code L = 2^28}, {@code N = 2^14}) it is {@code 2^-54}. Giving the weak sum no credit at all
 * (adversarial-looking data), the 256 MiB case is still {@code 2^-22}.
 *
 * <p>A false match cannot corrupt a file: the patcher hashes what it wrote with full SHA-256, the
 * receiver compares it with the announced content hash, and on a mismatch it discards the result
 * and falls back to a whole-file transfer. So the cost of a false match is one retry, never a
 * wrong file. Against that, every strong byte is paid per block on the wire: 8 bytes give a
 * 192 KiB signature for a 256 MiB file (12 bytes a block with the weak sum) where 16 bytes would
 * give 320 KiB, and the signature is most of what a small change to a large file costs beyond the
 * changed bytes themselves. rsync 3.x sends an adaptive 2 to 16 bytes per block (about 3 for a
 * 256 MiB file) and accepts a retry in roughly one file of a thousand; 8 bytes keeps retries
 * negligible at a signature size close to rsync's.
 *
 * <p>Not thread-safe: it owns a {@link MessageDigest}.
 */
final class StrongChecksum {
    /** Bytes kept of each block's SHA-256. */
    static final int LENGTH = 8;

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
