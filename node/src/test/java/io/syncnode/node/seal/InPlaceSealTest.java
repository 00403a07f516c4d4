package io.syncnode.node.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bulk path of the seal layer: packets sealed where their content was serialized and pair
 * packets opened where they were received ({@link SealEngine#sealInPlace},
 * {@link SealEngine#openInPlace}) give the same bytes and refuse the same packets as the copying
 * path, and leave every byte outside the packet alone.
 */
class InPlaceSealTest {
    @TempDir
    Path tmp;

    /** A content of type MESSAGE of {@code len} bytes, at {@code off} in a buffer with room around it. */
    private static byte[] buffer(int off, int len, int seed) {
        byte[] buf = new byte[off + len + SealEngine.TAILROOM + 7];
        Arrays.fill(buf, (byte) 0x5a);
        java.util.Random r = new java.util.Random(seed);
        for (int i = 1; i < len; i++) {
            buf[off + i] = (byte) r.nextInt();
        }
        buf[off] = SealFormat.CONTENT_MESSAGE;
        return buf;
    }

    @Test
    void inPlaceCiphertextIsTheJdksAesGcmOfTheContent() throws Exception {
        SecretKeySpec k = new SecretKeySpec(new byte[KeyDerivation.KEY], "AES");
        for (int header : new int[] {SealFormat.PAIR_HEADER, SealFormat.GROUP_HEADER}) {
            for (int len : new int[] {1, 15, 16, 17, 1023, 7679, 7681, JitWarmUp.LARGE}) {
                byte[] buf = buffer(header, len, len);
                byte[] plain = Arrays.copyOfRange(buf, header, header + len);
                Aead.sealInPlace(k, SealFormat.KIND_PAIR, len, buf, 0, header, header, len);

                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                byte[] nonce = new byte[12];
                nonce[3] = SealFormat.KIND_PAIR;
                SealFormat.putLong(nonce, 4, len);
                c.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, nonce));
                c.updateAAD(buf, 0, header);
                assertArrayEquals(c.doFinal(plain), Arrays.copyOfRange(buf, header, header + len + Aead.TAG),
                        "length " + len + ", header " + header);

                byte[] copy = Aead.open(k, SealFormat.KIND_PAIR, len, buf, 0, header, header, len + Aead.TAG);
                assertArrayEquals(plain, copy);
                assertTrue(Aead.openInPlace(k, SealFormat.KIND_PAIR, len, buf, 0, header, header, len + Aead.TAG));
                assertArrayEquals(plain, Arrays.copyOfRange(buf, header, header + len), "opened in place");
            }
        }
    }

    @Test
    void aFlippedBitInHeaderCiphertextOrTagFailsInPlace() {
        SecretKeySpec k = new SecretKeySpec(new byte[KeyDerivation.KEY], "AES");
        int header = SealFormat.PAIR_HEADER;
        int len = 100;
        byte[] sealed = buffer(header, len, 1);
        Aead.sealInPlace(k, SealFormat.KIND_PAIR, 9, sealed, 0, header, header, len);
        for (int i = 0; i < header + len + Aead.TAG; i++) {
            byte[] bad = sealed.clone();
            bad[i] ^= 0x10;
            assertFalse(Aead.openInPlace(k, SealFormat.KIND_PAIR, 9, bad, 0, header, header, len + Aead.TAG),
                    "byte " + i);
        }
        assertFalse(Aead.openInPlace(k, SealFormat.KIND_PAIR, 10, sealed.clone(), 0, header, header, len + Aead.TAG),
                "another counter (nonce)");
    }

    @Test
    void pairAndGroupPacketsSealedInPlaceOpenBothWays() throws Exception {
        SealNet net = new SealNet(tmp);
        SealEngine a = net.add("alpha", "ca");
        SealEngine b = net.add("beta", "ca");
        net.handshake();
        long[] to = b.address();
        int off = SealEngine.HEADROOM + 11;
        for (boolean toAll : new boolean[] {false, true}) {
            for (int len : new int[] {1, 2, 4097, JitWarmUp.LARGE}) {
                byte[] buf = buffer(off, len, len);
                byte[] content = Arrays.copyOfRange(buf, off, off + len);
                SealEngine.Packet p = a.sealInPlace(buf, off, len, toAll, to[0], to[1]);
                assertSame(buf, p.bytes(), "sealed in the caller's buffer");
                assertEquals(toAll ? SealFormat.KIND_GROUP : SealFormat.KIND_PAIR, buf[p.offset() + 3]);
                assertEquals(p.offset() + p.length(), off + len + (toAll ? SealEngine.TAILROOM : Aead.TAG));
                for (int i = 0; i < p.offset(); i++) {
                    assertEquals((byte) 0x5a, buf[i], "byte " + i + " before the packet");
                }
                for (int i = p.offset() + p.length(); i < buf.length; i++) {
                    assertEquals((byte) 0x5a, buf[i], "byte " + i + " after the packet");
                }
                byte[] packet = Arrays.copyOfRange(buf, p.offset(), p.offset() + p.length());
                Opened.Message copied = assertInstanceOf(Opened.Message.class, b.open(packet.clone(), 0, packet.length));
                assertArrayEquals(Arrays.copyOfRange(content, 1, len),
                        Arrays.copyOfRange(copied.bytes(), copied.offset(), copied.offset() + copied.length()));
                Opened again = b.openInPlace(buf, p.offset(), p.length());
                assertEquals(SealCounters.Reason.REPLAYED, assertInstanceOf(Opened.Refused.class, again).reason(),
                        "in place or not, a packet opens once");
            }
        }
    }

    @Test
    void aPairPacketOpenedInPlaceIsARangeOfItsArray() throws Exception {
        SealNet net = new SealNet(tmp);
        SealEngine a = net.add("alpha", "ca");
        SealEngine b = net.add("beta", "ca");
        net.handshake();
        long[] to = b.address();
        byte[] content = SealNet.message("in place ".repeat(1000));
        byte[] packet = a.seal(content, content.length, false, to[0], to[1]);
        byte[] received = new byte[packet.length + 20];
        System.arraycopy(packet, 0, received, 20, packet.length);
        Opened.Message m = assertInstanceOf(Opened.Message.class, b.openInPlace(received, 20, packet.length));
        assertSame(received, m.bytes(), "no copy of the content");
        assertEquals(20 + SealFormat.PAIR_HEADER + 1, m.offset());
        assertEquals("in place ".repeat(1000), SealNet.text(m));
        assertEquals("alpha", m.name());
    }

    @Test
    void everyFlippedBitIsRefusedInPlaceAndTheOriginalStillOpens() throws Exception {
        SealNet net = new SealNet(tmp);
        SealEngine a = net.add("alpha", "ca");
        SealEngine b = net.add("beta", "ca");
        net.handshake();
        byte[] content = SealNet.message("payload under test 0123456789");
        long[] to = b.address();
        for (byte[] packet : java.util.List.of(a.seal(content, content.length, true, 0, 0),
                a.seal(content, content.length, false, to[0], to[1]))) {
            for (int i = 0; i < packet.length; i++) {
                byte[] bad = packet.clone();
                bad[i] ^= (byte) 0x04;
                assertInstanceOf(Opened.Refused.class, b.openInPlace(bad, 0, bad.length), "byte " + i + " of kind "
                        + packet[3]);
            }
            assertEquals("payload under test 0123456789",
                    SealNet.text(assertInstanceOf(Opened.Message.class, b.openInPlace(packet, 0, packet.length))),
                    "no tampered copy moved the replay window");
        }
        assertTrue(b.counters().refused(SealCounters.Reason.TAMPERED) > 0);
    }

    @Test
    void aBufferWithoutRoomIsRefusedWithTheRoomItNeeds() throws Exception {
        SealNet net = new SealNet(tmp);
        SealEngine a = net.add("alpha", "ca");
        net.handshake();
        long sealed = a.counters().sealed.get();
        IllegalArgumentException before = assertThrows(IllegalArgumentException.class,
                () -> a.sealInPlace(new byte[200], SealEngine.HEADROOM - 1, 10, true, 0, 0));
        assertTrue(before.getMessage().contains(SealEngine.HEADROOM + " bytes before"), before.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> a.sealInPlace(new byte[SealEngine.HEADROOM + 10 + SealEngine.TAILROOM - 1], SealEngine.HEADROOM,
                        10, true, 0, 0));
        assertEquals(sealed, a.counters().sealed.get(), "nothing was sealed");
    }
}
