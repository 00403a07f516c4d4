package io.syncnode.protocol;

/**
 * What to do with one announced record, as decided by {@link Reconciler}. The node's applier
 * carries it out; the plan itself does nothing.
 */
public sealed interface Plan {

    /**
     * Calls the method of {@code cases} for this plan's kind. Java 17 has no pattern switch, so this
     * is the exhaustive switch over plans: a new kind of plan adds a method here and no caller
     * compiles until it handles it.
     */
    <R> R match(Cases<R> cases);

    /** One method per kind of plan; see {@link #match}. */
    interface Cases<R> {
        R acknowledge(Acknowledge plan);

        R takeRemote(TakeRemote plan);

        R keepLocal(KeepLocal plan);

        R mergeVersions(MergeVersions plan);

        R conflict(Conflict plan);

        R runScript(RunScript plan);
    }

    /** The local record equals or dominates the remote one: nothing to do but acknowledge. */
    record Acknowledge() implements Plan {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.acknowledge(this);
        }
    }

    /**
     * Make {@code target} the local version: fetch content if needed, apply metadata or delete.
     * When {@code concurrent}, the remote version won a conflict: {@code target} carries the merge
     * of both vectors (it dominates both), and this node announces it, since nobody else knows it
     * yet. {@code keepLocalCopy}: keep the losing local content beside the winner as a conflict
     * copy first ({@code keep-both}, and this node made the losing version).
     */
    record TakeRemote(FileRecord target, boolean concurrent, boolean keepLocalCopy) implements Plan {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.takeRemote(this);
        }

        public TakeRemote(FileRecord target) {
            this(target, false, false);
        }
    }

    /**
     * Concurrent versions, the local one wins. Nothing changes here and nothing is acknowledged:
     * the node that made the remote version reaches the same decision and takes this one, under the
     * merged vector, which it then announces.
     */
    record KeepLocal() implements Plan {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.keepLocal(this);
        }
    }

    /**
     * Concurrent versions describing the same entry (same content and metadata): store
     * {@code merged} and announce it; no conflict, nothing changes on disk.
     */
    record MergeVersions(FileRecord merged) implements Plan {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.mergeVersions(this);
        }
    }

    /**
     * Concurrent versions that nobody may overwrite ({@code manual}, or {@code script} on the nodes
     * that do not run the script): keep the local version, record the conflict, wait for
     * {@code syncnode resolve} or the script's result.
     */
    record Conflict(FileRecord local, FileRecord remote) implements Plan {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.conflict(this);
        }
    }

    /** Concurrent versions under {@code script}, and this node is the one that runs the script. */
    record RunScript(FileRecord local, FileRecord remote) implements Plan {
        @Override
        public <R> R match(Cases<R> cases) {
            return cases.runScript(this);
        }
    }
}
