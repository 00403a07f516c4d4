package io.syncnode.node.wire;

/** A decoded message with its sender's identity as stated in the envelope. */
public record Envelope(long senderId, String senderName, Message message) {
}
