package io.syncnode.node.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * jqwik properties of {@link WireCodec}: {@code decode(encode(m))} gives back {@code m} and its
 * envelope for generated valid messages of every kind ({@link WireArbitraries}), and any bytes at
 * all, random or a valid envelope cut, spliced or with bytes flipped, decode to an envelope or a
 * {@link WireException}, never another exception. WireCodecFuzzTest searches the second property
 * further with coverage guidance.
 */
class WireCodecProperties {

    @Provide
    Arbitrary<Message> messages() {
        return WireArbitraries.messages();
    }

    @Provide
    Arbitrary<String> nodeNames() {
        return WireArbitraries.nodeNames();
    }

    @Provide
    Arbitrary<Long> senderIds() {
        return WireArbitraries.senderIds();
    }

    @Property(tries = 700)
    void decodeOfEncodeGivesTheMessageBack(@ForAll("messages") Message m, @ForAll("senderIds") long sender,
                                           @ForAll("nodeNames") String name,
                                           @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long sentAtMs)
            throws WireException {
        Envelope e = WireCodec.decode(WireCodec.encode(sender, name, sentAtMs, m));
        assertEquals(sender, e.senderId());
        assertEquals(name, e.senderName());
        assertEquals(sentAtMs, e.sentAtMs());
        assertEquals(m instanceof Message.Digest ? Software.DESCRIPTION : "", e.software());
        WireCodecTest.assertSameMessage(m, e.message());
    }

    @Property(tries = 300)
    void anyBytesDecodeToAnEnvelopeOrAWireException(@ForAll byte[] bytes) {
        decodeOrRefuse(bytes);
    }

    /** A valid envelope with one of: a cut, bytes flipped, a byte run inserted, its halves swapped. */
    @Property(tries = 700)
    void damagedEnvelopesDecodeToAnEnvelopeOrAWireException(@ForAll("messages") Message m,
                                                            @ForAll("damage") List<Integer> damage) {
        byte[] bytes = WireCodec.encode(1, "n", m);
        if (bytes.length == 0) {
            return;
        }
        int at = Math.floorMod(damage.get(1), bytes.length);
        byte[] damaged = switch (Math.floorMod(damage.get(0), 4)) {
            case 0 -> Arrays.copyOf(bytes, at);
            case 1 -> {
                byte[] b = bytes.clone();
                for (int i = 2; i < damage.size(); i++) {
                    b[Math.floorMod(at + damage.get(i), b.length)] ^= (byte) damage.get(i).intValue();
                }
                yield b;
            }
            case 2 -> {
                byte[] b = new byte[bytes.length + damage.size()];
                System.arraycopy(bytes, 0, b, 0, at);
                for (int i = 0; i < damage.size(); i++) {
                    b[at + i] = (byte) damage.get(i).intValue();
                }
                System.arraycopy(bytes, at, b, at + damage.size(), bytes.length - at);
                yield b;
            }
            default -> {
                byte[] b = new byte[bytes.length];
                System.arraycopy(bytes, at, b, 0, bytes.length - at);
                System.arraycopy(bytes, 0, b, bytes.length - at, at);
                yield b;
            }
        };
        decodeOrRefuse(damaged);
    }

    @Provide
    Arbitrary<List<Integer>> damage() {
        return Arbitraries.oneOf(Arbitraries.integers(), Arbitraries.integers().between(0, 255),
                Arbitraries.of(0x7f, 0x80, 0xff, 0x08, 0x0a, 0x12, 0x1a)).list().ofMinSize(2).ofMaxSize(8);
    }

    /** Decodes {@code bytes}; anything but an envelope or a {@link WireException} fails the property. */
    static void decodeOrRefuse(byte[] bytes) {
        try {
            Envelope e = WireCodec.decode(bytes);
            if (e == null || e.message() == null) {
                throw new AssertionError("decode returned " + e);
            }
        } catch (WireException expected) {
            // refused cleanly
        }
    }
}
