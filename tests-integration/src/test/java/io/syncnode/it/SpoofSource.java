package io.syncnode.it;

import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.Event;
import org.jgroups.Message;
import org.jgroups.View;
import org.jgroups.stack.Protocol;

/**
 * A JGroups protocol for {@link HostilePeer}'s stack, placed above discovery and so above the seal
 * layer: it notes the views going down from GMS and sends a message that names another member as
 * its source, which the seal layer below then seals under this node's own session, as a
 * misbehaving member's stack would. The instance registers itself in {@link #INSTANCE} (one stack
 * per hostile process).
 */
public final class SpoofSource extends Protocol {
    static volatile SpoofSource INSTANCE;

    private volatile View view;

    @Override
    public void init() throws Exception {
        super.init();
        INSTANCE = this;
    }

    @Override
    public Object down(Event evt) {
        if (evt.getType() == Event.VIEW_CHANGE) {
            view = evt.getArg();
        }
        return down_prot.down(evt);
    }

    /** The latest view installed, or null before the first. */
    View view() {
        return view;
    }

    /** Sends {@code payload} to every member (dest null) as a message whose source is {@code claimed}. */
    void sendAs(Address claimed, byte[] payload) {
        Message m = new BytesMessage(null, payload).setSrc(claimed).setFlag(Message.Flag.OOB);
        down_prot.down(m);
    }
}
