package io.syncnode.node;

import io.syncnode.node.control.ContentDiffView;
import io.syncnode.node.control.ControlHandler.ControlException;
import io.syncnode.node.control.DiffView;
import io.syncnode.node.engine.FolderSync;
import io.syncnode.node.engine.IndexQueries;
import io.syncnode.node.index.SqliteIndexStore;
import io.syncnode.node.index.StoredFile;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.WireCodec;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.IndexDiff;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.RelativePath;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The {@code diff} verbs on a running node: asks the peers for their records of a folder (through
 * {@link IndexQueries}), compares them with this node's index ({@link IndexDiff}) and answers the
 * views; for {@code --content}, the text of one small file on each side. Runs on a control
 * connection's thread, which waits (bounded) for the peers' answers; thread-safe.
 */
final class NodeDiff {
    /** The longest a control thread waits for all peers' answers (each page has its own timeout). */
    static final long MAX_WAIT_MINUTES = 10;

    private final Map<String, FolderSync> folders;
    private final SqliteIndexStore store;
    private final IndexQueries queries;
    private final Supplier<Set<String>> members;
    private final String self;

    NodeDiff(Map<String, FolderSync> folders, SqliteIndexStore store, IndexQueries queries,
             Supplier<Set<String>> members, String self) {
        this.folders = folders;
        this.store = store;
        this.queries = queries;
        this.members = members;
        this.self = self;
    }

    DiffView diff(String folder, String peer, List<String> paths) throws ControlException {
        List<String> wanted = wanted(paths);
        checkPeer(peer);
        Map<String, CompletableFuture<List<Message.Announced>>> asked = new LinkedHashMap<>();
        for (FolderSync f : selected(folder)) {
            for (String member : targets(f, peer, folder != null)) {
                asked.put(f.name() + "\n" + member, queries.ask(member, f.name(), wanted, false));
            }
        }
        if (asked.isEmpty()) {
            throw new ControlException(peer != null ? "no folder" + (folder != null ? " " + folder : "")
                    + " of this node is shared with " + peer
                    : "no other member shares " + (folder != null ? "folder " + folder : "a folder") + " now; nothing"
                    + " to compare with (see `syncnode peers`)");
        }
        Map<String, List<FileRecord>> locals = new LinkedHashMap<>();
        List<DiffView.Compared> compared = new ArrayList<>();
        List<DiffView.Difference> out = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<List<Message.Announced>>> e : asked.entrySet()) {
            String name = e.getKey().substring(0, e.getKey().indexOf('\n'));
            String member = e.getKey().substring(name.length() + 1);
            List<FileRecord> theirs = wait(e.getValue(), member, name).stream().map(Message.Announced::record).toList();
            List<FileRecord> mine = locals.computeIfAbsent(name, n -> local(n, wanted));
            compared.add(new DiffView.Compared(name, member, live(mine), live(theirs)));
            for (IndexDiff.Difference d : IndexDiff.compare(mine, theirs)) {
                out.add(new DiffView.Difference(name, d.path(), member,
                        d.kinds().stream().map(IndexDiff.Kind::label).toList(), side(d.here()), side(d.there())));
            }
        }
        return new DiffView(self, compared, out);
    }

    List<ContentDiffView> diffContent(String folder, String peer, String path) throws ControlException {
        String rel = wanted(List.of(path)).stream().findFirst()
                .orElseThrow(() -> new ControlException("--content needs a file, not the folder root"));
        checkPeer(peer);
        FolderSync f = selected(folder).get(0);
        Map<String, CompletableFuture<List<Message.Announced>>> asked = new LinkedHashMap<>();
        for (String member : targets(f, peer, true)) {
            asked.put(member, queries.ask(member, f.name(), List.of(rel), true));
        }
        if (asked.isEmpty()) {
            throw new ControlException(peer != null ? "folder " + folder + " is not shared with " + peer
                    : "no other member shares folder " + folder + " now; nothing to compare with");
        }
        FileRecord here = store.get(f.name(), rel).map(StoredFile::record).filter(r -> !r.deleted()).orElse(null);
        String hereText = text(here, here == null ? null : queries.contentOf(f.root(), here), self, rel);
        List<ContentDiffView> out = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<List<Message.Announced>>> e : asked.entrySet()) {
            Optional<Message.Announced> a = wait(e.getValue(), e.getKey(), f.name()).stream()
                    .filter(x -> !x.record().deleted()).findFirst();
            String thereText = text(a.map(Message.Announced::record).orElse(null),
                    a.map(Message.Announced::inlineContent).orElse(null), e.getKey(), rel);
            if (here == null && a.isEmpty()) {
                throw new ControlException("no file " + NameCodec.display(rel) + " in folder " + f.name()
                        + " here or on " + e.getKey());
            }
            out.add(new ContentDiffView(f.name(), rel, e.getKey(), hereText, thereText));
        }
        return out;
    }

    /**
     * The text of {@code r} with content {@code bytes} as {@code node} holds it (null when there
     * is no such file), or the refusal that says why there is none to show.
     */
    private static String text(FileRecord r, byte[] bytes, String node, String rel) throws ControlException {
        if (r == null) {
            return null;
        }
        String what = NameCodec.display(rel) + " on " + node;
        if (r.type() != FileType.REGULAR) {
            throw new ControlException(what + " is a " + typeName(r.type()) + "; --content compares regular files"
                    + " (`syncnode diff` shows how the entries differ)");
        }
        if (r.size() > WireCodec.MAX_INLINE) {
            throw new ControlException(what + " has " + r.size() + " bytes; --content shows files of at most "
                    + WireCodec.MAX_INLINE + " bytes (`syncnode diff` shows whether the content differs)");
        }
        if (bytes == null) {
            throw new ControlException(what + " changed on disk since that node last scanned it; try again when"
                    + " it has settled (or run `syncnode check` there)");
        }
        for (byte b : bytes) {
            if (b == 0) {
                throw new ControlException(what + " is a binary file (it holds NUL bytes); --content shows text"
                        + " files only (`syncnode diff` shows whether the content differs)");
            }
        }
        return NameCodec.decode(bytes);
    }

    private List<FileRecord> local(String folder, List<String> wanted) {
        Map<String, FileRecord> records = new LinkedHashMap<>();
        if (wanted.isEmpty()) {
            store.forEach(folder, s -> records.put(s.record().path(), s.record()));
        }
        for (String path : wanted) {
            store.get(folder, path).ifPresent(s -> records.put(path, s.record()));
            for (StoredFile s : store.under(folder, path)) {
                records.put(s.record().path(), s.record());
            }
        }
        return new ArrayList<>(records.values());
    }

    private static long live(List<FileRecord> records) {
        return records.stream().filter(r -> !r.deleted()).count();
    }

    static List<Message.Announced> wait(CompletableFuture<List<Message.Announced>> answer, String member,
                                         String folder) throws ControlException {
        try {
            return answer.get(MAX_WAIT_MINUTES, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw new ControlException("cannot compare folder " + folder + " with " + member + ": "
                    + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new ControlException("cannot compare folder " + folder + " with " + member + ": no complete answer"
                    + " within " + MAX_WAIT_MINUTES + " min");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException("interrupted while waiting for " + member);
        }
    }

    /** The paths asked for, validated; empty for the whole folder. */
    private static List<String> wanted(List<String> paths) throws ControlException {
        List<String> out = new ArrayList<>();
        for (String p : paths) {
            if (p.isEmpty() || p.equals(RelativePath.ROOT)) {
                return List.of();
            }
            String problem = RelativePath.problem(p);
            if (problem != null) {
                throw new ControlException("path \"" + NameCodec.display(p) + "\": " + problem);
            }
            out.add(p);
        }
        if (out.size() > WireCodec.MAX_QUERY_PATHS) {
            throw new ControlException(out.size() + " paths; diff compares at most " + WireCodec.MAX_QUERY_PATHS
                    + " at once (name a directory to compare everything below it)");
        }
        return out;
    }

    private void checkPeer(String peer) throws ControlException {
        if (peer == null) {
            return;
        }
        if (peer.equals(self)) {
            throw new ControlException("'" + peer + "' is this node; name another member to compare with");
        }
        if (!members.get().contains(peer)) {
            throw new ControlException("'" + NameCodec.display(peer) + "' is not a member of the cluster now"
                    + " (members: " + String.join(", ", new java.util.TreeSet<>(members.get())) + ")");
        }
    }

    /** The members to compare {@code f} with: {@code peer} or every other member, those sharing it. */
    private List<String> targets(FolderSync f, String peer, boolean folderNamed) throws ControlException {
        if (peer != null) {
            if (!f.sharedWith(peer)) {
                if (folderNamed) {
                    throw new ControlException("folder " + f.name() + " is not shared with " + peer
                            + " ([[folder]] nodes)");
                }
                return List.of();
            }
            return List.of(peer);
        }
        return members.get().stream().filter(m -> !m.equals(self) && f.sharedWith(m)).sorted().toList();
    }

    private List<FolderSync> selected(String folder) throws ControlException {
        if (folder == null) {
            return List.copyOf(folders.values());
        }
        FolderSync f = folders.get(folder);
        if (f == null) {
            throw new ControlException("no folder named \"" + folder + "\" on this node (have: "
                    + String.join(", ", folders.keySet()) + ")");
        }
        return List.of(f);
    }

    private static DiffView.Side side(FileRecord r) {
        if (r == null) {
            return null;
        }
        List<String> xattrs = new ArrayList<>();
        r.xattrs().forEach(x -> xattrs.add(x.getKey()));
        return new DiffView.Side(typeName(r.type()), String.format("%04o", r.mode()), r.uid(), r.gid(),
                Instant.ofEpochSecond(0, r.mtimeNs()).toString(), r.size(), r.hash() == null ? null : r.hash().hex(),
                r.symlinkTarget(), r.rdev(), xattrs);
    }

    static String typeName(FileType type) {
        return switch (type) {
            case REGULAR -> "file";
            case DIRECTORY -> "dir";
            case SYMLINK -> "symlink";
            case CHAR_DEVICE -> "char";
            case BLOCK_DEVICE -> "block";
            case FIFO -> "fifo";
        };
    }
}
