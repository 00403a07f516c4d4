package io.syncnode.node.engine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.syncnode.node.apply.Applier;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.index.StoredFile;
import io.syncnode.node.scan.DiskEntry;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import io.syncnode.node.wire.WireCodec;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.RelativePath;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The index query exchange of {@code syncnode diff} (PROTOCOL.md 4.6 and 5.7): asks a member for
 * its records of a folder, page by page, and answers the members' queries from this node's index.
 *
 * <p>Implementation notes. The asker pulls: it sends page 0, and the next page only when one
 * arrives, so at most one page of a query is in flight and no send lane fills. The answering node
 * reads its records once, at page 0, and keeps them for {@link #KEPT_FOR} (at most
 * {@link #KEPT_ANSWERS} answers) for the pages that follow. Both sides bound what they hold: an
 * asker at most {@link #MAX_OPEN} open queries and {@link #MAX_RECORDS} records each, an answering
 * node at most {@link #MAX_SERVING} reads at once (more are refused, "busy"). A page that does not
 * come within {@link #PAGE_TIMEOUT} fails the query. Answers go only to the member that asked, only
 * for folders shared with it (the router checks, and the outbox cuts to the folder's sharing);
 * answer pages from anyone else are ignored.
 *
 * <p>Thread-safety: thread-safe. {@link #onQuery} and {@link #onAnswer} run on JGroups threads and
 * only hand off (no send, no read); reads and sends run on the serving executor and the scheduler;
 * {@link #ask} may be called from any thread and never waits.
 */
public final class IndexQueries {
    private static final Logger LOG = Logger.getLogger(IndexQueries.class.getName());
    /** How long the asker waits for each page. */
    public static final Duration PAGE_TIMEOUT = Duration.ofSeconds(30);
    /** Most queries one node has open at once. */
    static final int MAX_OPEN = 16;
    /** Most records one answer may bring. */
    static final int MAX_RECORDS = 2_000_000;
    /** Most queries an answering node reads at once. */
    static final int MAX_SERVING = 4;
    static final int KEPT_ANSWERS = 4;
    static final Duration KEPT_FOR = Duration.ofSeconds(60);

    private final Duration pageTimeout;
    private final Map<String, FolderSync> folders;
    private final SqliteIndexStore store;
    private final Outbox outbox;
    private final Executor serving;
    private final ScheduledExecutorService scheduler;
    private final EntryReader reader = new EntryReader(WireCodec.MAX_INLINE);
    private final SecureRandom random = new SecureRandom();
    private final Map<Long, Pending> open = new ConcurrentHashMap<>();
    private final AtomicInteger reading = new AtomicInteger();
    /** Answers read for page 0, by {@link #key}, for the pages that follow. */
    private final Cache<String, List<List<Message.Announced>>> kept = Caffeine.newBuilder().maximumSize(KEPT_ANSWERS)
            .expireAfterAccess(KEPT_FOR).build();
    private final Map<Path, Applier> roots = new ConcurrentHashMap<>();

    /** Why a query failed, for the operator. */
    public static final class QueryFailed extends Exception {
        public QueryFailed(String message) {
            super(message);
        }
    }

    /**
     * @param serving   runs the reads and sends of answers (may wait on the outbox)
     * @param scheduler times out pages and sends the asker's next page query
     */
    public IndexQueries(Map<String, FolderSync> folders, SqliteIndexStore store, Outbox outbox, Executor serving,
                        ScheduledExecutorService scheduler) {
        this(folders, store, outbox, serving, scheduler, PAGE_TIMEOUT);
    }

    /** As above, waiting {@code pageTimeout} for each page (tests). */
    IndexQueries(Map<String, FolderSync> folders, SqliteIndexStore store, Outbox outbox, Executor serving,
                 ScheduledExecutorService scheduler, Duration pageTimeout) {
        this.pageTimeout = pageTimeout;
        this.folders = folders;
        this.store = store;
        this.outbox = outbox;
        this.serving = serving;
        this.scheduler = scheduler;
    }

    /**
     * Asks {@code member} for its records of {@code folder} (all, or of {@code paths} and below;
     * with {@code content}, the one path's record with its content inline when small). Completes
     * with every record, tombstones included, or exceptionally with a {@link QueryFailed}.
     */
    public CompletableFuture<List<Message.Announced>> ask(String member, String folder, List<String> paths,
                                                          boolean content) {
        Pending p = new Pending(random.nextLong(), member, folder, List.copyOf(paths), content);
        if (open.size() >= MAX_OPEN) {
            p.result.completeExceptionally(new QueryFailed("too many index queries open (" + MAX_OPEN
                    + "); try again when the others are done"));
            return p.result;
        }
        open.put(p.id, p);
        p.next();
        return p.result;
    }

    /** A page of an answer (JGroups thread: hands off). */
    public void onAnswer(String from, Message.IndexAnswer a) {
        Pending p = open.get(a.queryId());
        if (p == null || !p.member.equals(from) || !p.folder.equals(a.folder())) {
            LOG.fine(() -> "ignored an index answer of " + from + " to no query of ours (" + a.queryId() + ")");
            return;
        }
        p.page(a);
    }

    /**
     * A member's query (JGroups thread: hands off); {@code shared} is false when this node has no
     * such folder or does not share it with {@code from}: the query is refused, with one text for
     * both, so that the member learns nothing of folders not shared with it.
     */
    public void onQuery(String from, Message.IndexQuery q, boolean shared) {
        if (!shared) {
            refuse(from, q, "no folder " + q.folder() + " is shared with " + from + " on this node");
            return;
        }
        if (q.page() > 0) {
            serving.execute(() -> servePage(from, q));
            return;
        }
        if (reading.incrementAndGet() > MAX_SERVING) {
            reading.decrementAndGet();
            refuse(from, q, "busy answering " + MAX_SERVING + " other index queries; try again");
            return;
        }
        serving.execute(() -> {
            try {
                kept.put(key(from, q), pages(read(q)));
            } catch (RuntimeException e) {
                LOG.warning(() -> "reading the index of " + q.folder() + " for " + from + "'s query failed: " + e);
                outbox.send(from, new Message.IndexAnswer(q.queryId(), q.folder(), List.of(), true,
                        cut("reading the index failed: " + e.getMessage())));
                return;
            } finally {
                reading.decrementAndGet();
            }
            servePage(from, q);
        });
    }

    private void servePage(String from, Message.IndexQuery q) {
        List<List<Message.Announced>> pages = kept.getIfPresent(key(from, q));
        if (pages == null) {
            outbox.send(from, new Message.IndexAnswer(q.queryId(), q.folder(), List.of(), true,
                    "query " + Long.toHexString(q.queryId()) + " expired (more than " + KEPT_FOR.toSeconds()
                            + " s between pages, or this node restarted); ask again"));
            return;
        }
        boolean last = q.page() >= pages.size() - 1;
        if (last) {
            kept.invalidate(key(from, q));
        }
        outbox.send(from, new Message.IndexAnswer(q.queryId(), q.folder(),
                q.page() < pages.size() ? pages.get(q.page()) : List.of(), last, null));
    }

    /**
     * The answer cut in pages of at most {@link WireCodec#MAX_ANSWER_FILES} records and
     * {@link WireCodec#MAX_BATCH_BYTES} (by {@link WireCodec#sizeBound}; a larger record alone);
     * at least one page, maybe empty.
     */
    static List<List<Message.Announced>> pages(List<Message.Announced> all) {
        List<List<Message.Announced>> pages = new java.util.ArrayList<>();
        int from = 0;
        long bytes = 0;
        for (int i = 0; i < all.size(); i++) {
            long len = WireCodec.sizeBound(all.get(i));
            if (i > from && (i - from >= WireCodec.MAX_ANSWER_FILES || bytes + len > WireCodec.MAX_BATCH_BYTES)) {
                pages.add(all.subList(from, i));
                from = i;
                bytes = 0;
            }
            bytes += len;
        }
        pages.add(all.subList(from, all.size()));
        return pages;
    }

    /** What a kept answer is found by: asker, query id and folder (a page names the folder of its page 0). */
    private static String key(String from, Message.IndexQuery q) {
        return from + "/" + Long.toHexString(q.queryId()) + "/" + q.folder();
    }

    private void refuse(String from, Message.IndexQuery q, String why) {
        serving.execute(() -> outbox.send(from, new Message.IndexAnswer(q.queryId(), q.folder(), List.of(), true,
                cut(why))));
    }

    private static String cut(String s) {
        return s.length() <= 200 ? s : s.substring(0, 199);
    }

    /** The records a query asks for, read now, tombstones included (serving executor). */
    private List<Message.Announced> read(Message.IndexQuery q) {
        FolderSync f = folders.get(q.folder());
        if (q.content()) {
            Optional<StoredFile> s = store.get(q.folder(), q.paths().get(0));
            return s.map(x -> List.of(new Message.Announced(x.record(), contentOf(f.root(), x.record()))))
                    .orElse(List.of());
        }
        Map<String, Message.Announced> records = new LinkedHashMap<>();
        java.util.function.Consumer<StoredFile> add = s -> {
            records.put(s.record().path(), new Message.Announced(s.record(), null));
            if (records.size() > MAX_RECORDS) {
                // more than any asker takes: stop reading rather than hold it all
                throw new IllegalStateException("folder " + q.folder() + " has more than " + MAX_RECORDS
                        + " records, more than a diff compares");
            }
        };
        if (q.paths().isEmpty() || q.paths().contains(RelativePath.ROOT)) {
            store.forEach(q.folder(), add);
            return new ArrayList<>(records.values());
        }
        for (String path : q.paths()) {
            store.get(q.folder(), path).ifPresent(add);
            store.under(q.folder(), path).forEach(add);
        }
        return new ArrayList<>(records.values());
    }

    /**
     * The content of {@code r} as this node's disk holds it now, when {@code r} is a live regular
     * file of at most {@link WireCodec#MAX_INLINE} bytes and the file still has the record's hash;
     * else null. Never follows a symlink (parents included).
     */
    public byte[] contentOf(Path root, FileRecord r) {
        if (r.deleted() || r.type() != FileType.REGULAR || r.size() > WireCodec.MAX_INLINE) {
            return null;
        }
        try {
            Applier paths = roots.computeIfAbsent(root, Applier::new);
            Optional<DiskEntry> e = reader.read(paths.resolve(r.path()), r.path());
            return e.isPresent() && r.hash().equals(e.get().hash()) ? e.get().inline() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** One open query of this node: its pages so far and the future its asker holds. */
    private final class Pending {
        final long id;
        final String member;
        final String folder;
        final List<String> paths;
        final boolean content;
        final CompletableFuture<List<Message.Announced>> result = new CompletableFuture<>();
        /** Guarded by this. */
        private final List<Message.Announced> got = new ArrayList<>();
        private int page;
        private ScheduledFuture<?> timeout;

        Pending(long id, String member, String folder, List<String> paths, boolean content) {
            this.id = id;
            this.member = member;
            this.folder = folder;
            this.paths = paths;
            this.content = content;
        }

        /** Sends the query of the next page and arms its timeout (never on a JGroups thread). */
        void next() {
            int asked;
            synchronized (this) {
                asked = page;
                timeout = scheduler.schedule(() -> fail("no answer from " + member + " within "
                        + (pageTimeout.toMillis() % 1000 == 0 ? pageTimeout.toSeconds() + " s" : pageTimeout.toMillis()
                        + " ms") + " (page " + asked + ")"), pageTimeout.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
            // outside the lock: the send may wait briefly, and answers take the lock on JGroups threads
            if (!outbox.send(member, new Message.IndexQuery(id, folder, paths, content, asked))) {
                fail(member + " is not a member of the cluster now (or shares no folder " + folder + " with it)");
            }
        }

        void page(Message.IndexAnswer a) {
            synchronized (this) {
                if (result.isDone()) {
                    return;
                }
                timeout.cancel(false);
                if (a.refused() != null) {
                    fail(member + " refused: " + a.refused());
                    return;
                }
                if (got.size() + a.files().size() > MAX_RECORDS) {
                    fail(member + "'s answer holds more than " + MAX_RECORDS + " records");
                    return;
                }
                got.addAll(a.files());
                if (!a.last()) {
                    page++;
                    scheduler.execute(this::next);
                    return;
                }
            }
            open.remove(id);
            result.complete(List.copyOf(got));
        }

        void fail(String why) {
            open.remove(id);
            result.completeExceptionally(new QueryFailed(why));
        }
    }
}
