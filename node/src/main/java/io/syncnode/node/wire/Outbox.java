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
}
