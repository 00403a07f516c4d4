package io.syncnode.node.wire;

import java.util.List;

/**
 * An outbox for tests: every message sent to one member goes into {@code sent}; multicasts go
 * there too when it is made {@link #withMulticasts}, else nowhere.
 */
public final class RecordingOutbox implements Outbox {
    private final List<Message> sent;
    private final boolean multicasts;

    public RecordingOutbox(List<Message> sent) {
        this(sent, false);
    }

    private RecordingOutbox(List<Message> sent, boolean multicasts) {
        this.sent = sent;
        this.multicasts = multicasts;
    }

    /** An outbox that records multicasts in {@code sent} as well. */
    public static RecordingOutbox withMulticasts(List<Message> sent) {
        return new RecordingOutbox(sent, true);
    }

    @Override
    public boolean send(String member, Message message) {
        sent.add(message);
        return true;
    }

    @Override
    public void multicast(Message message) {
        if (multicasts) {
            sent.add(message);
        }
    }
}
