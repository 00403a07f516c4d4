package io.syncnode.node.conflict;

import java.io.IOException;
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

    /** A read-only copy of {@code local} (the local version, on disk in the folder). */
    public Path copyOfLocal(Path local) throws IOException {
        Files.createDirectories(workDir);
        Path copy = Files.createTempFile(workDir, "local-", ".tmp");
        Files.copy(local, copy, StandardCopyOption.REPLACE_EXISTING);
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
