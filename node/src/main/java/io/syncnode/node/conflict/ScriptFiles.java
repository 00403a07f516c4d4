package io.syncnode.node.conflict;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The files a conflict script works on, in the folder's work directory ({@code
 * <state-dir>/work/<folder>}, inside the 0700 state directory): read-only copies of the two
 * versions and the name of the merged output. Each file has a fresh name ({@code O_EXCL}).
 */
public final class ScriptFiles {
    private final Path workDir;

    public ScriptFiles(Path workDir) {
        this.workDir = workDir;
    }

    /** A new empty file for the remote version, to fetch into. */
    public Path newRemote() throws IOException {
        Files.createDirectories(workDir);
        return Files.createTempFile(workDir, "remote-", ".tmp");
    }

    /**
     * A read-only copy of the local version, read from {@code local} (opened by the applier as it
     * reaches the folder's entries: never through a symlink, see {@code Applier.openForReading}),
     * which is closed here.
     */
    public Path copyOfLocal(InputStream local) throws IOException {
        Files.createDirectories(workDir);
        Path copy = Files.createTempFile(workDir, "local-", ".tmp");
        try (InputStream in = local) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("r--r--r--"));
        return copy;
    }

    /** Makes {@code file} (a copy given to the script) read-only for everyone. */
    public static void readOnly(Path file) {
        file.toFile().setWritable(false, false);
    }

    /** A name, not yet taken, for the script's merged output. */
    public Path newOutput() throws IOException {
        Files.createDirectories(workDir);
        return workDir.resolve("merged-" + Long.toHexString(System.nanoTime()));
    }
}
