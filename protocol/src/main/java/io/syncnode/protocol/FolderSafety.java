package io.syncnode.protocol;

/**
 * The guards that halt a folder instead of letting a scan turn what looks like a lost disk into
 * deletes on every node: the folder's root is missing or not a directory; the root is on another
 * device than when the node started (unmounted, or remounted elsewhere); or a guarded scan (an
 * automatic full scan) would delete more than {@link #MASS_DELETE_SHARE} of the folder's live
 * entries, from {@value #MASS_DELETE_MIN} entries on. The caller gathers the facts (an lstat of
 * the root, the counts of a scan) and acts on the verdict: it halts the folder and tells the
 * operator why, or goes on.
 *
 * <p>Pure: a function of its arguments.
 */
public final class FolderSafety {
    /**
     * Share of a folder's live entries that one automatic full scan may delete; beyond it (and from
     * {@value #MASS_DELETE_MIN} entries on) the folder halts instead of propagating the deletes.
     */
    public static final double MASS_DELETE_SHARE = 0.5;
    public static final int MASS_DELETE_MIN = 20;
    /**
     * The remote guard's minimum: a member's announcement or exchange is judged from 100 live
     * entries on. In a smaller folder, ordinary churn (an rmdir, a restart's batch) often deletes
     * half of it, and each node confirming that would stop sync for nothing.
     */
    public static final int REMOTE_MASS_DELETE_MIN = 100;

    private FolderSafety() {
    }

    /** Why a folder halts. */
    public enum Reason {
        /** The root is missing or not a directory. */
        ROOT_MISSING,
        /** The root is on another device than at start. */
        ROOT_DEVICE_CHANGED,
        /** A guarded scan found too many of the folder's entries gone. */
        MASS_DELETE,
        /** One member's announced records would delete too many of the folder's entries. */
        REMOTE_MASS_DELETE
    }

    /** What to do: go on, or halt the folder. */
    public sealed interface Verdict permits Proceed, Halt {
    }

    /** Nothing is wrong: the scan goes on. */
    public record Proceed() implements Verdict {
    }

    /** The folder halts for {@code reason}; for {@link Reason#MASS_DELETE}, {@code gone} of {@code live} entries. */
    public record Halt(Reason reason, long gone, long live) implements Verdict {
    }

    private static final Proceed PROCEED = new Proceed();

    /**
     * Before a scan: whether the root is still the folder it was at start.
     *
     * @param rootIsDirectory the root exists and is a directory (lstat: a link to one is not)
     * @param deviceAtStart the root's device when the node first looked at it
     * @param deviceNow the root's device now (ignored when it is not a directory)
     */
    public static Verdict root(boolean rootIsDirectory, long deviceAtStart, long deviceNow) {
        if (!rootIsDirectory) {
            return new Halt(Reason.ROOT_MISSING, 0, 0);
        }
        if (deviceAtStart != deviceNow) {
            return new Halt(Reason.ROOT_DEVICE_CHANGED, 0, 0);
        }
        return PROCEED;
    }

    /**
     * After a full scan walked the disk: whether the deletes it found may be propagated.
     *
     * @param guarded the scan was automatic (one the operator asked for may delete any share)
     * @param live the folder's live entries in the index (the root not counted)
     * @param gone how many of them the scan did not find
     */
    public static Verdict deletes(boolean guarded, long live, long gone) {
        if (guarded && live >= MASS_DELETE_MIN && gone > live * MASS_DELETE_SHARE) {
            return new Halt(Reason.MASS_DELETE, gone, live);
        }
        return PROCEED;
    }

    /**
     * Before applying one member's announced records (an announcement, or a batch of an index
     * exchange): whether the deletes among them may be applied. The same share as a local scan, from
     * {@value #REMOTE_MASS_DELETE_MIN} entries on: a member whose disk vanished, or a hostile one,
     * cannot empty every replica.
     *
     * @param live the folder's live entries in the index (the root not counted)
     * @param deleting how many of them the records would delete (tombstones that would win)
     */
    public static Verdict remoteDeletes(long live, long deleting) {
        if (live >= REMOTE_MASS_DELETE_MIN && deleting > live * MASS_DELETE_SHARE) {
            return new Halt(Reason.REMOTE_MASS_DELETE, deleting, live);
        }
        return PROCEED;
    }
}
