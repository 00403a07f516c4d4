package io.syncnode.node.fetch;

import java.io.IOException;

/** A transfer that did not produce a verified file; the message says why. */
public final class FetchFailedException extends IOException {
    private final boolean sourceChanged;
    private final boolean noSpace;

    public FetchFailedException(String message, boolean sourceChanged) {
        this(message, sourceChanged, false);
    }

    public FetchFailedException(String message, boolean sourceChanged, boolean noSpace) {
        super(message);
        this.sourceChanged = sourceChanged;
        this.noSpace = noSpace;
    }

    /** True when the receiving file system is full (or over quota): retried once space returns. */
    public boolean noSpace() {
        return noSpace;
    }

    /** True when the source's file changed or moved on: a newer announcement will follow. */
    public boolean sourceChanged() {
        return sourceChanged;
    }
}
