package io.syncnode.node.apply;

import java.io.IOException;

/**
 * The target on disk is not what the index last recorded: a local change is pending. The apply
 * is abandoned; the path is scanned, and the two versions reconciled.
 */
public final class LocalChangedException extends IOException {
    public LocalChangedException(String path) {
        super(path + " changed locally since it was last scanned; not overwriting it");
    }
}
