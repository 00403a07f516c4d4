package io.syncnode.node.engine;

import io.syncnode.node.apply.Applier;
import java.util.logging.Logger;

/**
 * The temp entries a walk meets ({@code .syncnode-tmp.*} names): always passed over, and removed
 * as leftovers of an interrupted apply while a sweep is on ({@link #start} until {@link #end}).
 * Only while no apply can be writing one: the start-up scan runs on the worker before anything
 * remote is applied, and its own walk finds them, so a start walks the tree once, not twice.
 *
 * <p>Confined to the folder's worker (like the {@link LocalScanner} that owns it).
 */
final class TempSweep {
    private static final Logger LOG = Logger.getLogger(TempSweep.class.getName());

    private final String folder;
    private final Applier applier;
    private boolean on;
    /** Temp entries this sweep removed so far. */
    private int removed;

    TempSweep(String folder, Applier applier) {
        this.folder = folder;
        this.applier = applier;
    }

    /** The walks up to the end of the next full scan remove the temp entries they meet. */
    void start() {
        on = true;
    }

    /**
     * A temp-named entry met by a walk, removed when sweeping; true when it is one (passed over
     * either way). Looks at the name in place: this runs for every entry of every walk.
     */
    boolean tempEntry(String rel, boolean directory) {
        if (!rel.startsWith(Applier.TEMP_PREFIX, rel.lastIndexOf('/') + 1)) {
            return false;
        }
        if (on && applier.removeLeftoverTemp(rel, directory)) {
            removed++;
        }
        return true;
    }

    /** A full scan ended: the sweep (if on) is over; says how many it removed. */
    void end() {
        if (on && removed > 0) {
            int n = removed;
            LOG.info(() -> folder + ": removed " + n + " temp files left by an interrupted apply");
        }
        on = false;
        removed = 0;
    }
}
