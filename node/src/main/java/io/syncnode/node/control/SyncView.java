package io.syncnode.node.control;

import java.util.List;

/**
 * {@code sync}'s answer: {"converged", "remaining", "entries", "paused", "skipped"}.
 *
 * @param converged whether no dirty entry toward the peers waited on remains
 * @param remaining how many dirty entries toward them remain (0 when converged)
 * @param entries   the first {@link ControlVerb#SAMPLE} of those entries
 * @param paused    the paused folders that were left out (their dirty entries are not counted)
 * @param skipped   the peers that are not members now and were not waited on, with their dirty
 *                  entries in the folders synced; empty when every known peer was waited on
 *                  ({@code allPeers})
 */
public record SyncView(boolean converged, long remaining, List<DirtyView> entries, List<String> paused,
                       List<SkippedPeer> skipped) {
    public SyncView {
        entries = List.copyOf(entries);
        paused = List.copyOf(paused);
        skipped = List.copyOf(skipped);
    }

    /** An absent peer {@code sync} did not wait on: {"peer", "dirty"}. */
    public record SkippedPeer(String peer, long dirty) {
    }
}
