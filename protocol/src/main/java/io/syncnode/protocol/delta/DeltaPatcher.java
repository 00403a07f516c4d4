package io.syncnode.protocol.delta;

import io.syncnode.protocol.ContentHash;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * The receiver's half of delta transfer: rebuilds the target from delta operations, reading
 * copied blocks from the basis and writing everything to an output stream.
 *
 * <p>Implementation notes. Operations are applied in the order received; the output is the
 * concatenation of literals and copied basis ranges, block {@code i} being basis bytes
 * {@code [i * blockSize, min((i + 1) * blockSize, basisLength))}. Every copy is validated against
 * the basis geometry before anything is read ({@link DeltaException} naming the operation), and a
 * basis that turns out shorter than its length (it changed since its signature was made) is a
 * {@link DeltaException} too. Everything written is hashed with SHA-256; the caller compares
 * {@link #finish()}'s hash with the content hash announced for the version and, on mismatch,
 * discards the output and falls back to a whole-file transfer. Memory: one 64 KiB copy buffer.
 *
 * <p>Not thread-safe; one patcher per transfer. It neither flushes nor closes the output stream.
 */
public final class DeltaPatcher implements DeltaSink {
    private static final int COPY_BUFFER = 64 * 1024;

    private final int blockSize;
    private final long basisLength;
    private final long basisBlocks;
    private final BasisReader basis;
    private final OutputStream out;
    private Hasher hash = new Sha256Inline();
    private byte[] buffer;
    private long written;
    private long ops;
    private PatchedFile result;
    /** The most bytes this patch may write (the target's announced size; unlimited by default). */
    private long limit = Long.MAX_VALUE;

    /** A patcher for a basis described by {@code basisSignature} (its block size and length). */
    public DeltaPatcher(Signature basisSignature, BasisReader basis, OutputStream out) {
        this(basisSignature.blockSize(), basisSignature.fileLength(), basis, out);
    }

    /** A patcher for a basis of {@code basisLength} bytes cut in blocks of {@code blockSize}. */
    public DeltaPatcher(int blockSize, long basisLength, BasisReader basis, OutputStream out) {
        if (blockSize < 1 || blockSize > BlockSize.MAX) {
            throw new IllegalArgumentException("blockSize: must be in [1, " + BlockSize.MAX + "], got " + blockSize);
        }
        if (basisLength < 0) {
            throw new IllegalArgumentException("basisLength: must be >= 0, got " + basisLength);
        }
        this.blockSize = blockSize;
        this.basisLength = basisLength;
        this.basisBlocks = Signature.blockCount(basisLength, blockSize);
        this.basis = Objects.requireNonNull(basis, "basis");
        this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * Hashes what is written: the SHA-256 of the output, computed where the caller likes (inline,
     * on this thread, by default). {@link #update} must not keep {@code buf} after it returns.
     */
    public interface Hasher {
        void update(byte[] buf, int off, int len) throws IOException;

        /** The SHA-256 of everything given to {@link #update}. */
        ContentHash finish();

        /**
         * A buffer of the hasher's own for the next piece of output, to fill and hand back with
         * {@link #updateLent} (the hasher then keeps it, no copy made); null when it lends none,
         * then {@link #update} is used. The patcher copies basis blocks through it.
         */
        default byte[] lend() throws IOException {
            return null;
        }

        /**
         * As {@link #update}, for the buffer {@link #lend} gave: the hasher has it back, the caller
         * does not touch it again.
         */
        default void updateLent(byte[] lent, int len) throws IOException {
            update(lent, 0, len);
        }
    }

    private static final class Sha256Inline implements Hasher {
        private final MessageDigest sha = StrongChecksum.newSha256();

        @Override
        public void update(byte[] buf, int off, int len) {
            sha.update(buf, off, len);
        }

        @Override
        public ContentHash finish() {
            return ContentHash.of(sha.digest());
        }
    }

    /** Hashes the output with {@code hasher} instead of inline; before the first operation. */
    public DeltaPatcher hashWith(Hasher hasher) {
        if (written > 0 || ops > 0) {
            throw new IllegalStateException("hashWith: the patch has started");
        }
        this.hash = Objects.requireNonNull(hasher, "hasher");
        return this;
    }

    /**
     * Caps what the patch may write at {@code maxBytes} (the size the target was announced with): an
     * operation that would write more fails with {@link DeltaException} before it writes anything,
     * so a source cannot make one transfer fill the disk with literals or copies.
     */
    public DeltaPatcher limitTo(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes: must be >= 0, got " + maxBytes);
        }
        this.limit = maxBytes;
        return this;
    }

    private void reserve(long bytes, String what) throws DeltaException {
        if (bytes > limit - written) {
            throw new DeltaException("op " + ops + " " + what + " would write " + bytes + " bytes after " + written
                    + ", more than the " + limit + " bytes of the target");
        }
    }

    @Override
    public void literal(byte[] buf, int off, int len) throws IOException {
        checkOpen();
        Objects.checkFromIndexSize(off, len, buf.length);
        reserve(len, "literal");
        out.write(buf, off, len);
        hash.update(buf, off, len);
        written += len;
        ops++;
    }

    /**
     * Appends basis blocks {@code firstBlock .. firstBlock+blockCount-1}.
     *
     * @throws DeltaException if the range is empty, negative or beyond the basis, or the basis
     *     ends early
     */
    @Override
    public void copy(long firstBlock, int blockCount) throws IOException {
        checkOpen();
        if (firstBlock < 0 || blockCount < 1 || firstBlock > basisBlocks - blockCount) {
            throw new DeltaException(describe(firstBlock, blockCount) + ": outside the basis, which has "
                    + basisBlocks + " blocks of " + blockSize + " bytes (" + basisLength + " bytes)");
        }
        if (buffer == null) {
            buffer = new byte[(int) Math.min(COPY_BUFFER, basisLength)];
        }
        long offset = firstBlock * blockSize;
        long stop = Math.min((firstBlock + blockCount) * blockSize, basisLength);
        reserve(stop - offset, "copy of " + blockCount + " blocks");
        while (offset < stop) {
            byte[] lent = hash.lend();
            byte[] into = lent != null ? lent : buffer;
            int n = basis.read(offset, into, 0, (int) Math.min(into.length, stop - offset));
            if (n <= 0) {
                throw new DeltaException(describe(firstBlock, blockCount) + ": basis ended at offset " + offset
                        + " but should be " + basisLength + " bytes long; it changed since its signature was made");
            }
            out.write(into, 0, n);
            if (lent != null) {
                hash.updateLent(lent, n); // no copy of the block into the hasher
            } else {
                hash.update(into, 0, n);
            }
            offset += n;
            written += n;
        }
        ops++;
    }

    private String describe(long firstBlock, int blockCount) {
        return "op " + ops + " copy(firstBlock=" + firstBlock + ", blockCount=" + blockCount + ")";
    }

    private void checkOpen() {
        if (result != null) {
            throw new IllegalStateException("patcher already finished");
        }
    }

    /** Ends the patch: no more operations; returns the length and SHA-256 of what was written. */
    public PatchedFile finish() {
        if (result == null) {
            result = new PatchedFile(written, hash.finish());
        }
        return result;
    }
}
