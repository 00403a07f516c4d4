package io.syncnode.node.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** {@link EntryReader#sha256}: copies of one prototype, each fresh and on its own. */
class Sha256Test {
    private static final byte[] ABC = HexFormat.of()
            .parseHex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"); // FIPS 180-2, "abc"

    @Test
    void eachDigestIsFreshAndIndependentOfTheOthers() {
        var first = EntryReader.sha256();
        first.update("ab".getBytes(StandardCharsets.US_ASCII)); // left unfinished
        var second = EntryReader.sha256();
        assertNotSame(first, second);
        assertArrayEquals(ABC, second.digest("abc".getBytes(StandardCharsets.US_ASCII)), "not started from ab");
        first.update((byte) 'c');
        assertArrayEquals(ABC, first.digest(), "not touched by the other");
        assertArrayEquals(ABC, EntryReader.sha256().digest("abc".getBytes(StandardCharsets.US_ASCII)));
    }
}
