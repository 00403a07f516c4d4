package io.syncnode.node.trust;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Writes a set of credential files into one directory, all or nothing, never replacing a file.
 *
 * <p>Implementation note: each file is first written in full to a temporary file in the target
 * directory, created with its final mode (a key is 0600 from its first byte, never chmod-ed
 * after the secret is in it), and synced. It is then hard-linked to its name: {@code link(2)},
 * unlike {@code rename(2)}, fails when the name exists, so a file that appears between the check
 * and the write is still not overwritten. Where the file system has no hard links the temporary
 * file is renamed after a last existence check. If placing one file fails, the files already
 * placed by this call are removed again; the temporary files are always removed.
 */
final class CredentialWriter {
    static final Set<PosixFilePermission> SECRET = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    /** One file to write: its name in the directory, its bytes, its mode. */
    record Target(String name, byte[] content, Set<PosixFilePermission> mode) {
    }

    /** A target file exists: keygen never overwrites credentials. */
    static final class Refused extends FileAlreadyExistsException {
        private static final long serialVersionUID = 1L;

        Refused(Path file) {
            super(file.toString());
        }

        @Override
        public String getMessage() {
            return getFile() + " exists; keygen never overwrites credentials: choose another --out or move the old "
                    + "ones away";
        }
    }

    private CredentialWriter() {
    }

    /** Fails with {@link Refused} naming the first of the files {@code names} in {@code dir} that exists. */
    static void refuseExisting(Path dir, List<String> names) throws Refused {
        for (String name : names) {
            Path file = dir.resolve(name);
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new Refused(file);
            }
        }
    }

    /**
     * Creates {@code dir} (mode 0700, with any missing parents, also 0700) unless it exists, then
     * writes every target or none.
     *
     * @throws Refused     if one of the targets exists (then nothing was written)
     * @throws IOException if the directory or a file cannot be written
     */
    static void writeAll(Path dir, List<Target> targets) throws IOException {
        refuseExisting(dir, targets.stream().map(Target::name).toList());
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException(dir + " exists and is not a directory");
        }
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
        List<Path> temporaries = new ArrayList<>();
        List<Path> placed = new ArrayList<>();
        boolean done = false;
        try {
            for (Target target : targets) {
                temporaries.add(writeTemporary(dir, target));
            }
            for (int i = 0; i < targets.size(); i++) {
                Path file = dir.resolve(targets.get(i).name());
                place(temporaries.get(i), file);
                placed.add(file);
            }
            syncDirectory(dir);
            done = true;
        } finally {
            for (Path temporary : temporaries) {
                Files.deleteIfExists(temporary);
            }
            if (!done) {
                for (Path file : placed) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private static Path writeTemporary(Path dir, Target target) throws IOException {
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(target.mode());
        Path temporary = Files.createTempFile(dir, "." + target.name() + ".", ".tmp", mode);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            ByteBuffer content = ByteBuffer.wrap(target.content());
            while (content.hasRemaining()) {
                channel.write(content);
            }
            channel.force(true);
        }
        return temporary;
    }

    private static void place(Path temporary, Path file) throws IOException {
        try {
            Files.createLink(file, temporary);
        } catch (FileAlreadyExistsException e) {
            throw new Refused(file);
        } catch (UnsupportedOperationException | FileSystemException e) {
            // no hard links here (some FUSE and network file systems): rename after a last check
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new Refused(file);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Makes the new names durable; best effort, as not every file system can sync a directory. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Going on is safe: the files themselves are synced; only their names may be lost in a crash.
        }
    }
}
