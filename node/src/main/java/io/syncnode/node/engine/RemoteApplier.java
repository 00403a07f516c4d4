package io.syncnode.node.engine;

import io.syncnode.node.apply.Applier;
import io.syncnode.node.apply.LocalChangedException;
import io.syncnode.node.fetch.FetchFailedException;
import io.syncnode.node.fetch.Fetcher;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.index.StoredFile;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.node.wire.Message;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.Plan;
import io.syncnode.protocol.Reconciler;
import io.syncnode.protocol.StatSignature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries out what the {@link Reconciler} decides for announced records: acknowledges, merges
 * versions, or applies the remote entry. Content comes, in order of preference, from the local
 * entry itself (metadata-only change), inline in the announcement, a local file with the same hash
 * (renames, copies), or a fetch from the announcing node as a delta against the local basis.
 * Fetches run in two lanes, so that large files never hold up small ones; a large interrupted
 * transfer keeps its partial result as the head of the next attempt's basis.
 *
 * <p>Confined to the folder's worker thread; finished transfers come back to it through
 * {@code worker}.
 */
final class RemoteApplier {
    private static final Logger LOG = Logger.getLogger(RemoteApplier.class.getName());
    /** Files at least this big go to the big-file lane, so that they never hold up small ones. */
    static final long BIG_FILE = 8L << 20;
    private static final int MAX_SMALL_FETCHES = 12;
    private static final int MAX_BIG_FETCHES = 2;
    /** An interrupted transfer of at least this size keeps what it received, as a basis for the retry. */
    static final long KEEP_PARTIAL = 1L << 20;

    private final String folder;
    private final IndexBuffer buffer;
    private final SqliteIndexStore store;
    private final Applier applier;
    private final Reconciler reconciler;
    private final Fetcher fetcher;
    private final Executor worker;
    private final BiFunction<String, FolderSync.Step, Runnable> guard;
    private final BiPredicate<String, Boolean> ignored;
    private final Consumer<String> scanLater;
    private final Map<String, String> problems;
    private final NodeCounters counters;

    private final Map<String, FileRecord> fetching = new HashMap<>();
    private final FetchLane smallLane = new FetchLane(MAX_SMALL_FETCHES);
    private final FetchLane bigLane = new FetchLane(MAX_BIG_FETCHES);
    /** path -> what an interrupted transfer of that path received so far (a prefix of {@code hash}'s content). */
    private final Map<String, Partial> partials = new HashMap<>();

    private record Partial(ContentHash hash, Path file) {
    }

    /** A queue of fetches with a bound on how many run at once (worker thread only). */
    private static final class FetchLane {
        final int max;
        final ArrayDeque<Runnable> queue = new ArrayDeque<>();
        int active;

        FetchLane(int max) {
            this.max = max;
        }

        void add(Runnable start) {
            queue.add(start);
            drain();
        }

        void finished() {
            active--;
            drain();
        }

        void drain() {
            while (active < max && !queue.isEmpty()) {
                active++;
                queue.poll().run();
            }
        }

        int size() {
            return active + queue.size();
        }
    }

    RemoteApplier(String folder, IndexBuffer buffer, SqliteIndexStore store, Applier applier, Reconciler reconciler,
                  Fetcher fetcher, Executor worker, BiFunction<String, FolderSync.Step, Runnable> guard,
                  BiPredicate<String, Boolean> ignored, Consumer<String> scanLater, Map<String, String> problems,
                  NodeCounters counters) {
        this.folder = folder;
        this.buffer = buffer;
        this.store = store;
        this.applier = applier;
        this.reconciler = reconciler;
        this.fetcher = fetcher;
        this.worker = worker;
        this.guard = guard;
        this.ignored = ignored;
        this.scanLater = scanLater;
        this.problems = problems;
        this.counters = counters;
    }

    /** Fetches running or queued. */
    int pendingFetches() {
        return smallLane.size() + bigLane.size();
    }

    /** Reconciles and applies one batch: live records in path order, then tombstones children first. */
    void applyUpdate(String from, Message.IndexUpdate update) {
        List<Message.Announced> live = new ArrayList<>();
        List<Message.Announced> deletes = new ArrayList<>();
        for (Message.Announced a : update.files()) {
            (a.record().deleted() ? deletes : live).add(a);
        }
        live.sort(Comparator.comparing(a -> a.record().path()));
        deletes.sort(Comparator.comparing((Message.Announced a) -> a.record().path()).reversed());
        for (Message.Announced a : live) {
            applyOne(from, a);
        }
        for (Message.Announced a : deletes) {
            applyOne(from, a);
        }
        buffer.flush();
    }

    private void applyOne(String from, Message.Announced a) {
        FileRecord remote = a.record();
        String rel = remote.path();
        if (ignored.test(rel, remote.type() == FileType.DIRECTORY)) {
            buffer.ack(from, rel, remote.version());
            return;
        }
        StoredFile cur = buffer.current(rel);
        Plan plan = reconciler.plan(cur == null ? null : cur.record(), remote);
        if (plan instanceof Plan.Acknowledge) {
            buffer.ack(from, rel, cur.record().version());
        } else if (plan instanceof Plan.MergeVersions m) {
            buffer.put(new IndexBuffer.Put(m.merged(), cur.stat(), true, from, null, false));
            buffer.ack(from, rel, m.merged().version());
        } else if (plan instanceof Plan.KeepLocal k) {
            LOG.info(() -> folder + ": conflict on " + rel + ": keeping this node's version over " + from + "'s");
            buffer.put(IndexBuffer.Put.local(k.updated(), cur.stat(), null));
            buffer.ack(from, rel, k.updated().version());
        } else if (plan instanceof Plan.TakeRemote t) {
            if (t.concurrent()) {
                LOG.info(() -> folder + ": conflict on " + rel + ": taking " + from + "'s version");
            }
            try {
                take(from, t.target(), a.inlineContent(), cur);
            } catch (LocalChangedException e) {
                scanLater.accept(rel);
            } catch (DirectoryNotEmptyException e) {
                problems.put(rel, "directory not empty: kept (it holds entries the delete did not cover)");
                scanLater.accept(rel);
            } catch (IOException | RuntimeException e) {
                problems.put(rel, "apply failed: " + e.getMessage());
                LOG.log(Level.WARNING, folder + ": applying " + rel + " from " + from + " failed; retried at the"
                        + " next digest exchange", e);
            }
        }
    }

    private static StatSignature expectedOf(StoredFile cur) {
        return cur == null || cur.record().deleted() ? null : cur.stat();
    }

    /** Makes {@code target} the local version. Content comes inline, from a local copy, or by fetch. */
    private void take(String from, FileRecord target, byte[] inline, StoredFile cur) throws IOException {
        String rel = target.path();
        StatSignature expected = expectedOf(cur);
        if (target.deleted()) {
            applier.delete(rel, expected);
            done(from, target, null);
            return;
        }
        switch (target.type()) {
            case DIRECTORY -> done(from, target, applier.applyDirectory(rel, target, expected));
            case SYMLINK -> done(from, target, applier.applySymlink(rel, target, expected));
            case REGULAR -> takeRegular(from, target, inline, cur, expected);
            default -> {
                problems.put(rel, target.type() + " entries are not supported yet; skipped");
                buffer.ack(from, rel, target.version());
            }
        }
    }

    private void done(String from, FileRecord target, StatSignature stat) {
        buffer.put(IndexBuffer.Put.taken(target, stat));
        buffer.ack(from, target.path(), target.version());
        counters.filesApplied.incrementAndGet();
        problems.remove(target.path());
    }

    private void takeRegular(String from, FileRecord target, byte[] inline, StoredFile cur, StatSignature expected)
            throws IOException {
        String rel = target.path();
        if (cur != null && !cur.record().deleted() && cur.record().type() == FileType.REGULAR
                && target.hash().equals(cur.record().hash())) {
            done(from, target, applier.applyMetadata(rel, target, expected));
            return;
        }
        if (inline != null) {
            Path temp = applier.createTemp(rel);
            try {
                Files.write(temp, inline);
                verify(temp, target);
                done(from, target, applier.commitFile(rel, temp, target, expected));
            } finally {
                Fetcher.discard(temp);
            }
            return;
        }
        Optional<StoredFile> local = store.findLiveByHash(folder, target.hash());
        if (local.isPresent() && copyLocal(local.get(), from, target, expected)) {
            return;
        }
        FileRecord already = fetching.put(rel, target);
        if (already != null && already.hash().equals(target.hash())) {
            return; // the running fetch brings the same content; its commit uses the newest record
        }
        FetchLane lane = target.size() >= BIG_FILE ? bigLane : smallLane;
        lane.add(() -> startFetch(from, target, lane));
    }

    /** Copies the content from another local file with the same hash (renames, copies): no bytes on the wire. */
    private boolean copyLocal(StoredFile source, String from, FileRecord target, StatSignature expected)
            throws IOException {
        Path src;
        try {
            src = applier.resolve(source.record().path());
        } catch (IOException e) {
            return false;
        }
        Optional<EntryReader.Lstat> st = EntryReader.lstat(src);
        if (st.isEmpty() || !st.get().normalised().equals(source.stat())) {
            return false;
        }
        Path temp = applier.createTemp(target.path());
        try {
            try (InputStream in = Files.newInputStream(src, LinkOption.NOFOLLOW_LINKS);
                 OutputStream out = Files.newOutputStream(temp, StandardOpenOption.TRUNCATE_EXISTING)) {
                in.transferTo(out);
            }
            try {
                verify(temp, target);
            } catch (IOException e) {
                return false;
            }
            done(from, target, applier.commitFile(target.path(), temp, target, expected));
            return true;
        } finally {
            Fetcher.discard(temp);
        }
    }

    private static void verify(Path temp, FileRecord target) throws IOException {
        MessageDigest sha = EntryReader.sha256();
        long n = 0;
        try (InputStream in = Files.newInputStream(temp)) {
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) > 0) {
                sha.update(buf, 0, r);
                n += r;
            }
        }
        if (n != target.size() || !ContentHash.of(sha.digest()).equals(target.hash())) {
            throw new IOException("content of " + target.path() + " does not match its hash; not applied");
        }
    }

    /**
     * The local files a delta for {@code target} is computed against: what an interrupted transfer
     * of the same content received, then the current version at the path.
     */
    private List<Path> basisFor(FileRecord target) {
        List<Path> basis = new ArrayList<>();
        Partial partial = partials.get(target.path());
        if (partial != null) {
            if (partial.hash().equals(target.hash()) && Files.exists(partial.file(), LinkOption.NOFOLLOW_LINKS)) {
                basis.add(partial.file());
            } else {
                partials.remove(target.path());
                Fetcher.discard(partial.file());
            }
        }
        StoredFile cur = buffer.current(target.path());
        if (cur != null && !cur.record().deleted() && cur.record().type() == FileType.REGULAR && cur.stat() != null
                && cur.record().size() > 0) {
            try {
                basis.add(applier.resolve(target.path()));
            } catch (IOException e) {
                LOG.fine(() -> folder + ": no basis for " + target.path() + ": " + e.getMessage());
            }
        }
        return basis;
    }

    private void startFetch(String from, FileRecord target, FetchLane lane) {
        String rel = target.path();
        Path temp;
        try {
            temp = applier.createTemp(rel);
        } catch (IOException e) {
            lane.finished();
            fetching.remove(rel);
            problems.put(rel, "cannot create temp file: " + e.getMessage());
            return;
        }
        fetcher.fetch(from, folder, target, temp, basisFor(target)).whenComplete((file, err) -> worker.execute(guard.apply(
                "committing " + rel, () -> {
                    boolean keep = false;
                    try {
                        keep = finishFetch(from, target, temp, err);
                    } finally {
                        if (!keep) {
                            Fetcher.discard(temp);
                        }
                        lane.finished();
                    }
                })));
    }

    /** Returns true when {@code temp} is kept as the partial result of an interrupted transfer. */
    private boolean finishFetch(String from, FileRecord fetched, Path temp, Throwable err) throws IOException {
        String rel = fetched.path();
        FileRecord want = fetching.get(rel);
        if (want == null || !want.hash().equals(fetched.hash())) {
            return false; // superseded by a newer version with other content
        }
        fetching.remove(rel);
        if (err != null) {
            Throwable cause = err instanceof java.util.concurrent.CompletionException ? err.getCause() : err;
            if (!(cause instanceof FetchFailedException f && f.sourceChanged())) {
                problems.put(rel, String.valueOf(cause.getMessage()));
                LOG.warning(() -> folder + ": " + cause.getMessage() + "; retried at the next digest exchange");
            }
            return keepPartial(fetched, temp);
        }
        Partial partial = partials.remove(rel);
        if (partial != null) {
            Fetcher.discard(partial.file());
        }
        StoredFile cur = buffer.current(rel);
        if (cur != null && !want.version().covers(cur.record().version())) {
            return false; // a newer or concurrent local version arrived meanwhile; it is reconciled on its own
        }
        if (cur != null && cur.record().version().equals(want.version()) && cur.stat() != null) {
            return false; // already applied
        }
        try {
            done(from, want, applier.commitFile(rel, temp, want, expectedOf(cur)));
        } catch (LocalChangedException e) {
            scanLater.accept(rel);
        }
        buffer.flush();
        return false;
    }

    /** Keeps what a large interrupted transfer received (a prefix of the content) for the retry. */
    private boolean keepPartial(FileRecord fetched, Path temp) {
        if (fetched.size() < KEEP_PARTIAL) {
            return false;
        }
        try {
            if (Files.size(temp) == 0) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        Partial old = partials.put(fetched.path(), new Partial(fetched.hash(), temp));
        if (old != null && !old.file().equals(temp)) {
            Fetcher.discard(old.file());
        }
        return true;
    }

}
