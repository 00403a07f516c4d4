package io.syncnode.node.wire;

import java.util.List;

/** An outbox for tests: every message sent to one member goes into {@code sent}; multicasts go nowhere. */
public final class RecordingOutbox implements Outbox {
    private final List<Message> sent;

    public RecordingOutbox(List<Message> sent) {
        this.sent = sent;
    }

    @Override
    public boolean send(String member, Message message) {
        sent.add(message);
        return true;
    }

    @Override
    public void multicast(Message message) {
    }
}
