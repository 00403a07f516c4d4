package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * jqwik properties of {@link NameCodec}: name bytes survive {@code decode} then {@code encode}
 * unchanged, whatever they are (Latin-1, truncated and overlong UTF-8, surrogate encodings, the
 * UTF-8 of the escape characters themselves); the string in between is valid UTF-16, counted right
 * by {@code byteLength}, accepted by {@code problem}, and survives the operator's display form.
 */
class NameCodecProperties {

    /** Any bytes, biased towards the lead and continuation bytes of multi-byte UTF-8 sequences. */
    @Provide
    Arbitrary<byte[]> names() {
        Arbitrary<Byte> utf8ish = Arbitraries.oneOf(Arbitraries.bytes(),
                Arbitraries.of((byte) 0xc0, (byte) 0xc2, (byte) 0xdf, (byte) 0xe0, (byte) 0xed, (byte) 0xee,
                        (byte) 0xef, (byte) 0xf0, (byte) 0xf4, (byte) 0xf5, (byte) 0xff),
                Arbitraries.bytes().between((byte) 0x80, (byte) 0xbf).map(b -> (byte) (b | 0x80)),
                Arbitraries.of((byte) 'a', (byte) '/', (byte) '\\', (byte) 0, (byte) 0x7f));
        return utf8ish.array(byte[].class).ofMaxSize(40);
    }

    @Property(tries = 1000)
    void encodeOfDecodeGivesBackTheBytes(@ForAll("names") byte[] name) {
        String s = NameCodec.decode(name);
        assertArrayEquals(name, NameCodec.encode(s));
        assertEquals(name.length, NameCodec.byteLength(s));
        assertNull(NameCodec.problem(s), "a decoded name is its own encoding");
        assertEquals(s, new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
                "no unpaired surrogate: the string survives UTF-8");
    }

    @Property(tries = 500)
    void validUtf8DecodesToItsOwnText(@ForAll String text) {
        String noEscapes = text.codePoints().filter(cp -> cp < NameCodec.ESCAPE_FIRST || cp > NameCodec.ESCAPE_LAST)
                .filter(cp -> cp < 0xD800 || cp > 0xDFFF)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        byte[] utf8 = noEscapes.getBytes(StandardCharsets.UTF_8);
        assertEquals(noEscapes, NameCodec.decode(utf8));
        assertArrayEquals(utf8, NameCodec.encode(noEscapes));
        assertTrue(!NameCodec.hasEscapes(noEscapes));
    }

    @Property(tries = 500)
    void theDisplayFormIsPrintableAndReadBack(@ForAll("names") byte[] name) {
        String s = NameCodec.decode(name);
        String shown = NameCodec.display(s);
        assertTrue(shown.chars().noneMatch(c -> c < 0x20 || c == 0x7f
                || (c >= NameCodec.ESCAPE_FIRST && c <= NameCodec.ESCAPE_LAST)), shown);
        assertEquals(s, NameCodec.fromDisplay(shown));
    }
}
