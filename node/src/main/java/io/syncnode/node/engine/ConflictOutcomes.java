package io.syncnode.node.engine;

import io.syncnode.node.apply.ConflictCopies;
import io.syncnode.node.apply.ContentCopy;
import io.syncnode.node.index.StoredConflict;
import io.syncnode.node.index.StoredFile;
import io.syncnode.protocol.ConflictPolicy;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.KeepBoth;
import io.syncnode.protocol.StatSignature;
import io.syncnode.protocol.VersionVector;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.protocol.ContentHash;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * What becomes of a conflict once decided: a {@code keep-both} copy of the losing local version,
 * an open conflict recorded for the operator or the folder's script, and the settling of an open
 * conflict ({@code resolve*}: keep the local version, take a version, take merged content, keep
 * both), each under a new version that dominates both sides and propagates.
 *
 * <p>Confined to the folder's worker thread ({@link ConflictSettler} hands its answers back there).
 */
final class ConflictOutcomes {
    private static final Logger LOG = Logger.getLogger(ConflictOutcomes.class.getName());

    /** The apply steps that settling goes through (see {@link RemoteApplier}). */
    interface Steps {
        /** Makes {@code target} the local version (content inline, local, or fetched). */
        void take(String from, FileRecord target, byte[] inline, StoredFile cur, boolean announce) throws IOException;

        /** Records an applied version. */
        void done(String from, FileRecord target, StatSignature stat, boolean announce);
    }

    private final FolderContext folder;
    private final ConflictPolicy policy;
    private final ConflictCopies copies;
    private final Consumer<StoredConflict> scripts;
    private final Steps steps;

    /** @param scripts runs the folder's script for a conflict this node settles */
    ConflictOutcomes(FolderContext folder, ConflictPolicy policy, int maxConflictCopies,
                     Consumer<StoredConflict> scripts, Steps steps) {
        this.folder = folder;
        this.policy = policy;
        this.copies = new ConflictCopies(folder.applier(), maxConflictCopies);
        this.scripts = scripts;
        this.steps = steps;
    }

    /** Records an open conflict (manual, or script); {@code run}: this node runs the script. */
    void openConflict(String from, FileRecord remote, boolean run) {
        String rel = remote.path();
        IndexBuffer buffer = folder.buffer();
        StoredConflict old = buffer.conflict(rel);
        if (old == null || !old.remote().version().equals(remote.version())) {
            folder.split().concurrent(rel, run || policy == ConflictPolicy.SCRIPT ? "script" : "manual");
            LOG.warning(() -> folder.name() + ": conflict on " + rel + " with " + from + "'s version: "
                    + (run ? "running the folder's script" : "left for `syncnode resolve`"));
            StoredConflict c = new StoredConflict(folder.name(), remote, from, folder.clock().instant());
            buffer.putConflict(c);
            if (run) {
                scripts.accept(c);
            }
        }
    }

    /**
     * {@code keep-both}: keeps the losing local content beside the path as a conflict copy (see
     * {@link ConflictCopies}), pruning the oldest copies beyond the folder's limit; the copy is
     * scanned and synced like any other new file.
     */
    void keepConflictCopy(FileRecord loser) throws IOException {
        String copy = copies.keepLocal(loser, folder.nodeName().apply(loser.modifiedBy()));
        if (copy != null) {
            folder.scanLater().accept(copy);
        }
    }

    /** A version of {@code path} that dominates both sides of its open conflict, made by this node now. */
    private VersionVector settled(String path, StoredFile cur) {
        StoredConflict c = folder.buffer().conflict(path);
        VersionVector v = cur == null ? VersionVector.EMPTY : cur.record().version();
        if (c != null) {
            v = v.merge(c.remote().version());
        }
        return v.bump(folder.selfId(), folder.clock().instant().getEpochSecond());
    }

    /** Settles the conflict of {@code path} for the local version: same content, a dominating version. */
    void resolveKeepLocal(String path) {
        StoredFile cur = folder.buffer().current(path);
        if (cur == null) {
            throw new IllegalStateException(path + " has no local version");
        }
        FileRecord r = cur.record().withVersion(settled(path, cur), folder.selfId());
        folder.buffer().put(new IndexBuffer.Put(r, cur.stat(), true, null, null, true));
        LOG.info(() -> folder.name() + ": conflict on " + path + " settled: keeping this node's version");
    }

    /**
     * Settles the conflict of {@code path} with {@code content} (a version's record; a tombstone
     * deletes) whose bytes are in {@code file} (regular files), under a dominating version.
     */
    void resolveWith(String path, FileRecord content, Path file) throws IOException {
        StoredFile cur = folder.buffer().current(path);
        FileRecord target = content.withVersion(settled(path, cur), folder.selfId());
        StatSignature expected = RemoteApplier.expectedOf(cur);
        if (target.deleted() || target.type() != FileType.REGULAR) {
            steps.take(null, target, null, cur, true);
        } else {
            Path temp = folder.applier().copyToTemp(path, file);
            try {
                ContentCopy.verify(temp, target);
            } catch (IOException | RuntimeException e) {
                folder.applier().discardTemp(temp);
                throw e;
            }
            steps.done(null, target, folder.applier().commitFile(path, temp, target, expected), true);
        }
        LOG.info(() -> folder.name() + ": conflict on " + path + " settled: keeping the version of "
                + folder.nodeName().apply(content.modifiedBy()));
    }

    /** Settles the conflict of {@code path} with merged content from {@code file} (local metadata, mtime now). */
    void resolveMerged(String path, Path file) throws IOException {
        StoredFile cur = folder.buffer().current(path);
        FileRecord base = cur != null && !cur.record().deleted() ? cur.record() : folder.buffer().conflict(path).remote();
        byte[] bytes = ContentCopy.read(file);
        ContentHash hash = ContentHash.of(EntryReader.sha256().digest(bytes));
        long now = folder.clock().instant().getEpochSecond() * 1_000_000_000L + folder.clock().instant().getNano();
        FileRecord merged = new FileRecord(path, FileType.REGULAR, base.mode(), base.uid(), base.gid(), now,
                bytes.length, hash, null, 0, base.version(), false, folder.selfId());
        resolveWith(path, merged, file);
    }

    /**
     * Settles the conflict of {@code path} keeping both: the newer version keeps the path, the
     * other is written beside it as a conflict copy ({@code remoteFile}: the remote version's bytes;
     * see {@link KeepBoth}).
     */
    void resolveBoth(String path, Path remoteFile) throws IOException {
        StoredFile cur = folder.buffer().current(path);
        FileRecord remote = folder.buffer().conflict(path).remote();
        if (KeepBoth.remoteKeepsName(cur == null ? null : cur.record(), remote)) {
            if (cur != null && !cur.record().deleted()) {
                keepConflictCopy(cur.record());
            }
            resolveWith(path, remote, remoteFile);
        } else {
            if (!remote.deleted() && remote.type() == FileType.REGULAR) {
                String copy = copies.writeRemote(remote, remoteFile, folder.nodeName().apply(remote.modifiedBy()));
                if (copy != null) {
                    folder.scanLater().accept(copy);
                }
            }
            resolveKeepLocal(path);
        }
    }
}
