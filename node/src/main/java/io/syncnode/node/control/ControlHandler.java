package io.syncnode.node.control;

import java.time.Duration;
import java.util.List;

/**
 * What the running node answers on its control socket. Implemented by the node; called on the
 * control server's threads (one per connection), so implementations must be thread-safe.
 */
public interface ControlHandler {
    StatusView status();

    List<PeerView> peers();

    /** Dirty entries, of one folder or of all when {@code folder} is null. */
    List<DirtyView> dirty(String folder);

    /**
     * At most {@code limit} dirty entries (0: all), of one folder or of all when {@code folder} is
     * null, after the position {@code after} ({@code FOLDER/PATH}, as a page's {@code next} gives it;
     * null: from the start), in the order of {@link #dirty}. A path's entries toward every peer stay
     * on one page, so a page may hold a few more than {@code limit}.
     */
    DirtyView.Page dirtyPage(String folder, String after, int limit) throws ControlException;

    /**
     * Rescans now (the whole folder, or only {@code paths} relative to it) and returns how many
     * paths were found changed and marked dirty, with the checked folders that are halted. Paused
     * folders are left out when {@code folder} is null and refused when named. A check never
     * accepts a mass delete: a folder halted for one gets a guarded rescan, which resumes it only
     * when the files are back (as a restart would); {@link #acceptDeletes} accepts them.
     */
    CheckView check(String folder, List<String> paths) throws ControlException;

    /**
     * Pushes everything dirty now and waits until no dirty entry toward the current members (every
     * known peer when {@code allPeers}) remains or {@code timeout} passes. Paused folders are left
     * out when {@code folder} is null and refused when named. The answer names the absent peers
     * that were not waited on.
     */
    SyncView sync(String folder, Duration timeout, boolean allPeers) throws ControlException;

    /**
     * Releases {@code folder} from a mass-delete halt: the deletes the guarded scan refused are
     * accepted and propagate (an unguarded full rescan), or the deletes a member announced and
     * the remote mass-delete guard held are applied. Not halted: nothing is done and the answer
     * says so; halted for another reason (root missing or on another device), or paused: refused.
     */
    AcceptDeletesView acceptDeletes(String folder) throws ControlException;

    /**
     * Brings a receive-only folder's local changes back to the cluster's version: added entries
     * are removed, changed and removed ones written again (content fetched from a member when
     * needed). Refused for a folder that is not receive-only, paused or halted.
     */
    RevertView revert(String folder) throws ControlException;

    /**
     * Makes this node's tree the winner of {@code folder} on every current member sharing it (after
     * a rescan here): what differs there is replaced or removed. Refused for a paused, halted or
     * receive-only folder, and when no other member shares it now.
     */
    OverrideView override(String folder) throws ControlException;

    /**
     * The kept versions of {@code path}: absolute (the folder is the one that holds it; {@code folder},
     * when given, must be that one) or relative to {@code folder} (which may be left out when the
     * node has one folder). An unknown folder or a path outside every folder is refused.
     */
    VersionsView versions(String folder, String path) throws ControlException;

    /**
     * Writes a kept version of {@code path} (found as {@link #versions} finds it) back into the
     * folder as a local change, so that it becomes a new version that wins everywhere: the version
     * {@code id}, or (id null) the content the path had at {@code atMs} (epoch milliseconds). The
     * content it replaces is kept as a version in turn. Refused for a paused folder, a folder that
     * keeps no versions, an unknown version, or a path changed here since the last scan.
     */
    RestoreView restore(String folder, String path, String id, Long atMs) throws ControlException;

    /**
     * Drops the retired peer {@code name} everywhere this node remembers it: its dirty entries in
     * every folder, its row in the peers table, what was measured of it. Refused for this node and
     * for a current member. A peer not remembered is not an error ({@code forgotten} false). A
     * forgotten peer that comes back is a new peer: the digest exchange brings it up to date.
     */
    ForgetView forget(String name) throws ControlException;

    /** Open conflicts (of {@code manual} and {@code script} folders) with both versions. */
    List<ConflictView> conflicts();

    /**
     * Settles the open conflict of {@code path} in {@code folder}: {@code keep} is "local",
     * "remote" or a node name. Returns once the winning version is stored here (it then propagates).
     */
    void resolve(String folder, String path, String keep) throws ControlException;

    /**
     * Stops syncing {@code folder} on this node: its local changes are not announced and remote
     * ones not applied until {@link #resume}, also across restarts of the node. Returns false when
     * it was paused already.
     */
    boolean pause(String folder) throws ControlException;

    /**
     * Restarts syncing a paused {@code folder}: rescans it (what changed meanwhile is announced)
     * and exchanges digests with the members (what they changed arrives). Returns once the rescan
     * is done; false when the folder was not paused.
     */
    boolean resume(String folder) throws ControlException;

    /**
     * Replaces this node's session keys (a new key generation); with {@code askPeers} every member
     * is asked to replace its own. Syncing goes on meanwhile. Returns the new generation. Refused on
     * a node without credentials.
     */
    int rekey(boolean askPeers) throws ControlException;

    /**
     * Re-reads the configuration file. What may change on a running node takes effect at once
     * ({@code [cluster] credentials}: the files are read again, and {@code revoked}: revoked
     * members are dropped from the cluster and keys rotate); other changes are listed as needing
     * a restart. A config that does not load is refused and the running one stays.
     */
    ReloadView reload() throws ControlException;

    /**
     * Where this node's index and each peer's differ: of {@code folder} (null: every folder), with
     * {@code peer} (null: every current member sharing the folder), limited to {@code paths}
     * (relative to the folder, each with everything below it; empty: the whole folder). Asks each
     * peer for its records; a peer that does not answer, or an unknown folder or peer, is refused.
     */
    DiffView diff(String folder, String peer, List<String> paths) throws ControlException;

    /**
     * The text of {@code path} in {@code folder} on this node and on {@code peer} (null: every
     * current member sharing the folder), for a unified diff. Refused for a binary file, one over
     * 64 KiB, or one that is no regular file.
     */
    List<ContentDiffView> diffContent(String folder, String peer, String path) throws ControlException;

    /** A request the node refuses (unknown folder, bad path): the message is shown to the operator. */
    /**
     * The node is still starting and cannot answer this verb yet (its index or cluster is not up):
     * the message, for the operator, says how far the start has come. Unchecked, for the verbs that
     * have no refusal of their own; the control server answers it like a {@link ControlException}.
     */
    final class NotStarted extends RuntimeException {
        public NotStarted(String message) {
            super(message);
        }
    }

    final class ControlException extends Exception {
        public ControlException(String message) {
            super(message);
        }
    }
}
