package io.syncnode.protocol.delta;

import java.io.IOException;

/**
 * A delta cannot be applied: an operation is malformed or refers to basis blocks that do not
 * exist, or the basis no longer matches the signature it was described by. The receiver should
 * discard the partial output and fall back to a whole-file transfer.
 */
public final class DeltaException extends IOException {
    private static final long serialVersionUID = 1L;

    public DeltaException(String message) {
        super(message);
    }
}
