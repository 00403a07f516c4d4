package io.syncnode.node.engine;

import io.syncnode.node.apply.FolderConflictArchive;
import io.syncnode.config.FolderConfig;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FolderVerdict;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * What a folder-scope verdict needs of its folder ({@link FolderScopeVerdicts.Folder}): the
 * folder's policy and priority ranks for {@link FolderVerdict#localSideWins}, the archive where
 * the losing versions are saved, and a digest by unicast that asks a member for its whole index.
 * Runs on the folder's worker.
 */
final class FolderScopeSettings implements FolderScopeVerdicts.Folder {
    private final FolderConfig config;
    private final FolderConflictArchive archive;
    private final IndexBuffer buffer;
    private final SqliteIndexStore store;
    private final Outbox outbox;
    private final ToIntFunction<Long> rank;

    /** @param rank a node's place in the folder's {@code priority} list: 0 first, unlisted last */
    FolderScopeSettings(FolderConfig config, FolderConflictArchive archive, IndexBuffer buffer, SqliteIndexStore store,
                        Outbox outbox, ToIntFunction<Long> rank) {
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
