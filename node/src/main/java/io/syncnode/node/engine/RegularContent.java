package io.syncnode.node.engine;

import io.syncnode.node.apply.Applier;
import io.syncnode.node.apply.ContentCopy;
import io.syncnode.node.index.StoredFile;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.protocol.ContentRoute;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.StatSignature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Takes a regular file's content by the first of its {@link ContentRoute}s that works: the pure
 * rule orders the routes, this class carries each out (a hard link, metadata only, inline bytes
 * staged for the batch's install, a copy of a local file with the same hash, a fetch).
 *
 * <p>Confined to the folder's worker thread.
 */
final class RegularContent {
    private final FolderContext folder;
    private final Applier applier;
    private final ApplyFinisher finisher;
    private final FetchQueue fetches;
    private final StagedInstalls staged;
    private final StagedInstalls.Done done;

    RegularContent(FolderContext folder, ApplyFinisher finisher, FetchQueue fetches, StagedInstalls staged,
                   StagedInstalls.Done done) {
        this.folder = folder;
        this.applier = folder.applier();
        this.finisher = finisher;
        this.fetches = fetches;
        this.staged = staged;
        this.done = done;
    }

    /** Makes {@code target} (a live regular file) the local version; {@code cur}: the local entry, or null. */
    void take(String from, FileRecord target, byte[] inline, StoredFile cur, StatSignature expected,
              boolean announce) throws IOException {
        StoredFile first = target.hardLink() == null ? null : folder.buffer().current(target.hardLink());
        List<ContentRoute> routes = ContentRoute.decide(target, cur == null ? null : cur.record(),
                first == null || first.stat() == null ? null : first.record(), inline != null);
        for (ContentRoute route : routes) {
            boolean taken = switch (route) {
                case HARD_LINK -> linkTo(from, target, first, cur, expected, announce);
                case METADATA_ONLY -> {
                    done.done(from, target, applier.applyMetadata(target.path(), target, expected), announce);
                    yield true;
                }
                case INLINE -> {
                    stageInline(from, target, inline, announce);
                    yield true;
                }
                case LOCAL_COPY -> {
                    Optional<StoredFile> local = folder.store().findLiveByHash(folder.name(), target.hash());
                    yield local.isPresent() && copyLocal(local.get(), from, target, expected, announce);
                }
                case FETCH -> {
                    fetches.enqueue(from, target, announce); // the fetch queue finds the basis
                    yield true;
                }
            };
            if (taken) {
                return;
            }
        }
        // ContentRoute.decide always ends with a final route (its table test checks it)
        throw new IllegalStateException("no content route took " + target.path() + ": " + routes);
    }

    /**
     * Another name of a hard-link group whose first name is on disk as the index says: linked to
     * it (or only its metadata applied, when this name is that inode already). False when the first
     * name changed on disk.
     */
    private boolean linkTo(String from, FileRecord target, StoredFile first, StoredFile cur, StatSignature expected,
                           boolean announce) throws IOException {
        String rel = target.path();
        Optional<EntryReader.Lstat> now = EntryReader.lstat(applier.resolve(first.record().path()));
        Optional<EntryReader.Lstat> mine = cur == null || cur.stat() == null ? Optional.empty()
                : EntryReader.lstat(applier.resolve(rel));
        if (now.isEmpty() || !now.get().signature().equals(first.stat())) {
            return false;
        }
        if (mine.isPresent() && mine.get().signature().ino() == now.get().signature().ino()) {
            done.done(from, target, applier.applyMetadata(rel, target, expected), announce);
        } else {
            done.done(from, target, finisher.linkTo(target, first, expected), announce);
        }
        return true;
    }

    /**
     * Inline content: checked against its hash and staged under a fresh temp name (its parents made
     * here); the batch's install writes it into that temp file on the I/O pool, beside the others.
     */
    private void stageInline(String from, FileRecord target, byte[] inline, boolean announce) throws IOException {
        ContentCopy.verify(inline, target);
        staged.stage(from, target, applier.tempPathFor(target.path()), inline, announce);
    }

    /** Copies the content from another local file with the same hash (renames, copies): no bytes on the wire. */
    private boolean copyLocal(StoredFile source, String from, FileRecord target, StatSignature expected,
                              boolean announce) throws IOException {
        Path src;
        try {
            src = applier.resolve(source.record().path());
        } catch (IOException e) {
            return false;
        }
        Optional<EntryReader.Lstat> st = EntryReader.lstat(src);
        if (st.isEmpty() || !st.get().signature().equals(source.stat())) {
            return false;
        }
        Path temp = applier.copyToTemp(target.path(), src);
        try {
            ContentCopy.verify(temp, target);
        } catch (IOException e) {
            applier.discardTemp(temp);
            return false;
        } catch (RuntimeException e) {
            applier.discardTemp(temp);
            throw e;
        }
        // commitFile removes the temp file when it fails
        done.done(from, target, applier.commitFile(target.path(), temp, target, expected), announce);
        return true;
    }
}
