package io.syncnode.node.engine;

import io.syncnode.node.apply.Applier;
import io.syncnode.node.conflict.ConflictScript;
import io.syncnode.node.conflict.ScriptAnswer;
import io.syncnode.node.conflict.ScriptFiles;
import io.syncnode.node.fetch.Fetcher;
import io.syncnode.node.index.StoredConflict;
import io.syncnode.node.index.StoredFile;
import io.syncnode.protocol.FileType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Settles the open conflicts of one folder: by the operator ({@code syncnode resolve}) or by the
 * folder's conflict script, which runs on a thread of its own ({@code conflict-script}, one run at a
 * time, with the script's timeout) and hands its answer back to the folder's worker. Every change
 * of the index and the disk happens on the folder's worker, through {@link ConflictOutcomes}'
 * {@code resolve*} methods; the remote side's content is fetched into the folder's work directory
 * first.
 */
final class ConflictSettler implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ConflictSettler.class.getName());

    /** What the settler needs of its folder. */
    interface Folder {
        String name();

        String selfName();

        Path root();

        /** Where work files (the sides handed to a script, its output) go. */
        Path workDir();

        boolean paused();

        /** The folder's worker. */
        Executor worker();

        /** The folder's worker, except that work waits while the folder is paused. */
        Executor remoteSide();

        /** {@code step} as a worker task that logs and contains its failure. */
        Runnable guard(String what, FolderSync.Step step);

        /** Writes the index buffer (and announces what it holds). */
        void flush();

        /** The name of the node with id {@code id}. */
        String nodeName(long id);
    }

    /** A script's answer and the work file that held the remote side (null for a delete). */
    private record ScriptRun(ScriptAnswer answer, Path remoteFile) {
    }

    private final Folder folder;
    private final IndexBuffer buffer;
    private final ConflictOutcomes remote;
    private final Applier applier;
    private final Fetcher fetcher;
    private final ConflictScript script;
    private final ExecutorService scriptRunner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "conflict-script");
        t.setDaemon(true);
        return t;
    });

    /** @param script the folder's conflict script, or null when it has none */
    ConflictSettler(Folder folder, IndexBuffer buffer, ConflictOutcomes remote, Applier applier, Fetcher fetcher,
                    ConflictScript script) {
        this.folder = folder;
        this.buffer = buffer;
        this.remote = remote;
        this.applier = applier;
        this.fetcher = fetcher;
        this.script = script;
    }

    @Override
    public void close() {
        scriptRunner.shutdownNow();
    }

    /**
     * Settles the open conflict of {@code path}: {@code keep} is "local", "remote", or the name of
     * the node whose version wins. The result is a new version that dominates both and propagates.
     */
    CompletableFuture<Void> resolve(String path, String keep) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        folder.worker().execute(() -> {
            try {
                if (folder.paused()) {
                    throw new IllegalStateException("folder " + folder.name() + " is paused on this node; `syncnode resume "
                            + folder.name() + "` first");
                }
                StoredConflict c = buffer.conflict(path);
                if (c == null) {
                    throw new IllegalArgumentException("no open conflict at " + path + " in folder " + folder.name());
                }
                if (keep.equals("local") || keep.equals(folder.selfName())) {
                    remote.resolveKeepLocal(path);
                    folder.flush();
                    done.complete(null);
                } else if (keep.equals("remote") || keep.equals(c.remoteNode())) {
                    withRemoteContent(c).whenComplete((file, err) -> folder.worker().execute(() -> {
                        try {
                            if (err != null) {
                                throw err instanceof java.util.concurrent.CompletionException ? err.getCause() : err;
                            }
                            if (folder.paused()) {
                                throw new IllegalStateException("folder " + folder.name() + " was paused meanwhile;"
                                        + " resolve again after `syncnode resume " + folder.name() + "`");
                            }
                            remote.resolveWith(path, c.remote(), file);
                            folder.flush();
                            done.complete(null);
                        } catch (Throwable t) {
                            done.completeExceptionally(t);
                        } finally {
                            discardWork(file);
                        }
                    }));
                } else {
                    throw new IllegalArgumentException("node \"" + keep + "\" holds no version of " + path
                            + " (this node is " + folder.selfName() + ", the other version is " + c.remoteNode() + "'s)");
                }
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        return done;
    }

    /** Fetches the remote version's content into a work file (null for a delete or a non-file). */
    private CompletableFuture<Path> withRemoteContent(StoredConflict c) throws IOException {
        if (c.remote().deleted() || c.remote().type() != FileType.REGULAR) {
            return CompletableFuture.completedFuture(null);
        }
        Path file = new ScriptFiles(folder.workDir()).newRemote();
        return fetcher.fetch(c.remoteNode(), folder.name(), c.remote(), file, List.of()).whenComplete((f, err) -> {
            if (err != null) {
                discardWork(file);
            }
        });
    }

    private static void discardWork(Path file) {
        if (file != null) {
            Fetcher.discard(file);
        }
    }

    /** Runs the folder's script for an open conflict this node is to settle (worker thread). */
    void runScript(StoredConflict c) {
        String path = c.path();
        StoredFile cur = buffer.current(path);
        boolean files = (cur == null || cur.record().deleted() || cur.record().type() == FileType.REGULAR)
                && (c.remote().deleted() || c.remote().type() == FileType.REGULAR);
        if (script == null || !files) {
            LOG.warning(() -> folder.name() + ": conflict on " + path + " left open for `syncnode resolve`: "
                    + (script == null ? "no script configured" : "scripts settle regular files only"));
            return;
        }
        try {
            ScriptFiles work = new ScriptFiles(folder.workDir());
            Path localCopy = cur != null && !cur.record().deleted() ? work.copyOfLocal(applier.openForReading(path)) : null;
            Path output = work.newOutput();
            ConflictScript.Context base = new ConflictScript.Context(folder.name(), folder.root(), path, localCopy, null,
                    cur == null ? folder.selfName() : folder.nodeName(cur.record().modifiedBy()),
                    folder.nodeName(c.remote().modifiedBy()), cur == null ? 0 : cur.record().mtimeNs(),
                    c.remote().mtimeNs(), output, "file");
            withRemoteContent(c).thenApplyAsync(remoteFile -> {
                if (remoteFile != null) {
                    ScriptFiles.readOnly(remoteFile);
                }
                ConflictScript.Context ctx = new ConflictScript.Context(base.folder(), base.root(), base.path(),
                        base.local(), remoteFile, base.localNode(), base.remoteNode(), base.localMtimeNs(),
                        base.remoteMtimeNs(), base.output(), base.scope());
                return new ScriptRun(script.run(ctx), remoteFile);
            }, scriptRunner).whenComplete((run, err) -> folder.remoteSide().execute(folder.guard(
                    "settling " + path + " by script", () -> {
                        Path remoteFile = run == null ? null : run.remoteFile();
                        try {
                            ScriptAnswer answer = err != null ? new ScriptAnswer.Failed(String.valueOf(err.getMessage()))
                                    : run.answer();
                            applyAnswer(c, answer, remoteFile);
                        } finally {
                            discardWork(localCopy);
                            discardWork(remoteFile);
                            discardWork(output);
                        }
                    })));
        } catch (IOException e) {
            LOG.log(Level.WARNING, folder.name() + ": preparing the script for " + path + " failed; the conflict stays open", e);
        }
    }

    private void applyAnswer(StoredConflict c, ScriptAnswer answer, Path remoteFile) throws IOException {
        String path = c.path();
        StoredConflict still = buffer.conflict(path);
        if (still == null || !still.remote().version().equals(c.remote().version())) {
            return; // settled or superseded meanwhile
        }
        if (answer instanceof ScriptAnswer.KeepLocal) {
            remote.resolveKeepLocal(path);
        } else if (answer instanceof ScriptAnswer.KeepRemote) {
            remote.resolveWith(path, c.remote(), remoteFile);
        } else if (answer instanceof ScriptAnswer.KeepBoth) {
            remote.resolveBoth(path, remoteFile);
        } else if (answer instanceof ScriptAnswer.Merged m) {
            remote.resolveMerged(path, m.output());
        } else if (answer instanceof ScriptAnswer.Failed f) {
            LOG.warning(() -> folder.name() + ": script for " + path + " gave no answer (" + f.reason()
                    + "); the conflict stays open: settle it with `syncnode resolve`");
            return;
        } else {
            throw new IllegalStateException("unhandled script answer " + answer); // a new kind must be handled here
        }
        folder.flush();
    }
}
