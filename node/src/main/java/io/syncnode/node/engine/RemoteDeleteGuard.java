package io.syncnode.node.engine;

import io.syncnode.node.index.StoredFile;
import io.syncnode.node.wire.Message;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.FolderSafety;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.Plan;
import io.syncnode.protocol.Reconciler;
import io.syncnode.protocol.RelativePath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The remote mass-delete guard: a member whose announcements (an announcement, the batches of an
 * index exchange) would delete more than {@link FolderSafety#MASS_DELETE_SHARE} of the folder halts
 * the folder here, as a local scan that finds most files gone does. The verdict is the pure
 * {@link FolderSafety#remoteDeletes}; this class gathers its facts and holds the refused batch.
 *
 * <p>Implementation notes: a delete counts when the reconciler would carry it out (the tombstone
 * wins over a live local entry that is not ignored and not the root). An index exchange arrives in
 * several batches, so its deletes add up (until its last batch; a window whose exchange sent no
 * batch for {@link #WINDOW_MILLIS} ends) against the live count at its start: splitting an exchange
 * into small batches, or pacing it over minutes, does not pass. The state per member is three
 * counters (start, live count, deletes), never the exchange's records. An
 * announcement is judged alone, as the sender's own scan guard judged the scan it came from: a
 * member deleting a few files at a time (a user's ordinary work, a writer's churn across a restart)
 * never halts the others; one that deletes most of the folder in one announcement or exchange does.
 * The batch that trips the guard is held whole (the folder is halted, so the drain drops what comes
 * after it; the members keep their dirty entries toward this node); {@link #applyHeld} applies the
 * held batches for {@code accept-deletes}; a {@code check} keeps them and the halt (no rescan here
 * can find a member's deletes gone). Nothing is kept across a
 * restart: the next index exchange brings the deletes, and the guard, again.
 *
 * <p>Confined to the folder's worker thread.
 */
final class RemoteDeleteGuard implements FolderScans.HeldDeletes {
    static final long WINDOW_MILLIS = 60_000;

    private final FolderContext folder;
    private final Reconciler reconciler;
    private final Consumer<String> halt;
    private final BiConsumer<String, Message.IndexUpdate> apply;
    /** False for a send-only folder, which applies no remote change anyway. */
    private final boolean active;
    /** Per member: start of its window, the live count then, and the deletes admitted since. */
    private final Map<String, long[]> windows = new HashMap<>();
    /** Per member, the batches held while the folder is halted for their deletes. */
    private final Map<String, List<Message.IndexUpdate>> held = new LinkedHashMap<>();

    /**
     * @param halt halts the folder for a remote mass delete with the operator's message
     * @param apply applies a batch (the held ones, once accepted)
     * @param active false: every batch is admitted (a send-only folder)
     */
    RemoteDeleteGuard(FolderContext folder, Reconciler reconciler, Consumer<String> halt,
                      BiConsumer<String, Message.IndexUpdate> apply, boolean active) {
        this.folder = folder;
        this.reconciler = reconciler;
        this.halt = halt;
        this.apply = apply;
        this.active = active;
    }

    /** Whether {@code from}'s batch may be applied; false: it is held and the folder halted. */
    boolean admits(String from, Message.IndexUpdate update) {
        if (!active) {
            return true;
        }
        long deleting = deleting(update);
        long now = folder.clock().millis();
        // the batches of one index exchange add up (a split exchange does not pass), for as long as
        // they keep coming (an exchange is sent page by page, paced by our acks: it may take minutes);
        // an announcement is judged alone, as the sender's own scan guard judged the scan it came from
        long[] w = update.full() ? windows.get(from) : null;
        if (w != null && now - w[0] < WINDOW_MILLIS) {
            w[0] = now;
        }
        if (deleting == 0) {
            if (update.last()) {
                windows.remove(from);
            }
            return true;
        }
        if (w == null || now - w[0] >= WINDOW_MILLIS) {
            w = new long[] {now, folder.store().liveCount(folder.name()), 0};
            if (update.full() && !update.last()) {
                windows.put(from, w);
            } else {
                windows.remove(from);
            }
        }
        if (FolderSafety.remoteDeletes(w[1], w[2] + deleting) instanceof FolderSafety.Halt h) {
            held.computeIfAbsent(from, k -> new ArrayList<>()).add(update);
            String f = folder.name();
            halt.accept(NameCodec.display(from) + "'s announcements would delete " + h.gone() + " of " + h.live()
                    + " files (more than " + Math.round(FolderSafety.MASS_DELETE_SHARE * 100) + " %); not applying"
                    + " the deletes. If they are intended, run `syncnode accept-deletes -c FILE --folder " + f
                    + "` to apply them; else restore the files on " + NameCodec.display(from)
                    + " and run `syncnode check -c FILE --folder " + f + "` here");
            return false;
        }
        w[2] += deleting;
        if (update.last()) {
            windows.remove(from);
        }
        return true;
    }

    /** How many live entries of this folder the batch's tombstones would delete. */
    private long deleting(Message.IndexUpdate update) {
        long n = 0;
        for (Message.Announced a : update.files()) {
            String rel = a.record().path();
            if (!a.record().deleted() || rel.equals(RelativePath.ROOT)) {
                continue;
            }
            StoredFile cur = folder.buffer().current(rel);
            if (cur == null || cur.record().deleted()
                    || folder.ignored().test(rel, cur.record().type() == FileType.DIRECTORY)) {
                continue;
            }
            if (reconciler.plan(cur.record(), a.record()) instanceof Plan.TakeRemote) {
                n++;
            }
        }
        return n;
    }

    /** The operator accepts the deletes: the held batches are applied; returns how many records they held. */
    @Override
    public long applyHeld() {
        Map<String, List<Message.IndexUpdate>> out = new LinkedHashMap<>(held);
        held.clear();
        windows.clear();
        long n = 0;
        for (Map.Entry<String, List<Message.IndexUpdate>> e : out.entrySet()) {
            for (Message.IndexUpdate u : e.getValue()) {
                apply.accept(e.getKey(), u);
                n += u.files().size();
            }
        }
        return n;
    }
}
