package io.syncnode.node.cluster;

import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.stack.Protocol;

/**
 * Sits between the heartbeat failure detector (FD_ALL3) and VERIFY_SUSPECT2: when the detector
 * hears again from a member it suspected (its UNSUSPECT event), the verification still pending for
 * that member is dropped, so that the member is not removed from the view after all.
 *
 * <p>Implementation notes. Why (issue 10): VERIFY_SUSPECT2 clears a suspicion only when the
 * suspect answers its own ping (I_AM_NOT_DEAD); a heartbeat does not count. A partition that heals
 * while a verification runs (its ping was lost in the partition) therefore ends with the member
 * excluded 1.5 s after it came back, and a second merge 5 s later: a view that flaps once more, and
 * messages dropped in between ("dropped message from non-member"). Measured in network namespaces
 * (tcp, one-way loss): "n2: unsuspecting n1" from FD_ALL3 at 28.671, VERIFY_SUSPECT2 "sending up
 * SUSPECT([n1])" at 29.287, view [n2|16] without n1, merged again at 34.1.
 *
 * <p>The same event tells the node that a member it had not heard from is back (the heartbeat
 * detector suspects members on every node, it only acts on the coordinator): with no view change in
 * between, nothing else would make the two exchange what they missed (see
 * {@link JGroupsTransport.Listener#onHeardAgain}).
 *
 * <p>Never blocks: the relay calls {@link VERIFY_SUSPECT2#unsuspect}, which updates a set, and
 * {@code heardAgain}, which must only hand off.
 */
final class UnsuspectRelay extends Protocol {
    private final VERIFY_SUSPECT2 verify;
    private final Consumer<Address> heardAgain;

    UnsuspectRelay(VERIFY_SUSPECT2 verify, Consumer<Address> heardAgain) {
        this.verify = verify;
        this.heardAgain = heardAgain;
    }

    @Override
    public Object up(Event evt) {
        if (evt.getType() == Event.UNSUSPECT && evt.getArg() instanceof Address member) {
            verify.unsuspect(member);
            heardAgain.accept(member);
        }
        return up_prot.up(evt);
    }
}
