package io.syncnode.protocol.delta;

/**
 * The sender's lookup table over a basis signature: weak checksum to the full-size blocks that
 * have it.
 *
 * <p>Implementation notes. Open addressing with linear probing over one {@code int[]} of
 * {@code (weak, block + 1)} pairs, so a probe and its key share a cache line and nothing is boxed;
 * 0 in the block slot marks an empty pair. The capacity is the power of two at or above twice the
 * number of blocks (load at most 1/2), and the slot is chosen by Fibonacci hashing of the weak sum
 * ({@code weak * 0x9E3779B1 >>> shift}), because rsync's sums are far from uniform in their low
 * bits. Blocks sharing a weak sum are chained through {@code next}. A block whose weak and strong
 * sums equal those of a block already in its chain (all-zero or repeated content) is left out,
 * as it could never be told apart; the chain scan for that is capped at {@value #DEDUP_SCAN} so
 * that building stays linear even for adversarial signatures.
 *
 * <p>Most lookups miss: the encoder asks at every byte of a target that matches nothing, and on
 * random data a weak sum is in the table with probability {@code blocks / 2^32}. The table is
 * {@code 8 * capacity} bytes (256 KiB for the 16,384 blocks of a 256 MiB basis) and a miss probes
 * a random place in it, so a filter in front of it answers most misses from memory 8 times
 * smaller: a bitmap of {@code 8 * capacity} bits indexed by more bits of the same Fibonacci hash,
 * one set for each indexed weak sum. At most 1/16 of its bits are set, so about 94 % of misses stop
 * there; it is capped at 2^22 bits (512 KiB), where a basis of 2^20 blocks sets up to a quarter.
 *
 * <p>Memory: {@code 4 * capacity * 2 + 4 * blocks} bytes plus the filter's {@code capacity} bytes,
 * at most about 22 bytes per block.
 * Immutable after construction, so one index may serve concurrent encodings.
 */
final class BlockIndex {
    private static final int GOLDEN = 0x9E3779B1;
    private static final int DEDUP_SCAN = 32;
    /** Largest filter, in bits as a power of two (512 KiB). */
    private static final int MAX_FILTER_BITS = 22;

    private final int[] slots;
    private final int mask;
    private final int shift;
    private final int[] next;
    private final long[] filter;
    private final int filterShift;

    /** Indexes blocks {@code 0 .. blocks-1} of {@code signature}. */
    BlockIndex(Signature signature, int blocks) {
        int bits = 1;
        while ((1L << bits) < 2L * blocks) {
            bits++;
        }
        int capacity = 1 << bits;
        slots = new int[2 * capacity];
        mask = capacity - 1;
        shift = 32 - bits;
        next = new int[blocks];
        int filterBits = Math.min(bits + 3, MAX_FILTER_BITS);
        filter = new long[Math.max(1, (1 << filterBits) >>> 6)];
        filterShift = 32 - filterBits;
        int[] weak = signature.weakSumsShared();
        byte[] strong = new byte[Signature.STRONG_LENGTH];
        for (int i = 0; i < blocks; i++) {
            next[i] = -1;
            int w = weak[i];
            int f = (w * GOLDEN) >>> filterShift;
            filter[f >>> 6] |= 1L << f;
            int h = (w * GOLDEN) >>> shift;
            while (true) {
                int stored = slots[2 * h + 1];
                if (stored == 0) {
                    slots[2 * h] = w;
                    slots[2 * h + 1] = i + 1;
                    break;
                }
                if (slots[2 * h] == w) {
                    int head = stored - 1;
                    if (!duplicate(signature, head, i, strong)) {
                        next[i] = next[head];
                        next[head] = i;
                    }
                    break;
                }
                h = (h + 1) & mask;
            }
        }
    }

    private boolean duplicate(Signature signature, int head, int block, byte[] scratch) {
        System.arraycopy(signature.strongSum(block), 0, scratch, 0, scratch.length);
        int scanned = 0;
        for (int b = head; b >= 0 && scanned < DEDUP_SCAN; b = next[b], scanned++) {
            if (signature.strongEquals(b, scratch, 0)) {
                return true;
            }
        }
        return false;
    }

    /** A block whose weak sum is {@code weak}, or -1. */
    int first(int weak) {
        int f = (weak * GOLDEN) >>> filterShift;
        if ((filter[f >>> 6] & (1L << f)) == 0) {
            return -1;
        }
        int h = (weak * GOLDEN) >>> shift;
        while (true) {
            int stored = slots[2 * h + 1];
            if (stored == 0) {
                return -1;
            }
            if (slots[2 * h] == weak) {
                return stored - 1;
            }
            h = (h + 1) & mask;
        }
    }

    /** The next block with the same weak sum as {@code block}, or -1. */
    int next(int block) {
        return next[block];
    }
}
