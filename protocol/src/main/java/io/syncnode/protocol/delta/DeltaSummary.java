package io.syncnode.protocol.delta;

import io.syncnode.protocol.ContentHash;

/**
 * What {@link DeltaEncoder#encode} produced.
 *
 * @param targetLength bytes read from the target
 * @param targetHash SHA-256 of the whole target; the receiver checks the patched file against it
 *                   (null from {@link SegmentMatch#encode}, which does not hash the target)
 * @param literalBytes target bytes sent as literals
 * @param copiedBytes target bytes described by copy operations
 * @param literalOps number of {@link DeltaSink#literal} calls
 * @param copyOps number of {@link DeltaSink#copy} calls (consecutive blocks coalesced)
 * @param strongSums strong sums computed over the target's windows (each costs a block of hashing;
 *                   bounded whatever the signature, see {@link DeltaEncoder})
 */
public record DeltaSummary(long targetLength, ContentHash targetHash, long literalBytes, long copiedBytes,
        long literalOps, long copyOps, long strongSums) {

    public long ops() {
        return literalOps + copyOps;
    }
}
