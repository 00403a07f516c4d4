package io.syncnode.node.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The sending half of systemd's notification protocol ({@code sd_notify(3)}): one datagram of
 * newline-separated {@code KEY=VALUE} assignments to the AF_UNIX datagram socket named by
 * {@code $NOTIFY_SOCKET}. The JDK has Unix-domain stream sockets only, hence jnr-ffi.
 *
 * <p>Implementation notes. As libsystemd does, every {@link #send} opens a fresh
 * {@code socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC)}, calls {@code sendto} with
 * {@code MSG_NOSIGNAL} and closes it: nothing to keep open, nothing a forked child inherits, and
 * a restarted service manager is found again. The address is a {@code struct sockaddr_un} built
 * by hand: {@code sa_family_t} (16 bits, native order) then {@code sun_path}. A name starting
 * with {@code /} is a file system path (NUL-terminated); one starting with {@code @} is in the
 * abstract namespace: {@code sun_path[0]} is NUL, the name follows, and the address length counts
 * exactly its bytes (no terminator). {@code vsock:} addresses (systemd 254 in VMs) are not
 * supported. sendto on a datagram socket never blocks long: systemd's queue is drained by PID 1.
 *
 * <p>Thread-safe and stateless apart from the address.
 */
public final class SystemdNotify {
    /** sizeof(sun_path) on Linux. */
    private static final int SUN_PATH_BYTES = 108;

    private final String socket;
    private final byte[] address;

    private SystemdNotify(String socket, byte[] address) {
        this.socket = socket;
        this.address = address;
    }

    /**
     * The notifier for the value of {@code $NOTIFY_SOCKET}.
     *
     * @throws IllegalArgumentException if it is neither an absolute path nor an {@code @} name, or
     *                                  too long for {@code sun_path}
     */
    public static SystemdNotify to(String notifySocket) {
        return new SystemdNotify(notifySocket, sockaddrUn(notifySocket));
    }

    /** The socket's name, as in {@code $NOTIFY_SOCKET}. */
    public String socket() {
        return socket;
    }

    /**
     * Sends {@code state} (e.g. {@code "READY=1\nSTATUS=joined"}) in one datagram.
     *
     * @throws IOException naming the socket, the call and the errno
     */
    public void send(String state) throws IOException {
        byte[] message = state.getBytes(StandardCharsets.UTF_8);
        LibC libc = LibC.get();
        int fd = libc.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("cannot notify " + socket + ": socket(AF_UNIX, SOCK_DGRAM) failed, "
                    + LibC.describe(LibC.lastError()));
        }
        try {
            long sent = libc.sendto(fd, message, message.length, LibC.MSG_NOSIGNAL, address, address.length);
            if (sent < 0) {
                throw new IOException("cannot notify " + socket + ": sendto failed, " + LibC.describe(LibC.lastError()));
            }
        } finally {
            libc.close(fd);
        }
    }

    /**
     * {@code struct sockaddr_un} for a path ({@code /run/systemd/notify}) or an abstract name
     * ({@code @name}), cut to the address length that {@code bind}/{@code sendto} take.
     */
    static byte[] sockaddrUn(String name) {
        boolean abstractName = name.startsWith("@");
        if (!abstractName && !name.startsWith("/")) {
            throw new IllegalArgumentException("NOTIFY_SOCKET=" + name + " is neither an absolute path nor an @name"
                    + " (vsock: addresses are not supported)");
        }
        byte[] bytes = (abstractName ? name.substring(1) : name).getBytes(StandardCharsets.UTF_8);
        // a path needs its NUL terminator inside sun_path; an abstract name needs the leading NUL
        if (bytes.length + 1 > SUN_PATH_BYTES) {
            throw new IllegalArgumentException("NOTIFY_SOCKET=" + name + " is longer than sun_path ("
                    + (SUN_PATH_BYTES - 1) + " bytes)");
        }
        ByteBuffer addr = ByteBuffer.allocate(2 + 1 + bytes.length).order(ByteOrder.nativeOrder());
        addr.putShort((short) LibC.AF_UNIX);
        if (abstractName) {
            addr.put((byte) 0).put(bytes);
        } else {
            addr.put(bytes).put((byte) 0);
        }
        return addr.array();
    }
}
