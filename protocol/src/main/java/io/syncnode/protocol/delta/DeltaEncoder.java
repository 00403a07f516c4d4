package io.syncnode.protocol.delta;

import io.syncnode.protocol.ContentHash;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * The sender's half of delta transfer: describes a target stream as copies of the receiver's basis
 * blocks and literal bytes.
 *
 * <p>Implementation notes (Tridgell and Mackerras, "The rsync algorithm", ANU TR-CS-96-05,
 * section 3; rsync's match.c). A window of one block length slides over the target. At each
 * position the window's {@link RollingChecksum weak sum} is looked up in a {@link BlockIndex};
 * only on a weak hit is the window's {@link StrongChecksum strong sum} computed (once per
 * position) and compared with the candidates. On a match the bytes skipped since the last match
 * become literals, the block becomes a copy, and the window jumps a whole block; otherwise the
 * window rolls one byte in O(1).
 *
 * <ul>
 *   <li>Locality: the block after the previous match is tried first, so an unchanged run of the
 *       file becomes one run of consecutive blocks even when the basis repeats itself, and
 *       consecutive matches are coalesced into a single {@link DeltaSink#copy}.
 *   <li>The short last block of the basis (when the basis length is not a multiple of the block
 *       size) is not in the index. It can only match the last {@code lastLength} bytes of the
 *       target, so it is tried once, at the target's end. rsync reaches the same result by
 *       shrinking the window at the end of the file and comparing lengths.
 *   <li>Literals are cut into chunks of at most {@code maxLiteral} bytes.
 *   <li>Bounded work whatever the signature (it comes from the receiver, which may be hostile):
 *       at most {@value #MAX_CANDIDATES} candidates of one weak sum are compared per position, and
 *       strong sums that find no match are held to about four per block of target (two for
 *       the candidates, two for the block after the last match; see {@code mayHash}), so
 *       encoding stays linear in the target's length.
 *   <li>Memory, whatever the target's size: the index (about 20 bytes per basis block), a window
 *       buffer of {@code max(2 * blockSize, 16 KiB)} and the literal buffer. The target is read
 *       exactly once, and its whole-file SHA-256 is computed on the way.
 *   <li>Invariant of the search loop: {@code pendingFrom <= p <= end}; the bytes
 *       {@code window[pendingFrom .. p-1]} are literals not yet handed to the literal buffer, and
 *       when the checksum is valid it covers {@code window[p .. p+blockSize-1]}.
 * </ul>
 *
 * <p>Greedy, like rsync: it takes the first match it finds and never looks back, so the delta is
 * not minimal in contrived cases, but every byte of the target is covered exactly once.
 *
 * <p>The encoder is immutable after construction and may encode several targets, also
 * concurrently; each {@link #encode} call has its own state.
 */
public final class DeltaEncoder {
    /** Default largest literal chunk handed to the sink. */
    public static final int DEFAULT_MAX_LITERAL = 64 * 1024;
    /** Largest literal chunk this encoder accepts as {@code maxLiteral}. */
    public static final int MAX_LITERAL = 16 * 1024 * 1024;
    private static final int MIN_WINDOW = 16 * 1024;
    /** Candidates of one weak sum tried per position (the preferred block aside). */
    static final int MAX_CANDIDATES = 64;
    /** Strong sums that found no match, allowed before the budget of two per rolled block applies. */
    static final int FALSE_ALARMS_FREE = 1024;

    private final Signature basis;
    private final BlockIndex index;
    private final int[] weak;
    private final int fullBlocks;
    private final int shortLastLength;
    private final int maxLiteral;

    public DeltaEncoder(Signature basis) {
        this(basis, DEFAULT_MAX_LITERAL);
    }

    /** An encoder against {@code basis} that hands out literals of at most {@code maxLiteral} bytes. */
    public DeltaEncoder(Signature basis, int maxLiteral) {
        if (maxLiteral < 1 || maxLiteral > MAX_LITERAL) {
            throw new IllegalArgumentException("maxLiteral: must be in [1, " + MAX_LITERAL + "], got " + maxLiteral);
        }
        this.basis = basis;
        this.maxLiteral = maxLiteral;
        this.weak = basis.weakSumsShared();
        int blocks = basis.blockCount();
        boolean shortLast = blocks > 0 && basis.blockLength(blocks - 1) < basis.blockSize();
        this.fullBlocks = shortLast ? blocks - 1 : blocks;
        this.shortLastLength = shortLast ? basis.blockLength(blocks - 1) : 0;
        this.index = new BlockIndex(basis, fullBlocks);
    }

    /**
     * Reads {@code target} to its end (without closing it) and sends its delta against the basis
     * to {@code sink}.
     *
     * @return the target's length and SHA-256, and what the delta cost
     * @throws IOException from the stream or the sink
     */
    public DeltaSummary encode(InputStream target, DeltaSink sink) throws IOException {
        return encode(target, sink, true);
    }

    /**
     * As {@link #encode(InputStream, DeltaSink)}; without {@code hash} the target is not hashed
     * and the summary's hash is null (a segmented delta's runs: SegmentMatch).
     */
    DeltaSummary encode(InputStream target, DeltaSink sink, boolean hash) throws IOException {
        MessageDigest fileHash = hash ? StrongChecksum.newSha256() : null;
        if (fullBlocks == 0 && shortLastLength == 0) {
            return literalOnly(target, sink, fileHash);
        }
        return new Search(target, sink, fileHash).run();
    }

    /** Without basis blocks nothing can match: the whole target is literal, read in chunks of {@code maxLiteral}. */
    private DeltaSummary literalOnly(InputStream target, DeltaSink sink, MessageDigest fileHash) throws IOException {
        byte[] buf = new byte[Math.min(maxLiteral, 1 << 20)];
        long length = 0;
        long ops = 0;
        while (true) {
            int n = target.readNBytes(buf, 0, buf.length);
            if (n <= 0) {
                break;
            }
            if (fileHash != null) {
                fileHash.update(buf, 0, n);
            }
            sink.literal(buf, 0, n);
            length += n;
            ops++;
        }
        return new DeltaSummary(length, digest(fileHash), length, 0, ops, 0, 0);
    }

    private static ContentHash digest(MessageDigest fileHash) {
        return fileHash == null ? null : ContentHash.of(fileHash.digest());
    }

    /** The state of one encoding. */
    private final class Search {
        private final InputStream in;
        private final DeltaSink sink;
        private final int blockSize = basis.blockSize();
        private final byte[] window = new byte[Math.max(2 * blockSize, MIN_WINDOW)];
        private final byte[] literal = new byte[maxLiteral];
        private final RollingChecksum rolling = new RollingChecksum();
        private final StrongChecksum strong = new StrongChecksum();
        private final byte[] strongSum = new byte[Signature.STRONG_LENGTH];
        /** The whole target's SHA-256, or null: not hashed. */
        private final MessageDigest fileHash;

        private int p;
        private int end;
        private int pendingFrom;
        private boolean eof;
        private int literalLength;
        private long copyFirst;
        private int copyCount;
        private int lastMatch = -1;
        /** Bytes the window rolled over one at a time, and strong sums computed in vain. */
        private long rolled;
        private long falseAlarms;
        private long preferredFalseAlarms;
        private long strongSums;

        private long targetLength;
        private long literalBytes;
        private long copiedBytes;
        private long literalOps;
        private long copyOps;

        Search(InputStream in, DeltaSink sink, MessageDigest fileHash) {
            this.in = in;
            this.sink = sink;
            this.fileHash = fileHash;
        }

        DeltaSummary run() throws IOException {
            fill();
            boolean haveSum = false;
            while (true) {
                if (end - p < blockSize) {
                    if (eof) {
                        break;
                    }
                    compact();
                    fill();
                    continue;
                }
                if (!haveSum) {
                    rolling.reset(window, p, blockSize);
                    haveSum = true;
                }
                int block = findMatch(rolling.value());
                if (block >= 0) {
                    stashLiteral(p);
                    addCopy(block, blockSize);
                    p += blockSize;
                    pendingFrom = p;
                    haveSum = false;
                    continue;
                }
                if (p + blockSize == end) {
                    if (eof) {
                        break;
                    }
                    compact();
                    fill();
                    if (p + blockSize == end) {
                        break;
                    }
                }
                rolling.roll(window[p], window[p + blockSize]);
                p++;
                rolled++;
            }
            matchShortLastBlock();
            stashLiteral(end);
            emitLiteral();
            emitCopy();
            return new DeltaSummary(targetLength, digest(fileHash), literalBytes, copiedBytes,
                    literalOps, copyOps, strongSums);
        }

        /** At the end of the target: the basis's short last block may match the last bytes. */
        private void matchShortLastBlock() throws IOException {
            int q = end - shortLastLength;
            int last = fullBlocks;
            if (shortLastLength == 0 || q < p
                    || RollingChecksum.of(window, q, shortLastLength) != weak[last]) {
                return;
            }
            strong.compute(window, q, shortLastLength, strongSum, 0);
            if (basis.strongEquals(last, strongSum, 0)) {
                stashLiteral(q);
                addCopy(last, shortLastLength);
                p = end;
                pendingFrom = end;
            }
        }

        /** The full block matching the window at {@code p}, whose weak sum is {@code w}, or -1. */
        private int findMatch(int w) {
            int preferred = lastMatch + 1;
            boolean preferredHit = preferred < fullBlocks && weak[preferred] == w;
            int first = index.first(w);
            // the block after the last match and the other candidates each have a budget of their
            // own, so that spent false alarms of one never cost the other its matches
            boolean tryPreferred = preferredHit && mayHash(preferredFalseAlarms);
            boolean tryChain = first >= 0 && mayHash(falseAlarms);
            if (!tryPreferred && !tryChain) {
                return -1;
            }
            strong.compute(window, p, blockSize, strongSum, 0);
            strongSums++;
            if (tryPreferred && basis.strongEquals(preferred, strongSum, 0)) {
                return preferred;
            }
            int tried = 0;
            for (int b = first; tryChain && b >= 0 && tried < MAX_CANDIDATES; b = index.next(b)) {
                if (b == preferred) {
                    continue;
                }
                tried++;
                if (basis.strongEquals(b, strongSum, 0)) {
                    return b;
                }
            }
            if (tryChain) {
                falseAlarms++;
            } else {
                preferredFalseAlarms++;
            }
            return -1;
        }

        /**
         * Whether a strong sum may be computed here. A strong sum that finds no match (a false alarm
         * of the weak sum) costs a block of hashing; honest data has almost none, but a crafted
         * signature whose weak sums hit at every position would make encoding cost target length
         * times block size. So false alarms are held to {@value #FALSE_ALARMS_FREE} plus two per
         * block the window rolled over ({@code spent}: the false alarms of the candidate chain, or of
         * the block after the last match, each counted apart); past that, positions stay literal
         * until the budget grows.
         * Every match still ends a run of literals, so the delta stays correct, only larger.
         */
        private boolean mayHash(long spent) {
            return spent < FALSE_ALARMS_FREE + 2 * (rolled / blockSize);
        }

        /** Reads until the window buffer is full or the target ends. */
        private void fill() throws IOException {
            while (end < window.length) {
                int n = in.read(window, end, window.length - end);
                if (n < 0) {
                    eof = true;
                    return;
                }
                if (fileHash != null) {
                    fileHash.update(window, end, n);
                }
                end += n;
                targetLength += n;
            }
        }

        /** Moves the unconsumed bytes {@code window[p .. end-1]} to the front. */
        private void compact() throws IOException {
            stashLiteral(p);
            System.arraycopy(window, p, window, 0, end - p);
            end -= p;
            p = 0;
            pendingFrom = 0;
        }

        /** Moves the pending literal bytes {@code window[pendingFrom .. upTo-1]} towards the sink. */
        private void stashLiteral(int upTo) throws IOException {
            int n = upTo - pendingFrom;
            if (n <= 0) {
                return;
            }
            emitCopy();
            while (n > 0) {
                if (literalLength == 0 && n >= maxLiteral) {
                    sendLiteral(window, pendingFrom, maxLiteral);
                    pendingFrom += maxLiteral;
                    n -= maxLiteral;
                    continue;
                }
                int k = Math.min(n, maxLiteral - literalLength);
                System.arraycopy(window, pendingFrom, literal, literalLength, k);
                literalLength += k;
                pendingFrom += k;
                n -= k;
                if (literalLength == maxLiteral) {
                    emitLiteral();
                }
            }
        }

        private void addCopy(int block, int length) throws IOException {
            emitLiteral();
            if (copyCount > 0 && copyFirst + copyCount == block) {
                copyCount++;
            } else {
                emitCopy();
                copyFirst = block;
                copyCount = 1;
            }
            lastMatch = block;
            copiedBytes += length;
        }

        private void emitLiteral() throws IOException {
            if (literalLength > 0) {
                sendLiteral(literal, 0, literalLength);
                literalLength = 0;
            }
        }

        private void sendLiteral(byte[] buf, int off, int len) throws IOException {
            sink.literal(buf, off, len);
            literalBytes += len;
            literalOps++;
        }

        private void emitCopy() throws IOException {
            if (copyCount > 0) {
                sink.copy(copyFirst, copyCount);
                copyOps++;
                copyCount = 0;
            }
        }
    }
}
