package io.syncnode.node.os;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * One {@code struct inotify_event} as read from an inotify fd.
 *
 * <p>Layout (native byte order, little-endian here): {@code int wd} at offset 0, {@code uint32 mask}
 * at 4, {@code uint32 cookie} at 8, {@code uint32 len} at 12, then {@code len} bytes of name,
 * NUL-terminated and NUL-padded (a 5-character name has len 16). The next event starts at
 * 16 + len. jnr-ffi's Struct cannot map the flexible {@code name[]} array, so events are decoded
 * by hand.
 *
 * @param wd     watch descriptor, -1 for {@link Inotify#IN_Q_OVERFLOW}
 * @param mask   the {@code IN_*} bits
 * @param cookie links the IN_MOVED_FROM and IN_MOVED_TO halves of one rename
 * @param name   entry name inside the watched directory, in NameCodec form (any bytes, lossless);
 *               "" for events about the directory itself
 */
public record InotifyEvent(int wd, int mask, int cookie, String name) {
    /** Size of the fixed part of struct inotify_event. */
    public static final int HEADER_BYTES = 16;

    /** True if any of {@code bits} is set in the mask. */
    public boolean has(int bits) {
        return (mask & bits) != 0;
    }

    /** The event concerns a directory (IN_ISDIR). */
    public boolean isDir() {
        return has(Inotify.IN_ISDIR);
    }

    /**
     * Decodes the events in {@code buf} from its position to its limit and passes each to
     * {@code consumer}, in order.
     *
     * @throws IllegalArgumentException if an event runs past the limit (the kernel never returns
     *                                  partial events, so this means a corrupt buffer)
     */
    public static void decode(ByteBuffer buf, Consumer<InotifyEvent> consumer) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int at = b.position();
        int end = b.limit();
        while (at < end) {
            if (end - at < HEADER_BYTES) {
                throw new IllegalArgumentException("truncated inotify event header at offset " + at + " of " + end);
            }
            int wd = b.getInt(at);
            int mask = b.getInt(at + 4);
            int cookie = b.getInt(at + 8);
            int len = b.getInt(at + 12);
            if (len < 0 || len > end - at - HEADER_BYTES) {
                throw new IllegalArgumentException("inotify event name length " + len + " at offset " + at
                        + " runs past the " + end + " bytes read");
            }
            int nameStart = at + HEADER_BYTES;
            int nameEnd = nameStart;
            while (nameEnd < nameStart + len && b.get(nameEnd) != 0) {
                nameEnd++;
            }
            byte[] name = new byte[nameEnd - nameStart];
            b.get(nameStart, name);
            consumer.accept(new InotifyEvent(wd, mask, cookie, io.syncnode.protocol.NameCodec.decode(name)));
            at = nameStart + len;
        }
    }
}
