package io.syncnode.node.fetch;

import java.io.IOException;

/** A transfer that did not produce a verified file; the message says why. */
public final class FetchFailedException extends IOException {
    private final boolean sourceChanged;

    public FetchFailedException(String message, boolean sourceChanged) {
        super(message);
        this.sourceChanged = sourceChanged;
    }

    /** True when the source's file changed or moved on: a newer announcement will follow. */
    public boolean sourceChanged() {
        return sourceChanged;
    }
}
