package io.syncnode.node.wire;

/** An inbound message that cannot be accepted; the message names the field and the reason. */
public final class WireException extends Exception {
    public WireException(String message) {
        super(message);
    }

    public WireException(String message, Throwable cause) {
        super(message, cause);
    }
}
