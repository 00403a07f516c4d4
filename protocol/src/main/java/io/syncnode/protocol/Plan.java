package io.syncnode.protocol;

/**
 * What to do with one announced record, as decided by {@link Reconciler}. The node's applier
 * carries it out; the plan itself does nothing.
 */
public sealed interface Plan {

    /** The local record equals or dominates the remote one: nothing to do but acknowledge. */
    record Acknowledge() implements Plan {
    }

    /**
     * Make {@code target} the local version: fetch content if needed, apply metadata or delete.
     * {@code concurrent} is true when the remote version won a conflict (its vector is then the
     * merge of both).
     */
    record TakeRemote(FileRecord target, boolean concurrent) implements Plan {
    }

    /**
     * Concurrent versions, the local one wins: store {@code updated} (the local entry with the
     * merged vector, which dominates both) and announce it. Nothing changes on disk.
     */
    record KeepLocal(FileRecord updated) implements Plan {
    }

    /**
     * Concurrent versions describing the same entry (same content and metadata): store
     * {@code merged}, no conflict, nothing changes on disk.
     */
    record MergeVersions(FileRecord merged) implements Plan {
    }
}
