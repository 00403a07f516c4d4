package io.syncnode.node.engine;

import io.syncnode.node.announce.Announcer;
import io.syncnode.node.index.IndexWriter;
import io.syncnode.node.index.StoredConflict;
import io.syncnode.node.wire.Message;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What one {@link IndexBuffer} flush writes in one transaction (on the folder's worker, or on the
 * index writer for a walk's batch in flight), and what it sends once that is committed.
 *
 * @param puts the changes, in the order they were made (one per path)
 * @param cleared dirty entries a peer's acknowledgement cleared
 * @param conflicted open conflicts changed (null: settled, its row deleted)
 * @param journalled paths whose apply-journal rows go with this commit
 * @param acks the acknowledgements to send each member once committed
 * @param now when the batch was taken: the time of its new dirty entries
 */
record IndexBatch(String folder, List<IndexBuffer.Put> puts, List<Clear> cleared, Map<String, StoredConflict> conflicted,
                  List<String> journalled, Map<String, List<Message.AckEntry>> acks, Instant now) {
    /** A dirty entry of {@code path} toward {@code peer} that its acknowledgement cleared. */
    record Clear(String path, long peer) {
    }

    /** Whether it has anything to write (else only acknowledgements to send). */
    boolean writes() {
        return !puts.isEmpty() || !cleared.isEmpty() || !conflicted.isEmpty() || !journalled.isEmpty();
    }

    /** The transaction's work; {@code sharedWith}: whether the folder is shared with a node (by name). */
    Void write(IndexWriter w, PeerDirectory peers, Predicate<String> sharedWith) {
        // read inside the transaction: a peer forgotten meanwhile (PeerDirectory.forget) gets no row
        Set<Long> known = peers.knownIds(sharedWith);
        for (IndexBuffer.Put p : puts) {
            if (p.taken()) {
                w.clearDirtyAll(folder, p.record().path());
            }
            w.put(folder, p.record(), p.stat());
            if (p.markDirty() && !known.isEmpty()) {
                Set<Long> to = new HashSet<>(known);
                if (p.exceptPeer() != null) {
                    to.remove(peers.idOf(p.exceptPeer()));
                }
                w.markDirty(folder, p.record().path(), to, now);
            }
        }
        for (Clear c : cleared) {
            w.clearDirty(folder, c.path(), c.peer());
        }
        conflicted.forEach((path, c) -> {
            if (c == null) {
                w.deleteConflict(folder, path);
            } else {
                w.putConflict(c);
            }
        });
        if (!journalled.isEmpty()) {
            w.deleteIntents(folder, journalled);
        }
        return null;
    }

    /** After the commit: the new local versions to every member, the acknowledgements to theirs. */
    void send(Announcer announcer) {
        List<Message.Announced> announce = new ArrayList<>();
        for (IndexBuffer.Put p : puts) {
            if (p.markDirty()) {
                announce.add(new Message.Announced(p.record(), p.inline()));
            }
        }
        if (!announce.isEmpty()) {
            announcer.send(null, announce, false, null);
        }
        announcer.acknowledge(acks);
    }
}
