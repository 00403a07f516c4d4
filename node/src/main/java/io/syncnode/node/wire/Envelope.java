package io.syncnode.node.wire;

/**
 * A decoded message with its sender's identity as stated in the envelope, and the sender's clock
 * when it sent it ({@code sentAtMs}, ms since the epoch; 0 when not given), and the sender's
 * software version ({@code software}: on digests only, control characters escaped; "" when not given).
 */
public record Envelope(long senderId, String senderName, long sentAtMs, String software, Message message) {
    public Envelope(long senderId, String senderName, long sentAtMs, Message message) {
        this(senderId, senderName, sentAtMs, "", message);
    }

    public Envelope(long senderId, String senderName, Message message) {
        this(senderId, senderName, 0, message);
    }
}
