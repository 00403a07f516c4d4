package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ConflictCopyNameTest {
    private static final long MTIME = 1_700_000_000_123_456_789L; // 2023-11-14 22:13:20 UTC

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "notes.txt, notes.sync-conflict-20231114-221320-n2.txt",
            "Makefile, Makefile.sync-conflict-20231114-221320-n2",
            ".bashrc, .bashrc.sync-conflict-20231114-221320-n2",
            "a.tar.gz, a.tar.sync-conflict-20231114-221320-n2.gz",
            "café.txt, café.sync-conflict-20231114-221320-n2.txt",
    })
    void namesTheCopyBesideTheOriginal(String name, String copy) {
        assertEquals(copy, ConflictCopyName.of(name, MTIME, "n2"));
        assertTrue(ConflictCopyName.isCopyOf(copy, name));
    }

    /** Names of 255 name bytes made of characters of 1, 2, 3 and 4 bytes, and of escaped (non-UTF-8) bytes. */
    @ParameterizedTest(name = "{0}-byte characters")
    @CsvSource({"a, 1", "é, 2", "€, 3", "😀, 4", "\uEFE9, 1"})
    void aLongNameIsCutAtAWholeCharacterToAValidName(String ch, int bytesPerChar) {
        String base = ch.repeat(250 / bytesPerChar);
        String name = base + ".txt";
        String copy = ConflictCopyName.of(name, MTIME, "node-with-a-long-name");
        int bytes = NameCodec.byteLength(copy);
        assertTrue(bytes <= RelativePath.MAX_COMPONENT, copy + " has " + bytes + " bytes");
        assertTrue(bytes > RelativePath.MAX_COMPONENT - bytesPerChar, "cut no more than needed: " + bytes);
        assertNull(RelativePath.problem(copy), "a valid path");
        assertTrue(copy.endsWith(".sync-conflict-20231114-221320-node-with-a-long-name.txt"), copy);
        String kept = copy.substring(0, copy.indexOf(".sync-conflict-"));
        assertTrue(base.startsWith(kept) && kept.length() % ch.length() == 0, "whole characters: " + kept);
        assertTrue(Arrays.equals(NameCodec.encode(kept), Arrays.copyOf(NameCodec.encode(base), NameCodec.encode(kept).length)));
    }

    @Test
    void anExtensionTooLongToKeepIsDropped() {
        String name = "x." + "e".repeat(240);
        String copy = ConflictCopyName.of(name, MTIME, "n2");
        assertTrue(NameCodec.byteLength(copy) <= RelativePath.MAX_COMPONENT, copy);
        assertTrue(copy.endsWith(".sync-conflict-20231114-221320-n2"), copy);
        assertTrue(copy.startsWith("x"), copy);
    }
}
