package io.syncnode.node.cluster;

import org.jgroups.Message;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.stack.Protocol;

/**
 * Sits directly below GMS and sends every merge request ({@code MERGE_REQ}) without UNICAST3's
 * retransmission ({@code NO_RELIABILITY}), so that a merge request never outlives the merge attempt
 * it belongs to.
 *
 * <p>Implementation notes. Why (issue 10): under one-way loss a merge leader keeps asking a
 * coordinator it cannot reach; each attempt gives up after {@code merge_timeout} and the next one
 * starts a few seconds later with a new merge id, but UNICAST3 retransmits every unanswered request
 * until it is acknowledged. When the network heals, the whole backlog arrives at once; the
 * coordinator accepts the first (long dead) request, suspends its view handling for that merge and
 * discards every real merge until the merge killer frees it, 2 x {@code merge_timeout} later.
 * Measured in network namespaces (tcp, one-way loss for 45 to 150 s): merges 11 s after the heal
 * instead of 2 s, the logs showing "got merge request from n2, merge_id=n2::1" for a merge n2 had
 * cancelled before the heal, then "queue is suspended; request MERGE(2 views) is discarded" twice.
 *
 * <p>A merge request that is lost costs nothing: the leader's merge finds no answer from that
 * coordinator and MERGE3 starts another one within seconds. Its answer, the merge view and the
 * cancellation stay reliable (a stale one of those is discarded by its merge id). Never blocks.
 */
final class StaleMergeGuard extends Protocol {
    private final short gmsId;

    /** @param gmsId the id of the stack's GMS protocol (its headers mark merge requests) */
    StaleMergeGuard(short gmsId) {
        this.gmsId = gmsId;
    }

    @Override
    public Object down(Message msg) {
        if (msg.getDest() != null && msg.getHeader(gmsId) instanceof GMS.GmsHeader h
                && h.getType() == GMS.GmsHeader.MERGE_REQ) {
            msg.setFlag(Message.Flag.NO_RELIABILITY);
        }
        return down_prot.down(msg);
    }
}
