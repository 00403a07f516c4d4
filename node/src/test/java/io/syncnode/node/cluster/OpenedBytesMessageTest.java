package io.syncnode.node.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.EOFException;
import java.util.Arrays;
import org.jgroups.BytesMessage;
import org.jgroups.Message;
import org.jgroups.util.ByteArrayDataInputStream;
import org.jgroups.util.ByteArrayDataOutputStream;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;

/** A message read from an opened packet keeps its payload where it lies, and reads as BytesMessage does. */
class OpenedBytesMessageTest {
    private static final UUID FROM = new UUID(1, 2);
    private static final UUID TO = new UUID(3, 4);

    /** {@code msg} serialized at offset 5 of an array, with {@code after} bytes behind it. */
    private static byte[] serialized(Message msg, int after) throws Exception {
        ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(16);
        out.position(5);
        msg.writeTo(out);
        out.ensureCapacity(after);
        return Arrays.copyOf(out.buffer(), out.position() + after);
    }

    private static byte[] payload(int len) {
        byte[] p = new byte[len + 10];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (i * 7);
        }
        return p;
    }

    @Test
    void thePayloadIsARangeOfThePacketUpToItsVeryEnd() throws Exception {
        for (int after : new int[] {0, 1, 80}) {
            byte[] p = payload(60_000);
            Message sent = new BytesMessage(TO, p, 10, 60_000).setSrc(FROM).setFlag(Message.Flag.OOB);
            byte[] packet = serialized(sent, after);
            int end = packet.length - after;
            ByteArrayDataInputStream in = new ByteArrayDataInputStream(packet, 5, end - 5);
            OpenedBytesMessage m = new OpenedBytesMessage();
            m.readFrom(in);
            assertSame(packet, m.getArray(), "no copy, " + after + " bytes after");
            assertEquals(end - 60_000, m.getOffset());
            assertEquals(60_000, m.getLength());
            assertArrayEquals(Arrays.copyOfRange(p, 10, 60_010),
                    Arrays.copyOfRange(m.getArray(), m.getOffset(), m.getOffset() + m.getLength()));
            assertEquals(FROM, m.getSrc());
            assertEquals(TO, m.getDest());
            assertEquals(sent.getFlags(), m.getFlags());

            BytesMessage copied = new BytesMessage();
            copied.readFrom(new ByteArrayDataInputStream(packet, 5, end - 5));
            assertArrayEquals(copied.getArray(), Arrays.copyOfRange(m.getArray(), m.getOffset(),
                    m.getOffset() + m.getLength()), "what BytesMessage reads");
        }
    }

    @Test
    void aMessageWithoutPayloadHasNone() throws Exception {
        byte[] packet = serialized(new BytesMessage(TO).setSrc(FROM), 0);
        OpenedBytesMessage m = new OpenedBytesMessage();
        m.readFrom(new ByteArrayDataInputStream(packet, 5, packet.length - 5));
        assertNull(m.getArray());
        assertEquals(FROM, m.getSrc());
    }

    @Test
    void aPayloadLongerThanThePacketIsRefused() throws Exception {
        byte[] packet = serialized(new BytesMessage(TO, payload(100), 0, 100).setSrc(FROM), 0);
        byte[] cut = Arrays.copyOf(packet, packet.length - 1);
        assertThrows(EOFException.class, () -> new OpenedBytesMessage()
                .readFrom(new ByteArrayDataInputStream(cut, 5, cut.length - 5)));
    }
}
