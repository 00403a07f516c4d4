package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of {@link NameCodec}, each checked for 1000 generated names (reproducible from the
 * seed): name bytes survive {@code decode} then {@code encode} unchanged, whatever they are
 * (Latin-1, truncated and overlong UTF-8, encoded surrogates, the UTF-8 of the escape characters
 * themselves); the string in between is valid UTF-16, counted right by {@code byteLength}, accepted
 * by {@code problem}, and survives the operator's display form; valid UTF-8 decodes to its text.
 */
class NameCodecPropertyTest {
    /** Lead bytes, edges of the UTF-8 ranges, '/', backslash, NUL and DEL: where the codec decides. */
    private static final byte[] INTERESTING = {(byte) 0xc0, (byte) 0xc2, (byte) 0xdf, (byte) 0xe0, (byte) 0xed,
        (byte) 0xee, (byte) 0xef, (byte) 0xf0, (byte) 0xf4, (byte) 0xf5, (byte) 0xff, 'a', '/', '\\', 0, 0x7f};

    static LongStream seeds() {
        return LongStream.range(0, 1000).map(i -> 0xa54ff53aL * (i + 1));
    }

    /** Up to 40 bytes: any byte, an interesting one, or a continuation byte 0x80..0xbf. */
    static byte[] name(SplittableRandom r) {
        byte[] b = new byte[r.nextInt(41)];
        for (int i = 0; i < b.length; i++) {
            b[i] = switch (r.nextInt(3)) {
                case 0 -> (byte) r.nextInt(256);
                case 1 -> INTERESTING[r.nextInt(INTERESTING.length)];
                default -> (byte) (0x80 + r.nextInt(0x40));
            };
        }
        return b;
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void encodeOfDecodeGivesBackTheBytesAndTheDisplayFormReadsBack(long seed) {
        byte[] name = name(new SplittableRandom(seed));
        String context = HexFormat.of().formatHex(name) + " seed=" + seed;
        String s = NameCodec.decode(name);
        assertArrayEquals(name, NameCodec.encode(s), context);
        assertEquals(name.length, NameCodec.byteLength(s), context);
        assertNull(NameCodec.problem(s), "a decoded name is its own encoding: " + context);
        assertEquals(s, new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
                "no unpaired surrogate, the string survives UTF-8: " + context);
        String shown = NameCodec.display(s);
        assertTrue(shown.chars().noneMatch(c -> c < 0x20 || c == 0x7f
                || (c >= NameCodec.ESCAPE_FIRST && c <= NameCodec.ESCAPE_LAST)), shown + ": " + context);
        assertEquals(s, NameCodec.fromDisplay(shown), context);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void validUtf8DecodesToItsOwnText(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        for (int n = r.nextInt(20); n > 0; n--) {
            int cp = switch (r.nextInt(3)) {
                case 0 -> r.nextInt(0x80);
                case 1 -> r.nextInt(0x10000);
                default -> r.nextInt(0x110000);
            };
            if ((cp < 0xD800 || cp > 0xDFFF) && (cp < NameCodec.ESCAPE_FIRST || cp > NameCodec.ESCAPE_LAST)) {
                sb.appendCodePoint(cp);
            }
        }
        String text = sb.toString();
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(text, NameCodec.decode(utf8), "seed=" + seed);
        assertArrayEquals(utf8, NameCodec.encode(text), "seed=" + seed);
        assertFalse(NameCodec.hasEscapes(text), "seed=" + seed);
    }
}
