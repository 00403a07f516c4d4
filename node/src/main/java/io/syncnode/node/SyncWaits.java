package io.syncnode.node;

import io.syncnode.node.control.ControlHandler.ControlException;
import io.syncnode.node.control.ControlVerb;
import io.syncnode.node.control.DirtyView;
import io.syncnode.node.control.SyncView;
import io.syncnode.node.engine.FolderSync;
import io.syncnode.node.index.DirtyEntry;
import io.syncnode.node.index.DirtyPage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code sync} verb's wait (see {@link NodeControl#sync}): until no record of the folders is
 * dirty toward a current member (toward any known peer with {@code allPeers}), re-sending what is
 * dirty meanwhile, or until the timeout; then what remains and which absent peers it skipped.
 */
final class SyncWaits {
    /** How often {@code sync} sends every dirty record again while it waits. */
    private static final Duration SYNC_REPUSH = Duration.ofSeconds(2);
    /** How often {@code sync} counts the dirty records while it waits. */
    private static final Duration SYNC_CHECK = Duration.ofMillis(50);
    /** The sample of entries left after a timeout is looked for in at most this many pages of this many entries. */
    private static final int SAMPLE_PAGES = 100;
    private static final int SAMPLE_PAGE_ENTRIES = 1000;

    private final NodeControl.Parts parts;

    SyncWaits(NodeControl.Parts parts) {
        this.parts = parts;
    }

    /** Waits for {@code synced} (the running folders asked for; {@code paused}: those left out). */
    SyncView await(List<FolderSync> synced, List<String> paused, Duration timeout, boolean allPeers)
            throws ControlException {
        boolean converged = awaitSynced(synced, timeout, allPeers);
        Set<Long> waitedOn = allPeers ? null : memberIds();
        long remaining = 0;
        List<DirtyView> sample = new ArrayList<>();
        if (!converged) {
            // counted per peer, and a sample read a page at a time: a million entries left are never all in memory
            for (FolderSync f : synced) {
                for (Map.Entry<Long, Long> e : parts.store().dirtyCountByPeer(f.name()).entrySet()) {
                    if (waitedOn == null || waitedOn.contains(e.getKey())) {
                        remaining += e.getValue();
                    }
                }
                sample(f.name(), waitedOn, sample);
            }
        }
        return new SyncView(converged || remaining == 0, remaining, sample, paused,
                allPeers ? List.of() : skipped(synced));
    }

    /**
     * Adds {@code folder}'s first dirty entries toward {@code waitedOn} (null: any peer) to {@code
     * sample} until it holds {@value ControlVerb#SAMPLE}, reading at most {@value #SAMPLE_PAGES} pages.
     */
    private void sample(String folder, Set<Long> waitedOn, List<DirtyView> sample) {
        DirtyPage.Cursor after = null;
        for (int page = 0; page < SAMPLE_PAGES && sample.size() < ControlVerb.SAMPLE; page++) {
            DirtyPage p = parts.store().dirtyPage(folder, after, SAMPLE_PAGE_ENTRIES);
            for (DirtyEntry d : p.entries()) {
                if (sample.size() < ControlVerb.SAMPLE && (waitedOn == null || waitedOn.contains(d.peerId()))) {
                    sample.add(new DirtyView(d.folder(), d.path(), d.peerName(), d.since().toString()));
                }
            }
            after = p.next();
            if (after == null) {
                return;
            }
        }
    }

    /** The absent peers {@code sync} did not wait on, with their dirty entries in {@code synced}, by name. */
    private List<SyncView.SkippedPeer> skipped(List<FolderSync> synced) {
        Set<Long> members = memberIds();
        Map<String, Long> byName = new java.util.TreeMap<>();
        for (FolderSync f : synced) {
            parts.store().dirtyCountByPeer(f.name()).forEach((id, n) -> {
                if (!members.contains(id)) {
                    byName.merge(parts.peers().nameOf(id), n, Long::sum);
                }
            });
        }
        List<SyncView.SkippedPeer> out = new ArrayList<>();
        byName.forEach((peer, n) -> out.add(new SyncView.SkippedPeer(peer, n)));
        return out;
    }

    /** The ids of the current members but this node. */
    private Set<Long> memberIds() {
        Set<Long> ids = new java.util.HashSet<>();
        for (String m : parts.members().get()) {
            Long id = parts.peers().idOf(m);
            if (id != null && id != parts.nodeId()) {
                ids.add(id);
            }
        }
        return ids;
    }

    private boolean awaitSynced(List<FolderSync> synced, Duration timeout, boolean allPeers) throws ControlException {
        SyncWait wait = new SyncWait(synced, parts.clock().instant().plus(timeout), allPeers);
        ScheduledFuture<?> ticks = parts.scheduler().scheduleWithFixedDelay(wait::tick, 0, SYNC_CHECK.toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            // the ticks answer by the deadline; the margin only covers a busy scheduler
            return wait.done.get(saturatedMillis(timeout.plus(SYNC_REPUSH)), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new ControlException("sync failed: " + e.getCause().getMessage());
        } finally {
            ticks.cancel(false);
        }
    }

    private static long saturatedMillis(Duration d) {
        try {
            return d.toMillis();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * One {@code sync} verb's wait, checked on the scheduler every {@link #SYNC_CHECK} (the control
     * thread only waits for {@link #done}): every {@link #SYNC_REPUSH} it (re)sends each dirty record
     * to its members, so a lost acknowledgement is asked again; it answers true once no record of
     * the folders is dirty toward a current member (toward any known peer with {@code allPeers}),
     * false at the deadline. The members are read at every check: a peer that comes back during the
     * wait is waited on from then on.
     */
    private final class SyncWait {
        private final List<FolderSync> folders;
        private final Instant deadline;
        private final boolean allPeers;
        private Instant nextPush = Instant.MIN;
        final CompletableFuture<Boolean> done = new CompletableFuture<>();

        SyncWait(List<FolderSync> folders, Instant deadline, boolean allPeers) {
            this.folders = folders;
            this.deadline = deadline;
            this.allPeers = allPeers;
        }

        void tick() {
            try {
                Instant now = parts.clock().instant();
                if (!now.isBefore(nextPush)) {
                    for (FolderSync f : folders) {
                        for (String m : parts.members().get()) {
                            if (!m.equals(parts.config().node().name())) {
                                f.pushDirtyTo(m);
                            }
                        }
                    }
                    nextPush = now.plus(SYNC_REPUSH);
                }
                long dirty = 0;
                Set<Long> members = allPeers ? null : memberIds();
                for (FolderSync f : folders) {
                    if (allPeers) {
                        dirty += parts.store().dirtyCount(f.name());
                    } else {
                        for (Map.Entry<Long, Long> e : parts.store().dirtyCountByPeer(f.name()).entrySet()) {
                            if (members.contains(e.getKey())) {
                                dirty += e.getValue();
                            }
                        }
                    }
                }
                if (dirty == 0) {
                    done.complete(true);
                } else if (!now.isBefore(deadline)) {
                    done.complete(false);
                }
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        }
    }
}
