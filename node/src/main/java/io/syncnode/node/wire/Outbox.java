package io.syncnode.node.wire;

/**
 * Sends messages to the cluster. Implementations encode with {@link WireCodec} and may block
 * briefly on flow control: never call from a transport callback.
 */
public interface Outbox {
    /** To one member; false when it is not in the current view. */
    boolean send(String member, Message message);

    /** To every other member. */
    void multicast(Message message);

    /**
     * Bytes queued for {@code member} and not yet taken by the transport (its send lane): a sender
     * of bulk pages waits for room rather than have them dropped. 0 where nothing queues.
     */
    default long waiting(String member) {
        return 0;
    }
}
