package io.syncnode.node.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * The receiving end of {@code sd_notify} in tests: an AF_UNIX datagram socket bound to a path or
 * an {@code @} abstract name, as systemd binds {@code /run/systemd/notify}.
 */
public final class NotifySocket implements AutoCloseable {
    private static final int POLLFD_BYTES = 8;
    private final LibC libc = LibC.get();
    private final int fd;
    private final Pointer pollFd = Memory.allocateDirect(LibC.runtime(), POLLFD_BYTES);

    private NotifySocket(int fd) {
        this.fd = fd;
    }

    /** Binds {@code name} (an absolute path or {@code @name}). */
    public static NotifySocket bind(String name) throws IOException {
        LibC libc = LibC.get();
        int fd = libc.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("socket: " + LibC.describe(LibC.lastError()));
        }
        byte[] addr = SystemdNotify.sockaddrUn(name);
        if (libc.bind(fd, addr, addr.length) != 0) {
            int errno = LibC.lastError();
            libc.close(fd);
            throw new IOException("bind " + name + ": " + LibC.describe(errno));
        }
        return new NotifySocket(fd);
    }

    /** The next datagram as text, or null if none arrives within {@code timeout} (zero: only one already queued). */
    public String receive(Duration timeout) throws IOException {
        pollFd.putInt(0, fd);
        pollFd.putShort(4, LibC.POLLIN);
        pollFd.putShort(6, (short) 0);
        int ready = libc.poll(pollFd, 1, (int) timeout.toMillis());
        if (ready < 0) {
            throw new IOException("poll: " + LibC.describe(LibC.lastError()));
        }
        if (ready == 0) {
            return null;
        }
        byte[] buf = new byte[4096];
        long n = libc.recv(fd, buf, buf.length, 0);
        if (n < 0) {
            throw new IOException("recv: " + LibC.describe(LibC.lastError()));
        }
        return new String(buf, 0, (int) n, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        libc.close(fd);
    }
}
