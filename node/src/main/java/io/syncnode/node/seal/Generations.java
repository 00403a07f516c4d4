package io.syncnode.node.seal;

import java.security.SecureRandom;

/**
 * This session's key generations: the current one (introduced in HELLOs, used for pair packets as
 * soon as a peer knows it), the one group packets are sealed with (the current one once every peer
 * acknowledged its sender key, or after a timeout; at most one generation behind, since a rotation
 * ends the switch still pending), and the previous one, still able to open packets for a grace time
 * after the switch. Reads are lock-free; changes ({@link #rotate},
 * {@link #settle}) happen under the handshake's lock.
 */
final class Generations {
    private final SecureRandom random;
    private volatile LocalGeneration current;
    private volatile LocalGeneration previous;
    private volatile LocalGeneration groupSend;
    private long groupSwitchDeadline;
    private long previousRetireAt = Long.MAX_VALUE;

    Generations(SecureRandom random, long nowNanos, io.syncnode.node.trust.Credentials signer) {
        this.random = random;
        this.current = new LocalGeneration(1, random, nowNanos, signer);
        this.groupSend = current;
    }

    LocalGeneration current() {
        return current;
    }

    /** The generation group packets are sealed with now. */
    LocalGeneration groupSend() {
        return groupSend;
    }

    /** Whether group packets still use an older generation than the current one. */
    boolean switching() {
        return groupSend != current;
    }

    /** This node's newest generation a peer that knows generation {@code knows} can open. */
    LocalGeneration forPeer(int knows) {
        LocalGeneration c = current;
        LocalGeneration p = previous;
        if (knows >= c.gen || p == null || knows < p.gen) {
            return c;
        }
        return p;
    }

    /** Generation {@code gen}, when this node still holds it; else null. */
    LocalGeneration byNumber(int gen) {
        LocalGeneration c = current;
        if (c.gen == gen) {
            return c;
        }
        LocalGeneration p = previous;
        return p != null && p.gen == gen ? p : null;
    }

    /**
     * Makes the next generation. {@code immediate}: group packets use it at once (after a
     * revocation); else after every peer acknowledged it, or {@code switchTimeout} from now.
     */
    LocalGeneration rotate(boolean immediate, long now, long switchTimeout, long previousGrace,
                           io.syncnode.node.trust.Credentials signer) {
        LocalGeneration next = new LocalGeneration(current.gen + 1, random, now, signer);
        // a switch still pending ends now: group packets never lag more than one generation behind
        // the current one, so members (which keep the last three) always hold the sender key in use
        groupSend = current;
        previous = current;
        current = next;
        if (immediate) {
            groupSend = next;
            previousRetireAt = now + previousGrace;
        } else {
            groupSwitchDeadline = now + switchTimeout;
        }
        return next;
    }

    /**
     * Moves group packets to the current generation once {@code allAcknowledged} or the switch
     * timed out, and forgets the previous generation {@code previousGrace} after that.
     */
    void settle(long now, boolean allAcknowledged, long previousGrace) {
        if (groupSend != current && (now - groupSwitchDeadline >= 0 || allAcknowledged)) {
            groupSend = current;
            previousRetireAt = now + previousGrace;
        }
        if (previous != null && groupSend == current && now - previousRetireAt >= 0) {
            previous = null;
        }
    }
}
