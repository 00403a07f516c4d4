package io.syncnode.node.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.Consumer;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * One inotify instance: an inotify fd plus a wake-up pipe, so a thread blocked in
 * {@link #readEvents} can be woken by {@link #close()} from another thread.
 *
 * <p>Implementation notes.
 * <ul>
 * <li>The inotify fd is non-blocking; the reader blocks in {@code poll(2)} on both fds with an
 *     infinite timeout, so an idle watcher costs no CPU. POLLIN on the inotify fd means events;
 *     anything on the pipe means "closed". EINTR restarts the poll; EAGAIN after a POLLIN (another
 *     reader got there first, or the queue was drained) simply polls again.</li>
 * <li>Reads use one 64 KiB native buffer (kernel minimum is 16 + NAME_MAX + 1 = 272 bytes, less
 *     gives EINVAL); the kernel only returns whole events, which {@link InotifyEvent#decode}
 *     parses by hand.</li>
 * <li>Lifetime: every system call on the fds runs between {@code enter()} and {@code exit()}.
 *     {@code close()} marks the instance closed and wakes the poller; the fds are closed by
 *     whichever thread leaves last, so no call ever uses an fd number that was closed (and maybe
 *     reused by another open) under it.</li>
 * <li>Measured here: an event wakes the poller in tens of microseconds, but close(2) of an inotify
 *     fd with watches takes milliseconds (median 7-16 ms, even with no reader: the kernel tears
 *     the notification group down synchronously). So {@link #close()} is cheap only when a reader
 *     is inside; otherwise the caller pays that close.</li>
 * </ul>
 *
 * <p>Threading: {@link #addWatch}, {@link #rmWatch} and {@link #close} may be called from any
 * thread, including from the consumer inside {@link #readEvents}. {@link #readEvents} itself must
 * be called by one thread at a time (it owns the read buffer).
 */
public final class Inotify implements AutoCloseable {
    public static final int IN_ACCESS = 0x1;
    public static final int IN_MODIFY = 0x2;
    public static final int IN_ATTRIB = 0x4;
    public static final int IN_CLOSE_WRITE = 0x8;
    public static final int IN_CLOSE_NOWRITE = 0x10;
    public static final int IN_OPEN = 0x20;
    public static final int IN_MOVED_FROM = 0x40;
    public static final int IN_MOVED_TO = 0x80;
    public static final int IN_CREATE = 0x100;
    public static final int IN_DELETE = 0x200;
    public static final int IN_DELETE_SELF = 0x400;
    public static final int IN_MOVE_SELF = 0x800;
    public static final int IN_UNMOUNT = 0x2000;
    public static final int IN_Q_OVERFLOW = 0x4000;
    public static final int IN_IGNORED = 0x8000;
    public static final int IN_ONLYDIR = 0x1000000;
    public static final int IN_DONT_FOLLOW = 0x2000000;
    public static final int IN_EXCL_UNLINK = 0x4000000;
    public static final int IN_ISDIR = 0x40000000;

    private static final int IN_NONBLOCK = LibC.O_NONBLOCK;
    private static final int IN_CLOEXEC = LibC.O_CLOEXEC;
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final int POLLFD_BYTES = 8;

    private final LibC libc = LibC.get();
    private final int fd;
    private final int wakeRead;
    private final int wakeWrite;
    private final Pointer buffer;
    private final Pointer pollFds;
    private final byte[] heapCopy = new byte[BUFFER_BYTES];

    private final Object lock = new Object();
    private boolean closed;
    private boolean released;
    private int users;

    private Inotify(int fd, int wakeRead, int wakeWrite) {
        this.fd = fd;
        this.wakeRead = wakeRead;
        this.wakeWrite = wakeWrite;
        this.buffer = Memory.allocateDirect(LibC.runtime(), BUFFER_BYTES);
        this.pollFds = Memory.allocateDirect(LibC.runtime(), 2 * POLLFD_BYTES);
        pollFds.putInt(0, fd);
        pollFds.putShort(4, LibC.POLLIN);
        pollFds.putInt(POLLFD_BYTES, wakeRead);
        pollFds.putShort(POLLFD_BYTES + 4, LibC.POLLIN);
    }

    /**
     * inotify_init1(IN_NONBLOCK | IN_CLOEXEC) plus a non-blocking wake-up pipe.
     *
     * @throws IOException with the errno text; for EMFILE the message names
     *                     {@code fs.inotify.max_user_instances}
     */
    public static Inotify open() throws IOException {
        LibC libc = LibC.get();
        int fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (fd < 0) {
            int errno = LibC.lastError();
            String remedy = errno == LibC.EMFILE
                    ? "; the per-user inotify instance limit is reached: raise fs.inotify.max_user_instances,"
                            + " e.g. `sysctl -w fs.inotify.max_user_instances=1024`"
                    : "";
            throw new IOException("inotify_init1 failed: " + LibC.describe(errno) + remedy);
        }
        int[] pipe = new int[2];
        if (libc.pipe2(pipe, LibC.O_NONBLOCK | LibC.O_CLOEXEC) != 0) {
            int errno = LibC.lastError();
            libc.close(fd);
            throw new IOException("pipe2 for the inotify wake-up failed: " + LibC.describe(errno));
        }
        return new Inotify(fd, pipe[0], pipe[1]);
    }

    /**
     * inotify_add_watch(fd, dir, mask).
     *
     * @return the watch descriptor (the same one again if the inode is already watched), or -1 if
     *         {@code dir} vanished or is no longer a directory (ENOENT, ENOTDIR: normal races) or
     *         this instance is closed
     * @throws WatchLimitException on ENOSPC (fs.inotify.max_user_watches used up)
     * @throws IOException         naming the path and errno for anything else (e.g. EACCES)
     */
    public int addWatch(Path dir, int mask) throws IOException {
        if (!enter()) {
            return -1;
        }
        int wd;
        int errno;
        try {
            wd = libc.inotify_add_watch(fd, PathBytes.of(dir), mask);
            errno = wd < 0 ? LibC.lastError() : 0;
        } finally {
            exit();
        }
        if (wd >= 0) {
            return wd;
        }
        IOException failure = addWatchFailure(dir, errno);
        if (failure != null) {
            throw failure;
        }
        return -1;
    }

    /** The exception for a failed inotify_add_watch, or null when the errno is a normal race. */
    static IOException addWatchFailure(Path dir, int errno) {
        return switch (errno) {
            case LibC.ENOENT, LibC.ENOTDIR -> null;
            case LibC.ENOSPC -> new WatchLimitException("inotify watch limit reached while watching " + dir
                    + " (" + LibC.describe(errno) + "): raise fs.inotify.max_user_watches, e.g."
                    + " `sysctl -w fs.inotify.max_user_watches=524288` (persist it in /etc/sysctl.d/);"
                    + " until then changes under this directory are found only by periodic rescans");
            default -> new IOException("cannot watch " + dir + ": inotify_add_watch failed, " + LibC.describe(errno));
        };
    }

    /**
     * inotify_rm_watch(fd, wd). An IN_IGNORED event for {@code wd} follows. Returns false (and does
     * nothing else) if the watch is already gone (EINVAL: its directory was deleted) or this
     * instance is closed.
     */
    public boolean rmWatch(int wd) {
        if (!enter()) {
            return false;
        }
        try {
            return libc.inotify_rm_watch(fd, wd) == 0;
        } finally {
            exit();
        }
    }

    /**
     * Blocks until events are queued or {@link #close()} is called, then reads one buffer of events
     * and hands each to {@code consumer} on this thread, in kernel order.
     *
     * @return true after delivering events, false once this instance is closed
     * @throws IOException naming the errno if poll or read fail
     */
    public boolean readEvents(Consumer<InotifyEvent> consumer) throws IOException {
        int length = 0;
        while (length == 0) {
            if (!enter()) {
                return false;
            }
            try {
                length = pollAndRead();
            } finally {
                exit();
            }
            if (length < 0) {
                return false;
            }
        }
        buffer.get(0, heapCopy, 0, length);
        InotifyEvent.decode(ByteBuffer.wrap(heapCopy, 0, length), consumer);
        return true;
    }

    /** Bytes read (0: nothing this time, poll again), or -1 if woken by close(). */
    private int pollAndRead() throws IOException {
        pollFds.putShort(6, (short) 0);
        pollFds.putShort(POLLFD_BYTES + 6, (short) 0);
        int ready = libc.poll(pollFds, 2, -1);
        if (ready < 0) {
            int errno = LibC.lastError();
            if (errno == LibC.EINTR) {
                return 0;
            }
            throw new IOException("poll on inotify fd " + fd + " failed: " + LibC.describe(errno));
        }
        if (pollFds.getShort(POLLFD_BYTES + 6) != 0) {
            return -1;
        }
        if (pollFds.getShort(6) == 0) {
            return 0;
        }
        long n = libc.read(fd, buffer, BUFFER_BYTES);
        if (n < 0) {
            int errno = LibC.lastError();
            if (errno == LibC.EAGAIN || errno == LibC.EINTR) {
                return 0;
            }
            throw new IOException("read from inotify fd " + fd + " failed: " + LibC.describe(errno));
        }
        if (n == 0) {
            throw new IOException("read from inotify fd " + fd + " returned end of file");
        }
        return (int) n;
    }

    /**
     * Wakes a thread blocked in {@link #readEvents} (it returns false) and releases the fds once no
     * call is using them. Idempotent; never blocks.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (users == 0) {
                release();
            } else {
                // Under the lock, so the last user cannot close the pipe while we write to it.
                libc.write(wakeWrite, new byte[] {1}, 1);
            }
        }
    }

    private boolean enter() {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            users++;
            return true;
        }
    }

    private void exit() {
        synchronized (lock) {
            users--;
            if (closed && users == 0) {
                release();
            }
        }
    }

    private void release() {
        if (!released) {
            released = true;
            libc.close(fd);
            libc.close(wakeRead);
            libc.close(wakeWrite);
        }
    }
}
