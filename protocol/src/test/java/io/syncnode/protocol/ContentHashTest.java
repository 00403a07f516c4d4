package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ContentHashTest {

    static Stream<Arguments> wrongLengths() {
        return Stream.of(
                Arguments.of(named("null", null), "null"),
                Arguments.of(named("empty", new byte[0]), "got 0"),
                Arguments.of(named("31 bytes", new byte[31]), "got 31"),
                Arguments.of(named("33 bytes", new byte[33]), "got 33"),
                Arguments.of(named("SHA-1 length (20)", new byte[20]), "got 20"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongLengths")
    void rejectsWrongLength(byte[] bytes, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ContentHash.of(bytes));
        assertTrue(e.getMessage().contains("32 bytes") && e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void keepsACopyAndHandsOutCopies() {
        byte[] bytes = new byte[32];
        bytes[0] = 1;
        ContentHash h = ContentHash.of(bytes);
        bytes[0] = 2;
        assertEquals(1, h.toBytes()[0], "input copied");
        h.toBytes()[0] = 3;
        assertEquals(1, h.toBytes()[0], "output copied");
    }

    @Test
    void hexRoundTripAndEquality() {
        String hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        ContentHash h = ContentHash.ofHex(hex);
        assertEquals(hex, h.hex());
        assertEquals(h, ContentHash.of(h.toBytes()));
        assertEquals(h.hashCode(), ContentHash.of(h.toBytes()).hashCode());
        assertNotEquals(h, ContentHash.ofHex("00".repeat(32)));
        assertEquals("e3b0c44298fc", h.toString());
        assertArrayEquals(h.toBytes(), ContentHash.ofHex(hex.toUpperCase()).toBytes());
    }
}
