package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NameCodecTest {

    @ParameterizedTest
    @ValueSource(strings = {"plain", "ünïcödé", "日本語", "emoji 😀", "a/b/c", "", "tab\there"})
    void validUtf8IsItsOwnText(String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        assertEquals(name, NameCodec.decode(utf8));
        assertArrayEquals(utf8, NameCodec.encode(name));
        assertFalse(NameCodec.hasEscapes(name));
        assertNull(NameCodec.problem(name));
    }

    @Test
    void latin1AndStrayBytesBecomeEscapesAndComeBack() {
        byte[] cafe = {'c', 'a', 'f', (byte) 0xe9};
        String s = NameCodec.decode(cafe);
        assertEquals("caf\uEFE9", s);
        assertTrue(NameCodec.hasEscapes(s));
        assertArrayEquals(cafe, NameCodec.encode(s));
        assertEquals("caf\\xe9", NameCodec.display(s));
        assertEquals(s, NameCodec.fromDisplay("caf\\xe9"));
        assertEquals(4, NameCodec.byteLength(s));
    }

    @Test
    void malformedSequencesAreEscapedBytewise() {
        byte[][] cases = {
            {(byte) 0xc3},                              // truncated 2-byte sequence
            {(byte) 0xc0, (byte) 0x80},                 // overlong NUL
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80},    // a UTF-16 surrogate in UTF-8 (CESU)
            {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
            {(byte) 0xff, (byte) 0xfe},
            {(byte) 0x80, 'x'},
        };
        for (byte[] b : cases) {
            String s = NameCodec.decode(b);
            assertTrue(NameCodec.hasEscapes(s));
            assertArrayEquals(b, NameCodec.encode(s));
            assertNull(NameCodec.problem(s));
        }
    }

    @Test
    void aValidNameThatSpellsAnEscapeCharacterStaysDistinct() {
        // U+EF80 written in UTF-8 (EE BE 80) must not decode to the escape of byte 0x80
        byte[] pua = "\uEF80".getBytes(StandardCharsets.UTF_8);
        String s = NameCodec.decode(pua);
        assertArrayEquals(pua, NameCodec.encode(s));
        assertFalse(s.equals(NameCodec.decode(new byte[] {(byte) 0x80})));
        assertNotNull(NameCodec.problem("\uEFC3\uEFA9"), "escapes spelling valid UTF-8 (é) are not canonical");
    }

    @Test
    void unpairedSurrogatesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> NameCodec.encode("a\uD800b"));
        assertNotNull(NameCodec.problem("a\uDC00"));
        assertNotNull(RelativePath.problem("x\uD800"));
    }

    @Test
    void everyByteStringRoundTripsOneToOne() {
        Random rnd = new Random(20261121);
        Map<String, byte[]> seen = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[rnd.nextInt(12)];
            for (int k = 0; k < b.length; k++) {
                // bias toward the interesting high bytes
                b[k] = (byte) (rnd.nextBoolean() ? 0x80 + rnd.nextInt(0x80) : 1 + rnd.nextInt(0xff));
            }
            String s = NameCodec.decode(b);
            assertArrayEquals(b, NameCodec.encode(s));
            assertEquals(b.length, NameCodec.byteLength(s));
            assertNull(NameCodec.problem(s));
            assertEquals(s, new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
                    "the text survives UTF-8 storage (SQLite, JSON)");
            assertEquals(s, NameCodec.fromDisplay(NameCodec.display(s)));
            byte[] other = seen.put(s, b);
            if (other != null) {
                assertArrayEquals(other, b, "two byte strings gave the same text");
            }
        }
    }

    @Test
    void displayEscapesControlsAndBackslashes() {
        assertEquals("a\\x0ab\\\\c", NameCodec.display("a\nb\\c"));
        assertEquals("a\nb\\c", NameCodec.fromDisplay("a\\x0ab\\\\c"));
        assertThrows(IllegalArgumentException.class, () -> NameCodec.fromDisplay("bad\\q"));
    }

    @Test
    void pathLengthsCountBytes() {
        String escaped = NameCodec.decode(new byte[] {(byte) 0xff});
        assertNull(RelativePath.problem(escaped.repeat(255)));
        assertNotNull(RelativePath.problem(escaped.repeat(256)), "256 bytes in one component");
        assertNotNull(RelativePath.problem("é".repeat(128)), "256 UTF-8 bytes in one component");
    }
}
