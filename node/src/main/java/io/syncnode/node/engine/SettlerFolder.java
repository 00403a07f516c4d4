package io.syncnode.node.engine;

import java.nio.file.Path;
import java.util.concurrent.Executor;

/**
 * What the {@link ConflictSettler} sees of its folder, read from the folder's
 * {@link FolderContext}; {@code flush} is the folder's commit step. Called on the folder's worker,
 * except {@link #paused} and the executors, which any thread may use.
 */
final class SettlerFolder implements ConflictSettler.Folder {
    private final FolderContext folder;
    private final Path workDir;
    private final Runnable flush;

    /** @param workDir where work files (the sides handed to a script, its output) go */
    SettlerFolder(FolderContext folder, Path workDir, Runnable flush) {
        this.folder = folder;
        this.workDir = workDir;
        this.flush = flush;
    }

    @Override
    public String name() {
        return folder.name();
    }

    @Override
    public String selfName() {
        return folder.selfName();
    }

    @Override
    public Path root() {
        return folder.root();
    }

    @Override
    public Path workDir() {
        return workDir;
    }

    @Override
    public boolean paused() {
        return folder.worker().paused();
    }

    @Override
    public Executor worker() {
        return folder.worker().executor();
    }

    @Override
    public Executor remoteSide() {
        return folder.worker().remoteSide();
    }

    @Override
    public Runnable guard(String what, FolderSync.Step step) {
        return folder.guard(what, step);
    }

    @Override
    public void flush() {
        flush.run();
    }

    @Override
    public String nodeName(long id) {
        return folder.nodeName().apply(id);
    }
}
