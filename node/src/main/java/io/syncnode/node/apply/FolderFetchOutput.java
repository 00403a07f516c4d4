package io.syncnode.node.apply;

import io.syncnode.node.fetch.Fetcher;
import io.syncnode.node.os.ConfinedReads;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Where a fetch into a folder writes and what it reads: its temp file as the applier creates it
 * ({@link Applier#openTemp}: O_EXCL, 0600, beneath the folder root), and its basis files (the
 * partial result, the current version: both in the folder) read beneath the folder root without
 * following symlinks.
 */
public final class FolderFetchOutput implements Fetcher.Output {
    private final Applier applier;

    public FolderFetchOutput(Applier applier) {
        this.applier = applier;
    }

    @Override
    public FileChannel open(Path file, boolean again) throws IOException {
        return applier.openTemp(file, again);
    }

    @Override
    public FileChannel read(Path file) throws IOException {
        return ConfinedReads.openRegular(applier.root(), file);
    }
}
