package io.syncnode.node.os;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A regular file this node just created ({@link ConfinedFs#createNew}: {@code O_CREAT|O_EXCL|
 * O_NOFOLLOW}, mode 0600), written and given its metadata through its own descriptor: {@code
 * write}, {@code fchown}, {@code fchmod}, {@code futimens}, {@code fsync}, none of which resolves
 * a path again. A small file's whole install step (content, owner, mode, mtime, durability) is
 * then one walk to its directory instead of one per call (a seed of small files spent a third of
 * its temp-file work walking and reopening). Not thread-safe; closes its descriptor once.
 */
public final class NewFile implements AutoCloseable {
    private final int fd;
    private final Path file;
    private boolean closed;

    NewFile(int fd, Path file) {
        this.fd = fd;
        this.file = file;
    }

    /** Appends all of {@code bytes}. */
    public void write(byte[] bytes) throws IOException {
        LibC libc = LibC.get();
        byte[] rest = bytes;
        while (rest.length > 0) {
            long n = libc.write(fd, rest, rest.length);
            if (n < 0) {
                int errno = LibC.lastError();
                if (errno == LibC.EINTR) {
                    continue;
                }
                throw NativeFs.failure("write", file, "write", errno);
            }
            if (n == 0) { // a regular file takes at least one byte or fails: never loop on nothing
                throw new IOException("cannot write " + file + ": write(2) wrote nothing");
            }
            rest = Arrays.copyOfRange(rest, (int) n, rest.length);
        }
    }

    /** fchown: the owner (a new file has no setuid bit or capability for it to clear). */
    public void chown(int uid, int gid) throws IOException {
        check(LibC.get().fchown(fd, uid, gid), "change owner of", "fchown");
    }

    /** fchmod: the exact mode bits, whatever the umask. */
    public void chmod(int mode) throws IOException {
        check(LibC.get().fchmod(fd, mode), "change mode of", "fchmod");
    }

    /** futimens: the mtime in nanoseconds (the atime is kept); call it after the last write. */
    public void setMtime(long mtimeNs) throws IOException {
        long[] times = {0, LibC.UTIME_OMIT, Math.floorDiv(mtimeNs, 1_000_000_000L), Math.floorMod(mtimeNs, 1_000_000_000L)};
        check(LibC.get().futimens(fd, times), "set mtime of", "futimens");
    }

    public void fsync() throws IOException {
        check(LibC.get().fsync(fd), "fsync", "fsync");
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.get().close(fd);
        }
    }

    private void check(int rc, String what, String call) throws IOException {
        if (rc != 0) {
            throw NativeFs.failure(what, file, call, LibC.lastError());
        }
    }
}
