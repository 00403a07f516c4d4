package io.syncnode.node.engine;

import io.syncnode.node.apply.FolderConflictArchive;
import io.syncnode.config.FolderConfig;
import io.syncnode.node.index.PeerInfo;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.index.StoredFile;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FolderVerdict;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * What a folder-scope verdict needs of its folder ({@link FolderScopeVerdicts.Folder}): the
 * folder's policy and priority ranks for {@link FolderVerdict#localSideWins}, the archive where
 * the losing versions are saved, a digest by unicast that asks a member for its whole index, and
 * which of this node and a member makes their verdict, and what this node changed that each peer has
 * not (its dirty records, at a heal).
 * Runs on the folder's worker.
 */
final class FolderScopeSettings implements FolderScopeVerdicts.Folder {
    private final FolderConfig config;
    private final FolderConflictArchive archive;
    private final IndexBuffer buffer;
    private final SqliteIndexStore store;
    private final Outbox outbox;
    private final ToIntFunction<Long> rank;
    private final long selfId;
    private final PeerDirectory peers;

    /** @param rank a node's place in the folder's {@code priority} list: 0 first, unlisted last */
    FolderScopeSettings(FolderConfig config, FolderConflictArchive archive, IndexBuffer buffer, SqliteIndexStore store,
                        Outbox outbox, ToIntFunction<Long> rank, long selfId, PeerDirectory peers) {
        this.selfId = selfId;
        this.peers = peers;
        this.config = config;
        this.archive = archive;
        this.buffer = buffer;
        this.store = store;
        this.outbox = outbox;
        this.rank = rank;
    }

    @Override
    public boolean localSideWins(List<FileRecord> local, List<FileRecord> remote) {
        return FolderVerdict.localSideWins(config.conflict(), local, remote, rank);
    }

    /** Not while the member's id is unknown here (before its greeting): a later exchange decides. */
    @Override
    public boolean decides(String member) {
        Long id = peers.idOf(member);
        return id != null && FolderVerdict.decides(selfId, id);
    }

    @Override
    public Map<String, List<FileRecord>> dirtyTowardPeers() {
        buffer.flush();
        Map<String, List<FileRecord>> byPeer = new HashMap<>();
        for (PeerInfo p : peers.all()) {
            if (config.sharedWith(p.name())) {
                List<FileRecord> dirty = store.dirtyRecordsFor(p.id(), config.name()).stream()
                        .map(StoredFile::record).toList();
                if (!dirty.isEmpty()) {
                    byPeer.put(p.name(), dirty);
                }
            }
        }
        return byPeer;
    }

    @Override
    public Path saveDir(String winner) throws IOException {
        return archive.newSaveDir(winner);
    }

    /** Our digest, by unicast: it differs, so the member answers with its whole index. */
    @Override
    public void requestExchange(String member) {
        buffer.flush();
        String name = config.name();
        outbox.send(member, new Message.Digest(List.of(
                new Message.FolderDigest(name, store.digest(name), store.liveCount(name)))));
    }
}
