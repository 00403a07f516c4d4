package io.syncnode.node.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class InotifyEventTest {

    /** Lays out events as the kernel does: header then name, NUL-padded to a multiple of 16. */
    private static ByteBuffer kernelBytes(InotifyEvent... events) {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        for (InotifyEvent e : events) {
            byte[] name = io.syncnode.protocol.NameCodec.encode(e.name());
            int len = name.length == 0 ? 0 : (name.length / 16 + 1) * 16;
            b.putInt(e.wd()).putInt(e.mask()).putInt(e.cookie()).putInt(len);
            b.put(name);
            for (int i = name.length; i < len; i++) {
                b.put((byte) 0);
            }
        }
        return b.flip();
    }

    private static List<InotifyEvent> decode(ByteBuffer b) {
        List<InotifyEvent> out = new ArrayList<>();
        InotifyEvent.decode(b, out::add);
        return out;
    }

    @Test
    void decodesHeadersAndPaddedNames() {
        List<InotifyEvent> events = List.of(
                new InotifyEvent(1, Inotify.IN_CREATE, 0, "hello"),
                new InotifyEvent(2, Inotify.IN_MOVED_FROM | Inotify.IN_ISDIR, 77, "exactly-16-bytes"),
                new InotifyEvent(1, Inotify.IN_DELETE_SELF, 0, ""),
                new InotifyEvent(-1, Inotify.IN_Q_OVERFLOW, 0, ""),
                new InotifyEvent(3, Inotify.IN_CLOSE_WRITE, 0, "x".repeat(255)),
                new InotifyEvent(3, Inotify.IN_MODIFY, 0, "ünïcödé"),
                new InotifyEvent(3, Inotify.IN_CREATE, 0,
                        io.syncnode.protocol.NameCodec.decode(new byte[] {'c', 'a', 'f', (byte) 0xe9, (byte) 0xff})));
        ByteBuffer bytes = kernelBytes(events.toArray(InotifyEvent[]::new));
        // hello 16+16, exactly-16-bytes 16+32, two nameless 16 each, 255 x 16+256, 11 UTF-8 bytes 16+16,
        // 5 bytes that are not UTF-8 16+16
        assertEquals(32 + 48 + 16 + 16 + 272 + 32 + 32, bytes.remaining());
        assertEquals(events, decode(bytes));
    }

    @Test
    void maskBitsAboveBit30AreKept() {
        InotifyEvent e = decode(kernelBytes(new InotifyEvent(5, Inotify.IN_ISDIR | Inotify.IN_CREATE, 0, "d"))).get(0);
        assertTrue(e.isDir());
        assertTrue(e.has(Inotify.IN_CREATE));
    }

    @Test
    void nameRunningPastTheEndIsRejected() {
        ByteBuffer b = kernelBytes(new InotifyEvent(1, Inotify.IN_CREATE, 0, "abc"));
        b.limit(b.limit() - 1);
        assertThrows(IllegalArgumentException.class, () -> decode(b));
    }

    @Test
    void truncatedHeaderIsRejected() {
        ByteBuffer b = kernelBytes(new InotifyEvent(1, Inotify.IN_CREATE, 0, ""));
        b.limit(10);
        assertThrows(IllegalArgumentException.class, () -> decode(b));
    }
}
