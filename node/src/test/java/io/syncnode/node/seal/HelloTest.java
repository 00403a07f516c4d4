package io.syncnode.node.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.trust.Ed25519;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HELLO layout: round trip, signature coverage, and every malformed shape refused. */
class HelloTest {
    private static final byte[] KEY = new byte[32];

    static {
        Arrays.fill(KEY, (byte) 7);
    }

    private static byte[] sign(byte[] d, int off, int len) {
        return Ed25519.sign(KEY, d, off, len);
    }

    private static byte[] hello(byte[] phys, byte[] cert, List<Hello.Known> knows) {
        byte[] eph = new byte[32];
        Arrays.fill(eph, (byte) 9);
        return Hello.encode(0x1122334455667788L, 3, 1_795_000_000_000L, new long[] {0xAAL, 0xBBL}, eph, phys, cert,
                knows, HelloTest::sign);
    }

    @Test
    void roundTrip() {
        byte[] cert = "certificate-der".getBytes();
        List<Hello.Known> knows = List.of(new Hello.Known(5, 1), new Hello.Known(6, 2), new Hello.Known(5, 3));
        byte[] p = hello("10.0.0.1:7800".getBytes(), cert, knows);
        assertEquals(SealFormat.KIND_HELLO, SealFormat.kind(p, 0, p.length));
        Hello h = Hello.decode(p, 0, p.length);
        assertNotNull(h);
        assertEquals(0x1122334455667788L, h.session());
        assertEquals(3, h.gen());
        assertEquals(1_795_000_000_000L, h.startedAt());
        assertEquals(0xAAL, h.addressMsb());
        assertEquals(0xBBL, h.addressLsb());
        assertArrayEquals("10.0.0.1:7800".getBytes(), h.physical());
        assertArrayEquals(cert, h.certificate());
        assertEquals(knows, h.knows());
        assertEquals(3, h.genKnown(5), "the highest generation listed for a session");
        assertEquals(0, h.genKnown(7));
        assertTrue(Ed25519.verify(publicKey(), h.signature(), h.signed(), 0, h.signed().length));
        assertArrayEquals(Arrays.copyOf(p, p.length - 64), h.signed(), "the signature covers every byte before it");
    }

    private static byte[] publicKey() {
        byte[] pub = new byte[32];
        org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(KEY, 0, pub, 0);
        return pub;
    }

    @Test
    void everyTruncationAndEveryExtensionIsRefused() {
        byte[] p = hello("phys".getBytes(), "cert".getBytes(), List.of(new Hello.Known(1, 1)));
        for (int len = 0; len < p.length; len++) {
            assertNull(Hello.decode(p, 0, len), "truncated to " + len);
        }
        byte[] longer = Arrays.copyOf(p, p.length + 1);
        assertNull(Hello.decode(longer, 0, longer.length), "one byte more");
    }

    @Test
    void fieldsOutOfBoundsAreRefused() {
        assertNull(decoded(hello(new byte[0], "c".getBytes(), List.of())), "empty physical address");
        assertNull(decoded(hello(new byte[SealFormat.MAX_PHYSICAL + 1], "c".getBytes(), List.of())), "physical too long");
        assertNull(decoded(hello("p".getBytes(), new byte[0], List.of())), "no certificate");
        assertNull(decoded(hello("p".getBytes(), new byte[SealFormat.MAX_CERT + 1], List.of())), "certificate too long");
        assertNotNull(decoded(hello("p".getBytes(), new byte[SealFormat.MAX_CERT], List.of())), "the largest certificate");
        byte[] p = hello("p".getBytes(), "c".getBytes(), List.of());
        SealFormat.putInt(p, 12, 0);
        assertNull(decoded(p), "generation 0");
    }

    @Test
    void knowsIsCappedWhenWritten() {
        List<Hello.Known> many = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(new Hello.Known(i, 1));
        }
        Hello h = decoded(hello("p".getBytes(), "c".getBytes(), many));
        assertNotNull(h);
        assertEquals(SealFormat.MAX_KNOWS, h.knows().size());
    }

    private static Hello decoded(byte[] p) {
        return Hello.decode(p, 0, p.length);
    }
}
