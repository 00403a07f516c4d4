package io.syncnode.node.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of {@link WireCodec}, checked for generated cases (reproducible from the seed):
 * {@code decode(encode(m))} gives back {@code m} and its envelope for valid messages of every kind
 * ({@link RandomMessages}), and any bytes at all, random or a valid envelope cut, spliced or with
 * bytes flipped, decode to an envelope or a {@link WireException}, never another exception.
 * WireCodecFuzzTest searches the second property further with coverage guidance.
 */
class WireCodecPropertyTest {

    static LongStream seeds() {
        return LongStream.range(0, 700).map(i -> 0x9b05688cL * (i + 1));
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void decodeOfEncodeGivesTheMessageBack(long seed) throws WireException {
        RandomMessages random = new RandomMessages(seed);
        Message m = random.message();
        long sender = random.senderId();
        String name = random.nodeName();
        long sentAtMs = new SplittableRandom(seed).nextLong(Long.MAX_VALUE);
        Envelope e = WireCodec.decode(WireCodec.encode(sender, name, sentAtMs, m));
        String context = m.getClass().getSimpleName() + " seed=" + seed;
        assertEquals(sender, e.senderId(), context);
        assertEquals(name, e.senderName(), context);
        assertEquals(sentAtMs, e.sentAtMs(), context);
        assertEquals(m instanceof Message.Digest ? Software.DESCRIPTION : "", e.software(), context);
        WireCodecTest.assertSameMessage(m, e.message());
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void anyBytesDecodeToAnEnvelopeOrAWireException(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] bytes = new byte[r.nextInt(300)];
        r.nextBytes(bytes);
        decodeOrRefuse(bytes);
    }

    /** A valid envelope with one of: a cut, bytes flipped, a byte run inserted, its halves swapped. */
    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void damagedEnvelopesDecodeToAnEnvelopeOrAWireException(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] bytes = WireCodec.encode(1, "n", new RandomMessages(seed).message());
        int at = r.nextInt(bytes.length);
        byte[] damaged = switch (r.nextInt(4)) {
            case 0 -> java.util.Arrays.copyOf(bytes, at);
            case 1 -> {
                byte[] b = bytes.clone();
                for (int n = 1 + r.nextInt(6); n > 0; n--) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
                yield b;
            }
            case 2 -> {
                byte[] run = new byte[1 + r.nextInt(8)];
                r.nextBytes(run);
                byte[] b = new byte[bytes.length + run.length];
                System.arraycopy(bytes, 0, b, 0, at);
                System.arraycopy(run, 0, b, at, run.length);
                System.arraycopy(bytes, at, b, at + run.length, bytes.length - at);
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

    /** Decodes {@code bytes}; anything but an envelope or a {@link WireException} fails the test. */
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
