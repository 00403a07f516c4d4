package io.syncnode.node.control;

import java.io.IOException;

/** The node answered a control request with {@code ok:false}; the message is its reason. */
public final class ControlRefusedException extends IOException {
    public ControlRefusedException(String message) {
        super(message);
    }
}
