package io.syncnode.protocol.delta;

/**
 * Chooses the block size of a basis file's signature.
 *
 * <p>Implementation notes. rsync (generate.c, {@code sum_sizes_sqroot}) takes the square root of
 * the file length rounded to a multiple of 8, at least 700 bytes and, since protocol 30, at most
 * 128 KiB. We keep the square root and the 128 KiB ceiling but raise the floor to 2 KiB:
 * {@code clamp(roundUp8(ceil(sqrt(length))), 2 KiB, 128 KiB)}. A 256 MiB file gets 16 KiB
 * blocks, 64 MiB gets 8 KiB, anything up to 4 MiB gets 2 KiB.
 *
 * <p>The tradeoff. With block size {@code B}, a file of length {@code L} costs
 * {@code (L / B) * 20} bytes of signature (4 weak + 16 strong per block, see
 * {@link Signature}), while each localised change costs up to about {@code 2 * B} resent literal
 * bytes (the block the change lands in plus the partial block the rolling search must skip
 * before it resynchronises). For {@code k} changes the sum {@code 20 L / B + k B} is smallest at
 * {@code B = sqrt(20 L / k)}; plain {@code sqrt(L)} is that optimum for about 20 scattered
 * changes, and for a single change it is within a factor of about 2.5 of the best total. It also
 * keeps the number of blocks, and with it the sender's hash table and the chance of a false
 * weak-checksum hit per byte, at {@code sqrt(L)}.
 *
 * <p>Why a 2 KiB floor rather than 700 bytes: below 4 MiB the signature is then at most 1 % of
 * the file (rsync's 700 B blocks cost 2.9 %), every block costs a weak-hash table slot and a
 * protobuf {@code Block} message, and on a LAN the few hundred bytes a smaller block would save
 * per change are noise. Why a 128 KiB ceiling: beyond 16 GiB the block count grows linearly
 * again (a 1 TiB file has 8 M blocks, a 160 MiB signature), but bigger blocks would make every
 * small edit resend up to 256 KiB and make the strong checksum of each candidate block slower.
 */
public final class BlockSize {
    /** Smallest block size {@link #forLength} returns. */
    public static final int MIN = 2 * 1024;
    /** Largest block size {@link #forLength} returns, and the largest a {@link Signature} accepts. */
    public static final int MAX = 128 * 1024;

    private BlockSize() {
    }

    /** The block size for a basis of {@code fileLength} bytes; a multiple of 8 in [MIN, MAX]. */
    public static int forLength(long fileLength) {
        if (fileLength < 0) {
            throw new IllegalArgumentException("fileLength must be >= 0, got " + fileLength);
        }
        long root = (long) Math.ceil(Math.sqrt((double) fileLength));
        long rounded = (root + 7) & ~7L;
        return (int) Math.max(MIN, Math.min(MAX, rounded));
    }
}
