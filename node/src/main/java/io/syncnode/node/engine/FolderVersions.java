package io.syncnode.node.engine;

import io.syncnode.node.apply.Applier;
import io.syncnode.node.apply.ContentCopy;
import io.syncnode.node.apply.Displacement;
import io.syncnode.node.apply.KeptVersion;
import io.syncnode.node.apply.LocalChangedException;
import io.syncnode.node.apply.VersionStore;
import io.syncnode.node.control.StatusView;
import io.syncnode.node.index.StoredFile;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.StatSignature;
import io.syncnode.protocol.VersionPolicy;
import io.syncnode.protocol.VersionRetention;
import io.syncnode.protocol.VersionVector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A folder's versioning ({@code [[folder]] versions}): keeps a regular file that an apply is about
 * to replace or remove (a remote change, a conflict this node lost, a revert, a restore) in the
 * folder's {@link VersionStore}, applies the retention rules ({@link VersionRetention}) after each
 * keep and periodically, lists a path's kept versions and restores one.
 *
 * <p>A failure to keep a version never blocks the apply: it is logged, counted ({@code status}
 * shows it) and the apply goes on. A file larger than the folder's size cap is not kept (logged).
 *
 * <p>A restore writes the kept content back through the applier (a temp file beside the target,
 * the kept owner, mode and mtime, checked against the kept hash, renamed over the entry only while
 * it is still what the index recorded) and then rescans the path: the scan records it as a local
 * change, a new version that dominates every other and wins on every node. The content it replaces
 * is kept as a version in turn.
 *
 * <p>Thread-safety: {@link #before} and retention run on the folder worker; {@link #restore}
 * hands its work to the worker; {@link #of}, {@link #status} answer on any thread.
 */
public final class FolderVersions implements Displacement {
    private static final Logger LOG = Logger.getLogger(FolderVersions.class.getName());
    private final FolderContext folder;
    private final VersionPolicy policy;
    /** Null when the folder keeps nothing. */
    private final VersionStore store;
    private final AtomicLong failed = new AtomicLong();

    /** @param dir {@code <state-dir>/versions/<folder>}: opened (created) only when the policy keeps versions */
    FolderVersions(FolderContext folder, VersionPolicy policy, Path dir) {
        this.folder = folder;
        this.policy = policy;
        if (!policy.mode().keeps()) {
            this.store = null;
            return;
        }
        try {
            this.store = new VersionStore(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("folder " + folder.name() + ": cannot open its versions directory " + dir
                    + " (versions = \"" + policy.mode().configName() + "\"): " + e.getMessage(), e);
        }
        folder.applier().displaceThrough(this);
    }

    /** Worker: keeps a regular file the applier is about to replace or remove (see {@link Displacement}). */
    @Override
    public void before(String rel, Path target, FileRecord replacement) {
        StoredFile cur = folder.buffer().current(rel);
        if (store == null || cur == null || cur.record().deleted() || cur.record().type() != FileType.REGULAR) {
            return;
        }
        FileRecord old = cur.record();
        try {
            long cap = policy.capOf(store.fileSystemBytes());
            if (old.size() > cap) {
                LOG.warning(() -> folder.name() + ": " + NameCodec.display(rel) + " (" + old.size()
                        + " bytes) is larger than versions-max-size allows (" + cap + " bytes); not kept");
                return;
            }
            String by = replacement == null ? null : folder.nodeName().apply(replacement.modifiedBy());
            boolean removed = replacement == null || replacement.deleted();
            Optional<KeptVersion> k = store.keep(folder.applier(), rel, target, old.hash() == null ? null
                    : old.hash().hex(), old.version().toString(), by, removed, folder.clock().millis());
            k.ifPresent(v -> LOG.fine(() -> folder.name() + ": kept " + NameCodec.display(rel) + " as version " + v.id()));
            prune();
        } catch (IOException | RuntimeException e) {
            failed.incrementAndGet();
            LOG.log(Level.WARNING, folder.name() + ": could not keep the version of " + NameCodec.display(rel)
                    + " that is being replaced; applying without it (versions failed is counted in status)", e);
        }
    }

    /** Worker: drops what the retention rules no longer keep. */
    void prune() {
        if (store == null) {
            return;
        }
        try {
            List<VersionRetention.Kept> all = store.all().stream()
                    .map(k -> new VersionRetention.Kept(k.id(), k.path(), k.keptAtMs(), k.size())).toList();
            Set<String> gone = VersionRetention.expired(policy, all, folder.clock().millis(),
                    policy.capOf(store.fileSystemBytes()));
            for (String id : gone) {
                store.remove(id);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, folder.name() + ": versions retention failed; it runs again later", e);
        }
    }

    /** Any thread: schedules {@link #prune} on the worker (the node does every minute). */
    public void pruneLater() {
        if (store != null) {
            folder.worker().execute(folder.worker().guard("versions retention", this::prune));
        }
    }

    /** Any thread: the kept versions of {@code rel}, newest first (none when the folder keeps nothing). */
    public List<KeptVersion> of(String rel) {
        return store == null ? List.of() : store.of(rel);
    }

    /** Any thread: what {@code status} shows. */
    public StatusView.Versions status() {
        long[] t = store == null ? new long[2] : store.totals();
        return new StatusView.Versions(policy.mode().configName(), t[0], t[1], failed.get());
    }

    /**
     * Brings a kept version of {@code rel} back as a local change: the one with {@code id}, or (id
     * null) the content the path had at {@code atMs}, which is the first version kept after that
     * time. Completes with the version restored; fails with an operator-readable message.
     */
    public CompletableFuture<KeptVersion> restore(String rel, String id, long atMs) {
        return folder.worker().submit(() -> {
            KeptVersion k = pick(rel, id, atMs);
            StoredFile cur = folder.buffer().current(rel);
            StatSignature expected = RemoteApplier.expectedOf(cur);
            FileRecord r = new FileRecord(rel, FileType.REGULAR, k.mode(), k.uid(), k.gid(), k.mtimeNs(), k.size(),
                    ContentHash.ofHex(k.hash()), null, 0, VersionVector.EMPTY, false, folder.selfId());
            Applier applier = folder.applier();
            Path temp = applier.copyToTemp(rel, store.content(k));
            try {
                ContentCopy.verify(temp, r);
            } catch (IOException | RuntimeException e) {
                applier.discardTemp(temp);
                throw new IOException("kept version " + k.id() + " no longer matches its hash: " + e.getMessage(), e);
            }
            try {
                applier.commitFile(rel, temp, r, expected); // removes the temp when it fails
            } catch (LocalChangedException e) {
                folder.scanLater().accept(rel);
                throw new IOException(e.getMessage() + "; restore again once it is scanned (a moment)", e);
            }
            folder.scanLater().accept(rel);
            LOG.warning(() -> folder.name() + ": restored " + NameCodec.display(rel) + " from version " + k.id()
                    + " (`syncnode restore`); it becomes a new version everywhere");
            return k;
        });
    }

    private KeptVersion pick(String rel, String id, long atMs) {
        if (store == null) {
            throw new IllegalStateException("folder " + folder.name() + " keeps no versions (versions = \"none\")");
        }
        List<KeptVersion> versions = store.of(rel);
        if (id != null) {
            return versions.stream().filter(k -> k.id().equals(id)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("no kept version " + id + " of " + NameCodec.display(rel)
                            + " in folder " + folder.name() + "; `syncnode versions` lists them"));
        }
        KeptVersion first = null; // the first one kept at or after atMs: what the path held at atMs
        for (KeptVersion k : versions) {
            if (k.keptAtMs() >= atMs) {
                first = k;
            }
        }
        if (first == null) {
            throw new IllegalArgumentException(versions.isEmpty() ? "no kept version of " + NameCodec.display(rel)
                    + " in folder " + folder.name() : "nothing of " + NameCodec.display(rel) + " was replaced after"
                    + " that time: the file then is the file now");
        }
        return first;
    }
}
